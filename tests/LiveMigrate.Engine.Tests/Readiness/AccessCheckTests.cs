using LiveMigrate.Hosts;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class AccessCheckTests
    {
        private const string Line = "deploy ALL=(root) NOPASSWD: ALL";

        private static ReadinessResult AccessRow(RootAccess access)
        {
            var e = TwoHosts();
            e.Destination.Access = Found(access);
            return e.Judge().Row(HostChecks.Access, Dst);
        }

        [Fact]
        public void Root_logins_pass()
        {
            AccessRow(new RootAccess("root", BecomeMethod.None, "0", "")).Is(ReadinessStatus.Pass, "Logged in as root");
        }

        [Fact]
        public void A_user_that_becomes_root_through_sudo_passes()
        {
            var row = AccessRow(new RootAccess("deploy", BecomeMethod.Sudo, "0", ""));

            row.Is(ReadinessStatus.Pass, "deploy");
            Assert.Contains("sudo -n", row.Detail);
        }

        [Fact]
        public void Sudo_asking_for_a_password_fails_with_the_sudoers_line_to_add()
        {
            var row = AccessRow(new RootAccess("deploy", BecomeMethod.Sudo, null, "sudo: a password is required"));

            row.Is(ReadinessStatus.Fail, "a password is required");
            Assert.Contains(Line, row.Remedy);
        }

        [Fact]
        public void Sudo_refusing_the_command_fails_with_the_sudoers_line_to_add()
        {
            var row = AccessRow(new RootAccess("deploy", BecomeMethod.Sudo, null, "Sorry, user deploy is not allowed to execute '/usr/bin/id -u' as root on lm2."));

            row.Is(ReadinessStatus.Fail, "not allowed");
            Assert.Contains(Line, row.Remedy);
        }

        [Fact]
        public void A_host_without_sudo_is_told_to_install_it()
        {
            var row = AccessRow(new RootAccess("deploy", BecomeMethod.Sudo, null, "sh: 1: sudo: not found"));

            Assert.Contains("apt-get install sudo", row.Remedy);
            Assert.Contains(Line, row.Remedy);
        }

        [Fact]
        public void A_user_login_without_become_fails_and_names_the_switch()
        {
            var row = AccessRow(new RootAccess("deploy", BecomeMethod.None, "1000", ""));

            row.Is(ReadinessStatus.Fail, "not root");
            Assert.Contains("-Become Sudo", row.Remedy);
            Assert.Contains(Line, row.Remedy);
        }

        [Fact]
        public void Without_root_the_host_s_other_checks_say_why_they_did_not_run()
        {
            var e = TwoHosts();
            e.Destination.Access = Found(new RootAccess("deploy", BecomeMethod.Sudo, null, "sudo: a password is required"));
            e.Destination.Facts = Outcome<HostFacts>.NotRun;
            e.Destination.Canary = Outcome<CanaryResult>.NotRun;

            var rows = e.Judge();

            rows.Row(HostChecks.Tools, Dst).Is(ReadinessStatus.Skipped, "do not run as root");
            rows.Row(HostChecks.Canary, Dst).Is(ReadinessStatus.Skipped, "do not run as root");
        }

        [Fact]
        public void The_checker_stops_probing_a_host_whose_commands_do_not_reach_root()
        {
            var source = Reachable(Src);
            var probe = new FakeReadinessProbe(source.Session!)
            {
                OnAccess = h => h == Dst ? new RootAccess("deploy", BecomeMethod.Sudo, null, "sudo: a password is required") : new RootAccess("root", BecomeMethod.None, "0", ""),
            };

            var rows = new ReadinessChecker(probe).Run(new ReadinessRequest(), source, Reachable(Dst), default);

            rows.Row(HostChecks.Access, Dst).Is(ReadinessStatus.Fail);
            Assert.DoesNotContain("begin Facts " + Dst, probe.Log);
            Assert.Contains("begin Facts " + Src, probe.Log);
        }
    }
}
