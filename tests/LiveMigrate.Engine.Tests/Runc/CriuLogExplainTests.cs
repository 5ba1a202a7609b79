using System.Linq;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    public sealed class CriuLogExplainTests
    {
        [Fact]
        public void Picks_the_error_lines_with_two_lines_of_context_and_skips_the_harmless_rlimit_error()
        {
            var lines = CriuLog.Explain(CriuSamples.DumpLog);

            Assert.Equal(new[]
            {
                "(00.079625) 11783 fdinfo 1: pos:                0 flags:           100002/0",
                "(00.079661) 11783 fdinfo 2: pos:                0 flags:           100001/0",
                CriuSamples.DumpLogCause,
                "(00.079704) Error (criu/cr-dump.c:1681): Dump files (pid: 11783) failed with -1",
                "(00.150033) Error (criu/cr-dump.c:2111): Dumping FAILED.",
            }, lines);
        }

        [Fact]
        public void Reads_restore_errors_that_carry_a_task_id()
        {
            const string log =
                "(00.011000)      1: Restoring fd 3 (state -> prepare)\n" +
                "(00.012000)      1: Opening tmp/x\n" +
                "(00.012345)      1: Error (criu/files-reg.c:1831): File tmp/x has bad size 10 (expect 20)\r\n" +
                "(00.012400)      1: Error (criu/files.c:1213): Unable to open fd=3 id=0x5\r\n" +
                "(00.030000) Error (criu/cr-restore.c:2447): Restoring FAILED.\n";

            var lines = CriuLog.Explain(log);

            Assert.Equal(5, lines.Count);
            Assert.Equal("(00.012345)      1: Error (criu/files-reg.c:1831): File tmp/x has bad size 10 (expect 20)", lines[2]);
            Assert.All(lines, l => Assert.DoesNotContain("\r", l));
        }

        [Fact]
        public void An_error_on_the_first_line_has_no_context()
        {
            var lines = CriuLog.Explain("Error: something\nafter\n");

            Assert.Equal(new[] { "Error: something" }, lines);
        }

        [Fact]
        public void An_error_on_the_second_line_has_one_line_of_context()
        {
            var lines = CriuLog.Explain("before\n(00.1) Error (criu/x.c:1): bad\n");

            Assert.Equal(new[] { "before", "(00.1) Error (criu/x.c:1): bad" }, lines);
        }

        [Fact]
        public void Without_errors_returns_the_last_five_lines()
        {
            var log = string.Join("\n", Enumerable.Range(1, 20).Select(i => $"(00.{i:000}) step {i}")) + "\n";

            var lines = CriuLog.Explain(log);

            Assert.Equal(Enumerable.Range(16, 5).Select(i => $"(00.{i:000}) step {i}"), lines);
        }

        [Fact]
        public void The_harmless_rlimit_error_alone_does_not_count_as_the_cause()
        {
            var log = "(00.1) a\n(00.2) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted\n(00.3) b\n";

            var lines = CriuLog.Explain(log, max: 2);

            Assert.Equal(new[] { "(00.2) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted", "(00.3) b" }, lines);
        }

        [Fact]
        public void Returns_at_most_max_lines()
        {
            var log = "ctx1\nctx2\n" + string.Join("\n", Enumerable.Range(1, 30).Select(i => $"(00.{i:000}) Error (criu/x.c:{i}): e{i}"));

            var lines = CriuLog.Explain(log, max: 12);

            Assert.Equal(12, lines.Count);
            Assert.Equal("ctx1", lines[0]);
            Assert.Equal("(00.010) Error (criu/x.c:10): e10", lines[11]);
        }

        [Theory]
        [InlineData("")]
        [InlineData(null)]
        [InlineData("\n\n\r\n")]
        public void An_empty_log_explains_nothing(string? log)
        {
            Assert.Empty(CriuLog.Explain(log!));
        }
    }
}
