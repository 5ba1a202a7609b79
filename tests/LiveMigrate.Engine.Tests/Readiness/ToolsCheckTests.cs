using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class ToolsCheckTests
    {
        private static ReadinessEvidence WithDestination(System.Action<LiveMigrate.Readiness.Facts.HostFacts> change)
        {
            var e = TwoHosts();
            e.Destination.Facts = Found(Facts(change));
            return e;
        }

        [Fact]
        public void Both_tools_there_pass_with_their_versions()
        {
            var rows = TwoHosts().Judge();

            rows.Row(HostChecks.Tools, Dst).Is(ReadinessStatus.Pass, "runc 1.1.12, CRIU 4.1");
            Assert.Empty(rows.Rows(HostChecks.Tools, Pair));
        }

        [Theory]
        [InlineData("6.18.44-fc-v1300", "4.1.1", ReadinessStatus.Warn)]
        [InlineData("6.16.0", "4.1", ReadinessStatus.Warn)]
        [InlineData("6.18.44-fc-v1300", "4.2.1", ReadinessStatus.Pass)]
        [InlineData("6.15.9", "4.1.1", ReadinessStatus.Pass)]
        public void A_CRIU_that_cannot_dump_sockets_on_this_kernel_is_named_with_the_pair(string kernel, string criu, ReadinessStatus status)
        {
            var row = WithDestination(f => { f.Kernel = kernel; f.CriuVersion = criu; }).Judge().Row(HostChecks.Tools, Dst);
            if (status == ReadinessStatus.Pass) row.Is(ReadinessStatus.Pass, $"CRIU {criu}");
            else row.Is(ReadinessStatus.Warn, $"CRIU {criu} cannot dump any TCP or UDP socket on kernel {kernel}", "Install CRIU 4.2 or newer");
        }

        [Fact]
        public void Missing_runc_fails_with_how_to_install_it()
        {
            WithDestination(f => f.RuncVersion = null).Judge().Row(HostChecks.Tools, Dst).Is(ReadinessStatus.Fail, "runc is not installed", "apt-get install runc");
        }

        [Fact]
        public void Missing_criu_fails_and_its_feature_rows_are_left_out()
        {
            var rows = WithDestination(f => f.CriuVersion = null).Judge();

            rows.Row(HostChecks.Tools, Dst).Is(ReadinessStatus.Fail, "CRIU is not", "apt-get install criu");
            Assert.Empty(rows.Rows(HostChecks.CriuCheck, Dst));
            Assert.Empty(rows.Rows(HostChecks.PostCopy, Dst));
        }

        [Fact]
        public void An_older_criu_on_the_destination_fails_on_the_pair()
        {
            WithDestination(f => f.CriuVersion = "3.17.1").Judge().Row(HostChecks.Tools, Pair)
                .Is(ReadinessStatus.Fail, "CRIU 3.17.1 is older than the source's 4.1", "Upgrade CRIU on dst to 4.1 or newer");
        }

        [Fact]
        public void A_newer_criu_on_the_destination_is_fine()
        {
            Assert.Empty(WithDestination(f => f.CriuVersion = "4.1.1").Judge().Rows(HostChecks.Tools, Pair));
        }
    }
}
