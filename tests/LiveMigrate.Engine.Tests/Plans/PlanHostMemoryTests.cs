using System;
using LiveMigrate.Hosts;
using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>Hosts of a plan run unattended: key and known hosts from secrets, and a login that becomes root with sudo.</summary>
    public sealed class PlanHostMemoryTests
    {
        private static PlanLoadResult WithHost(params string[] hostLines)
        {
            var lines = new System.Collections.Generic.List<string> { "version: 1", "hosts:", "  lm2: { address: lm2 }", "  lm1:" };
            lines.AddRange(Array.ConvertAll(hostLines, l => "    " + l));
            lines.Add("waves: [ { name: w, migrations: [ { container: c, from: lm1, to: lm2 } ] } ]");
            return PlanFiles.Parse(lines.ToArray());
        }

        private static PlanHost Lm1(PlanLoadResult result) => Assert.Single(result.Plan!.Hosts, h => h.Name == "lm1");

        [Fact]
        public void Key_and_known_hosts_secrets_and_become_are_read()
        {
            var host = Lm1(WithHost("address: deploy@10.0.0.1", "keySecret: lm-key", "knownHostsSecret: lm-hosts", "vault: store", "become: sudo"));

            Assert.Equal(("lm-key", "lm-hosts", "store", BecomeMethod.Sudo), (host.KeySecret, host.KnownHostsSecret, host.Vault, host.Become));
        }

        [Fact]
        public void Become_defaults_to_none()
        {
            Assert.Equal(BecomeMethod.None, Lm1(WithHost("address: root@10.0.0.1")).Become);
        }

        [Fact]
        public void An_unknown_become_method_is_an_error_with_the_choices()
        {
            var error = PlanFiles.SingleError(WithHost("address: root@10.0.0.1", "become: su"), PlanProblemCodes.InvalidValue, 6, 13);
            Assert.Contains("none, sudo", error.Message);
        }

        [Fact]
        public void A_key_secret_beside_a_key_path_is_a_conflict()
        {
            PlanFiles.SingleError(WithHost("address: root@10.0.0.1", "keyPath: /k", "keySecret: k"), PlanProblemCodes.ConflictingSetting, 7, 5);
        }

        [Fact]
        public void A_known_hosts_secret_beside_a_known_hosts_path_is_a_conflict()
        {
            PlanFiles.SingleError(WithHost("address: root@10.0.0.1", "knownHostsPath: /kh", "knownHostsSecret: kh"), PlanProblemCodes.ConflictingSetting, 7, 5);
        }

        [Fact]
        public void A_vault_for_a_key_secret_alone_is_fine()
        {
            Assert.Empty(WithHost("address: root@10.0.0.1", "keySecret: k", "vault: store").Problems);
        }
    }
}
