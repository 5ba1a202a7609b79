using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class CanaryCheckTests
    {
        private static ReadinessResult Judge(string output, bool timedOut = false)
        {
            var e = TwoHosts();
            e.Destination.Canary = Found(CanaryResult.Parse(output, timedOut));
            return e.Judge().Row(HostChecks.Canary, Dst);
        }

        [Fact]
        public void A_canary_that_went_through_passes_with_its_times()
        {
            TwoHosts().Judge().Row(HostChecks.Canary, Src).Is(ReadinessStatus.Pass, "checkpointed in 0.40 s and restored in 0.30 s");
        }

        [Fact]
        public void A_network_lock_failure_points_at_iptables_and_hides_the_harmless_rlimit_error()
        {
            var row = Judge("failed=checkpoint\nlog=(00.01) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self\n" +
                            "log=(00.02) Error (criu/net.c:3121): iptables-restore failed\n");

            row.Is(ReadinessStatus.Fail, "The checkpoint of a throwaway container failed: (00.02) Error (criu/net.c:3121): iptables-restore failed", "apt-get install iptables");
            Assert.DoesNotContain("RLIMIT_NOFILE", row.Detail);
        }

        [Fact]
        public void Another_failure_sends_to_the_full_log()
        {
            Judge("failed=restore\nerror=level=error msg=\"criu failed: type RESTORE errno 0\"\n")
                .Is(ReadinessStatus.Fail, "The restore of a throwaway container failed", "--log-level debug");
        }

        [Fact]
        public void A_hanging_canary_fails_with_the_criu_fault_advice()
        {
            Judge("", timedOut: true).Is(ReadinessStatus.Fail, "did not finish in time", "CRIU_FAULT=130");
        }

        [Fact]
        public void Without_runc_or_criu_the_canary_is_not_run()
        {
            var e = TwoHosts();
            e.Destination.Facts = Found(Facts(f => f.CriuVersion = null));
            e.Destination.Canary = LiveMigrate.Readiness.Outcome<CanaryResult>.NotRun;

            e.Judge().Row(HostChecks.Canary, Dst).Is(ReadinessStatus.Skipped, "runc or CRIU is missing");
        }
    }
}
