using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>
    /// Engine bug (Scripts/canary.sh lines 35 and 41): run and restore call step() with >/dev/null, which also swallows
    /// the "timed_out=1" that step() echoes, so a hanging restore reads as an ordinary failure without the CRIU-hang advice.
    /// </summary>
    public sealed class CanaryScriptHangingStepBugTests
    {
        [Theory]
        [InlineData("run")]
        [InlineData("restore")]
        public void A_step_that_hangs_is_reported_as_timed_out(string step)
        {
            using var runc = step == "run" ? new FakeRunc(run: FakeRunc.Hang) : new FakeRunc(restore: FakeRunc.Hang);

            var c = CanaryScriptTests.RunCanary(runc, stepSeconds: 1);

            Assert.Equal(step, c.FailedStep);
            Assert.True(c.TimedOut, "canary.sh did not say timed_out=1 for a hanging " + step);
        }
    }
}
