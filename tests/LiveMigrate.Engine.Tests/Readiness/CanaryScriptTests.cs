using System;
using System.IO;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Facts;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>canary.sh run by /bin/sh through ReadinessProbe.Canary, with a fake runc standing in for the real one.</summary>
    public sealed class CanaryScriptTests
    {
        internal static CanaryResult RunCanary(FakeRunc runc, int stepSeconds = 10)
        {
            var request = new ReadinessRequest { ImageRoot = runc.ImageRoot, CanaryTimeout = TimeSpan.FromSeconds(stepSeconds) };
            request.Runtime.RuncPath = runc.Path;
            return new ReadinessProbe(request).Canary(new LocalHostSession(), CancellationToken.None);
        }

        [Fact]
        public void A_canary_that_checkpoints_and_restores_succeeds_with_its_times_and_leaves_nothing()
        {
            using var runc = new FakeRunc();

            var c = RunCanary(runc);

            Assert.True(c.Succeeded, string.Join(" | ", c.Errors));
            Assert.NotNull(c.Checkpoint);
            Assert.NotNull(c.Restore);
            Assert.Empty(Directory.GetFileSystemEntries(runc.ImageRoot));
        }

        [Fact]
        public void Succeeds_on_a_host_that_has_no_image_root_yet()
        {
            using var runc = new FakeRunc();
            var request = new ReadinessRequest { ImageRoot = Path.Combine(runc.ImageRoot, "never-made", "images"), CanaryTimeout = TimeSpan.FromSeconds(10) };
            request.Runtime.RuncPath = runc.Path;

            var c = new ReadinessProbe(request).Canary(new LocalHostSession(), CancellationToken.None);

            Assert.True(c.Succeeded, $"failed={c.FailedStep} " + string.Join(" | ", c.Errors));
        }

        [Fact]
        public void A_failed_checkpoint_reports_runc_s_stderr_and_the_error_lines_of_dump_log()
        {
            using var runc = new FakeRunc(checkpoint:
                "printf '(00.01) Info ok\\n(00.02) Error (criu/net.c:3121): iptables-restore failed\\n' > \"$3/dump.log\"; " +
                "echo 'level=error msg=\"criu failed: type NOTIFY errno 0\"' >&2; exit 1");

            var c = RunCanary(runc);

            Assert.False(c.Succeeded);
            Assert.False(c.TimedOut);
            Assert.Equal("checkpoint", c.FailedStep);
            Assert.Equal(new[] { "level=error msg=\"criu failed: type NOTIFY errno 0\"" }, c.Errors);
            Assert.Equal(new[] { "(00.02) Error (criu/net.c:3121): iptables-restore failed" }, c.CriuLog);
            Assert.Empty(Directory.GetFileSystemEntries(runc.ImageRoot));
        }

        [Fact]
        public void A_checkpoint_that_hangs_is_stopped_after_the_step_limit_and_reported_as_timed_out()
        {
            using var runc = new FakeRunc(checkpoint: FakeRunc.Hang);
            var clock = System.Diagnostics.Stopwatch.StartNew();

            var c = RunCanary(runc, stepSeconds: 1);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
            Assert.True(c.TimedOut);
            Assert.Equal("checkpoint", c.FailedStep);
        }
    }
}
