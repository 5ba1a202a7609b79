using LiveMigrate.Runc;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    public sealed class CriuLogPathTests
    {
        [Fact]
        public void Finds_the_log_named_in_runc_error_text()
        {
            const string error = "criu failed: type NOTIFY errno 0\nlog file: /var/lib/livemigrate/images/x/restore.log";

            Assert.Equal("/var/lib/livemigrate/images/x/restore.log", CriuLog.FindLogPath(error));
        }

        [Fact]
        public void Finds_the_log_in_what_runc_really_prints_on_stderr()
        {
            // runc's real stderr quotes msg and writes its newline as \n.
            Assert.Equal(CriuSamples.DumpLogPath, CriuLog.FindLogPath(CriuSamples.RuncCheckpointStderr));
        }

        [Theory]
        [InlineData("time=\"2026-11-27T23:40:39Z\" level=error msg=\"container does not exist\"")]
        [InlineData("")]
        [InlineData(null)]
        public void Null_when_runc_names_no_log(string? error)
        {
            Assert.Null(CriuLog.FindLogPath(error!));
        }
    }
}
