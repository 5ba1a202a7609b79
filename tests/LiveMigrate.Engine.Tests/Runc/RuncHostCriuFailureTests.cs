using System;
using System.Linq;
using LiveMigrate.Commands;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using LiveMigrate.Tests.Support;
using Xunit;
using static LiveMigrate.Tests.Fakes.FakeHostSession;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>A failed checkpoint or restore carries the lines of CRIU's log that explain it.</summary>
    public sealed class RuncHostCriuFailureTests
    {
        private const string ImageDir = "/tmp/lmprobe/img";

        /// <summary>runc fails with <paramref name="stderr"/>; `tail` finds the CRIU log only at its real path.</summary>
        private static RuncHost FailingCheckpoint(string stderr, out FakeHostSession session)
        {
            session = new FakeHostSession(cmd => cmd.Arguments[0] switch
            {
                _ when cmd.Arguments.Count > 1 && cmd.Arguments[1] == "pause" => Exit(0),
                "test" => Exit(0),  // CRIU's configuration file is there
                "tail" when cmd.Arguments.Last() == CriuSamples.DumpLogPath => Exit(0, CriuSamples.DumpLog),
                "tail" => Exit(1, stderr: $"tail: cannot open '{cmd.Arguments.Last()}' for reading: No such file or directory"),
                _ => Exit(1, stderr: stderr),
            });
            return new RuncHost(session, new RuntimeOptions());
        }

        [Fact]
        public void Explains_a_failure_from_runc_real_stderr()
        {
            var host = FailingCheckpoint(CriuSamples.RuncCheckpointStderr, out _);

            var ex = Assert.Throws<RuntimeCommandException>(() => host.Checkpoint("probe", ImageDir, null, default));

            Assert.Equal(CriuSamples.DumpLogPath, ex.CriuLogPath);
            Assert.Contains(CriuSamples.DumpLogCause, ex.CriuLog);
            Assert.Contains(CriuSamples.DumpLogCause, ex.Message);
        }

        [Fact]
        public void Explains_a_failure_whose_error_names_the_log_plainly()
        {
            var host = FailingCheckpoint("criu failed: type NOTIFY errno 0\nlog file: " + CriuSamples.DumpLogPath, out var session);

            var ex = Assert.Throws<RuntimeCommandException>(() => host.Checkpoint("probe", ImageDir, null, default));

            Assert.Equal(CriuSamples.DumpLogPath, ex.CriuLogPath);
            Assert.Contains(CriuSamples.DumpLogCause, ex.CriuLog);
            Assert.DoesNotContain(ex.CriuLog, l => l.Contains("RLIMIT_NOFILE"));
            Assert.Equal(1, ex.Result?.ExitCode);
            Assert.Equal("tail -n 400 " + CriuSamples.DumpLogPath, session.Runs.Last().command.ToShellString());
        }

        [Fact]
        public void Falls_back_to_the_log_in_the_work_directory_when_runc_names_none()
        {
            var host = FailingCheckpoint("criu failed: unexpected EOF", out _);

            var ex = Assert.Throws<RuntimeCommandException>(() => host.Checkpoint("probe", ImageDir, null, default));

            Assert.Equal(ImageDir + "/dump.log", ex.CriuLogPath);
            Assert.Contains(CriuSamples.DumpLogCause, ex.CriuLog);
        }

        [Fact]
        public void A_timeout_on_the_host_reads_the_log_and_stays_a_timeout()
        {
            // `timeout` exits 124 when it kills runc.
            var session = new FakeHostSession(cmd => cmd.Arguments[0] == "test" ? Exit(0) : cmd.Arguments[0] == "tail" ? Exit(0, CriuSamples.DumpLog) : cmd.Arguments.Count > 1 && cmd.Arguments[1] == "pause" ? Exit(0) : Exit(124));
            var host = new RuncHost(session, new RuntimeOptions());

            var ex = Assert.Throws<RuntimeCommandException>(() => host.Restore("probe", "/var/lib/containers/probe", ImageDir, default));

            Assert.Contains("timed out on the host", ex.Message);
            Assert.Equal(ImageDir + "/restore.log", ex.CriuLogPath);
            Assert.Contains(CriuSamples.DumpLogCause, ex.CriuLog);
            Assert.True(ex.TimedOut, "a CRIU call killed by its host timeout must still say TimedOut");
        }

        [Fact]
        public void A_timeout_of_the_session_reads_the_log_and_stays_a_timeout()
        {
            var session = new FakeHostSession(cmd => cmd.Arguments[0] == "test" ? Exit(0) : cmd.Arguments[0] == "tail"
                ? Exit(0, CriuSamples.DumpLog)
                : cmd.Arguments.Count > 1 && cmd.Arguments[1] == "pause" ? Exit(0)
                : throw new CommandFailedException("fakehost", cmd, "did not finish within 310 s and was killed.") { TimedOut = true });
            var host = new RuncHost(session, new RuntimeOptions());

            var ex = Assert.Throws<RuntimeCommandException>(() => host.Checkpoint("probe", ImageDir, null, default));

            Assert.Contains("did not finish within 310 s", ex.Message);
            Assert.Equal(ImageDir + "/dump.log", ex.CriuLogPath);
            Assert.Contains(CriuSamples.DumpLogCause, ex.CriuLog);
            Assert.True(ex.TimedOut, "a CRIU call killed by the session timeout must still say TimedOut");
        }

        [Fact]
        public void A_log_that_cannot_be_read_leaves_the_runc_message()
        {
            var session = new FakeHostSession(cmd => cmd.Arguments[0] == "test" || cmd.Arguments.Count > 1 && cmd.Arguments[1] == "pause" ? Exit(0) : Exit(1, stderr: "criu failed"));
            var host = new RuncHost(session, new RuntimeOptions());

            var ex = Assert.Throws<RuntimeCommandException>(() => host.Checkpoint("probe", ImageDir, null, default));

            Assert.Empty(ex.CriuLog);
            Assert.Contains("criu failed", ex.Message);
        }
    }
}
