using System;
using LiveMigrate.Readiness.Facts;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>CanaryResult from the lines canary.sh echoes.</summary>
    public sealed class CanaryResultParseTests
    {
        [Fact]
        public void A_canary_that_went_through_has_its_times()
        {
            var c = CanaryResult.Parse("run_ms=85\ncheckpoint_ms=412\nrestore_ms=1250\nok=1\n", timedOut: false);

            Assert.True(c.Succeeded);
            Assert.False(c.TimedOut);
            Assert.Null(c.FailedStep);
            Assert.Equal(TimeSpan.FromMilliseconds(412), c.Checkpoint);
            Assert.Equal(TimeSpan.FromMilliseconds(1250), c.Restore);
        }

        [Fact]
        public void A_failed_step_keeps_runc_s_errors_and_the_criu_log_lines()
        {
            var c = CanaryResult.Parse(
                "run_ms=85\nfailed=checkpoint\n" +
                "error=time=\"2026-11-27T23:40:56Z\" level=error msg=\"criu failed: type NOTIFY errno 0\"\n" +
                "log=(00.012) Error (criu/net.c:3121): iptables-restore failed: No such file or directory\n" +
                "log=(00.013) Error (criu/cr-dump.c:2093): Dumping FAILED.\n", timedOut: false);

            Assert.False(c.Succeeded);
            Assert.Equal("checkpoint", c.FailedStep);
            Assert.False(c.TimedOut);
            Assert.Equal(new[] { "time=\"2026-11-27T23:40:56Z\" level=error msg=\"criu failed: type NOTIFY errno 0\"" }, c.Errors);
            Assert.Equal(2, c.CriuLog.Count);
            Assert.Contains("iptables-restore failed", c.CriuLog[0]);
            Assert.Null(c.Checkpoint);
        }

        [Fact]
        public void A_step_the_script_timed_out_is_a_timeout()
        {
            var c = CanaryResult.Parse("run_ms=85\ntimed_out=1\nfailed=checkpoint\n", timedOut: false);

            Assert.True(c.TimedOut);
            Assert.False(c.Succeeded);
            Assert.Equal("checkpoint", c.FailedStep);
        }

        [Fact]
        public void A_canary_killed_by_the_backstop_is_a_timeout_even_if_it_printed_ok()
        {
            Assert.True(CanaryResult.Parse("", timedOut: true).TimedOut);
            Assert.False(CanaryResult.Parse("ok=1\n", timedOut: true).Succeeded);
        }
    }
}
