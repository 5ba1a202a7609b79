using System;
using System.Linq;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class SshCheckTests
    {
        private static HostKeyException KeyError(HostKeyStatus status) => new HostKeyException(
            new HostAddress("dst.example", 22, "root"), status, "ssh-ed25519", "SHA256:n3wK3y", "/root/.ssh/known_hosts", new[] { "SHA256:0ldK3y" });

        [Fact]
        public void A_reachable_host_passes_with_its_round_trip()
        {
            TwoHosts().Judge().Row(HostChecks.Ssh, Src).Is(ReadinessStatus.Pass, "12 ms");
        }

        [Fact]
        public void A_host_not_reached_over_LiveMigrate_s_own_SSH_claims_no_host_key_check()
        {
            var row = TwoHosts().Judge().Row(HostChecks.Ssh, Src);

            Assert.DoesNotContain("host key", row.Detail);
        }

        [Fact]
        public void An_unreachable_destination_fails_ssh_and_skips_its_own_and_the_pair_s_checks()
        {
            var rows = TwoHosts(new ReadinessRequest { ContainerName = Web },
                destination: Unreachable(Dst, new HostConnectionException(new HostAddress("dst.example"), "Connection refused"))).Judge();

            rows.Row(HostChecks.Ssh, Dst).Is(ReadinessStatus.Fail, "Connection refused", "sshd runs");
            rows.Row(HostChecks.Ssh, Src).Is(ReadinessStatus.Pass);
            foreach (var check in new[] { HostChecks.Tools, HostChecks.CriuCheck, HostChecks.Canary })
                rows.Row(check, Dst).Is(ReadinessStatus.Skipped, "not reachable");
            Assert.All(rows.Where(r => r.Host == Pair), r => Assert.Equal(ReadinessStatus.Skipped, r.Status));
            rows.Row(ContainerChecks.Container, Dst).Is(ReadinessStatus.Skipped);
            // The source is judged as usual.
            rows.Row(HostChecks.Canary, Src).Is(ReadinessStatus.Pass);
        }

        [Fact]
        public void An_unknown_host_key_asks_to_compare_the_fingerprint_then_accept_it()
        {
            var row = TwoHosts(destination: Unreachable(Dst, KeyError(HostKeyStatus.Unknown))).Judge().Row(HostChecks.Ssh, Dst);

            row.Is(ReadinessStatus.Fail, "SHA256:n3wK3y", "-AcceptNewHostKey");
            Assert.Contains("ssh-keygen -lf", row.Remedy);
            Assert.DoesNotContain("ssh-keygen -R", row.Remedy);
        }

        [Fact]
        public void A_changed_host_key_warns_of_interception_before_removing_the_old_key()
        {
            var row = TwoHosts(source: Unreachable(Src, KeyError(HostKeyStatus.Changed))).Judge().Row(HostChecks.Ssh, Src);

            row.Is(ReadinessStatus.Fail, "HAS CHANGED", "ssh-keygen -R");
            Assert.Contains("someone in between", row.Remedy);
        }

        [Fact]
        public void A_failed_ping_on_an_open_session_fails_ssh_as_could_not_be_checked()
        {
            var e = TwoHosts();
            e.Source.Ping = Broken<TimeSpan>("'true' on src exited with code 255.");
            e.Source.Facts = LiveMigrate.Readiness.Outcome<LiveMigrate.Readiness.Facts.HostFacts>.NotRun;

            var rows = e.Judge();

            rows.Row(HostChecks.Ssh, Src).Is(ReadinessStatus.Fail, "Could not be checked: 'true' on src exited with code 255.", "run Test-MigrationReadiness again");
            rows.Row(HostChecks.Tools, Src).Is(ReadinessStatus.Skipped, "src is not reachable");
        }
    }
}
