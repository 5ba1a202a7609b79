using System;
using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>Hosts: addresses, user and port, key files, and secrets that never sit in the plan.</summary>
    public sealed class PlanHostTests
    {
        private static PlanLoadResult WithHost(params string[] hostLines)
        {
            var lines = new System.Collections.Generic.List<string> { "version: 1", "hosts:", "  lm2: { address: lm2 }", "  lm1:" };
            lines.AddRange(Array.ConvertAll(hostLines, l => "    " + l));
            lines.Add("waves: [ { name: w, migrations: [ { container: c, from: lm1, to: lm2 } ] } ]");
            return PlanFiles.Parse(lines.ToArray());
        }

        [Fact]
        public void A_password_is_refused_and_the_fix_says_to_store_it_as_a_secret()
        {
            var error = PlanFiles.SingleError(WithHost("address: root@10.0.0.1", "password: hunter2"), PlanProblemCodes.PlainPassword, 6, 5);
            Assert.Contains("a plan never holds a password", error.Message);
            Assert.DoesNotContain("hunter2", error.Message + error.Fix);
            Assert.Contains("Set-Secret", error.Fix);
            Assert.Contains("secret:", error.Fix);
        }

        [Theory]
        [InlineData("sshPassword")]
        [InlineData("Passphrase")]
        public void Any_key_that_names_a_password_or_passphrase_is_refused(string key)
        {
            PlanFiles.SingleError(WithHost("address: root@10.0.0.1", key + ": x"), PlanProblemCodes.PlainPassword, 6, 5);
        }

        [Fact]
        public void A_password_nested_deeper_under_hosts_is_refused_too()
        {
            var result = WithHost("address: root@10.0.0.1", "options: { auth: { password: x } }");
            Assert.Collection(result.Problems,
                p => Assert.Equal((PlanProblemCodes.UnknownKey, 6, 5), (p.Code, p.Line, p.Column)),
                p => Assert.Equal((PlanProblemCodes.PlainPassword, 6, 24), (p.Code, p.Line, p.Column)));
        }

        [Fact]
        public void User_and_port_combine_with_a_bare_address_and_the_rest_is_kept()
        {
            var plan = WithHost("address: 10.0.0.1", "user: admin", "port: 2222", "keyPath: ~/.ssh/id_ed25519",
                "knownHostsPath: /etc/ssh/known", "secret: lm1-key", "vault: store").Plan!;
            var host = Assert.Single(plan.Hosts, h => h.Name == "lm1");
            Assert.Equal("admin@10.0.0.1:2222", host.Address.ToString());
            Assert.Equal(("~/.ssh/id_ed25519", "/etc/ssh/known", "lm1-key", "store"), (host.KeyPath, host.KnownHostsPath, host.Secret, host.Vault));
        }

        [Fact]
        public void A_link_address_keeps_the_address_user_unless_it_names_one()
        {
            var plan = WithHost("address: admin@10.0.0.1:2222", "linkAddress: 198.18.0.1").Plan!;
            Assert.Equal("admin@198.18.0.1:22", Assert.Single(plan.Hosts, h => h.Name == "lm1").LinkAddress!.ToString());
            Assert.Null(Assert.Single(plan.Hosts, h => h.Name == "lm2").LinkAddress);

            plan = WithHost("address: admin@10.0.0.1:2222", "linkAddress: mover@198.18.0.1:2200").Plan!;
            Assert.Equal("mover@198.18.0.1:2200", Assert.Single(plan.Hosts, h => h.Name == "lm1").LinkAddress!.ToString());
        }

        [Fact]
        public void A_link_address_that_is_no_address_is_an_error_at_its_place()
        {
            var error = PlanFiles.SingleError(WithHost("address: root@10.0.0.1", "linkAddress: 'a b'"), PlanProblemCodes.InvalidAddress, 6, 18);
            Assert.Contains("'a b' is not a host", error.Message);
        }

        [Fact]
        public void A_port_that_contradicts_the_address_is_a_conflict()
        {
            var error = PlanFiles.SingleError(WithHost("address: root@10.0.0.1:22", "port: 2222"), PlanProblemCodes.ConflictingSetting, 6, 5);
            Assert.Contains("address names port 22", error.Message);
        }

        [Fact]
        public void A_user_that_contradicts_the_address_is_a_conflict()
        {
            PlanFiles.SingleError(WithHost("address: root@10.0.0.1", "user: admin"), PlanProblemCodes.ConflictingSetting, 6, 5);
        }

        [Fact]
        public void An_address_that_is_not_a_host_is_reported()
        {
            var error = PlanFiles.SingleError(WithHost("address: \"root@bad host\""), PlanProblemCodes.InvalidAddress, 5, 14);
            Assert.Contains("is not a host", error.Message);
        }

        [Fact]
        public void A_vault_without_a_secret_is_a_conflict()
        {
            PlanFiles.SingleError(WithHost("address: 10.0.0.1", "vault: store"), PlanProblemCodes.ConflictingSetting, 6, 5);
        }

        [Fact]
        public void A_port_out_of_range_is_reported()
        {
            PlanFiles.SingleError(WithHost("address: 10.0.0.1", "port: 70000"), PlanProblemCodes.OutOfRange, 6, 11);
        }
    }
}
