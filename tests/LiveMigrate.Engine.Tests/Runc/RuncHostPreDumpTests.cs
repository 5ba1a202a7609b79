using System;
using System.IO;
using System.Linq;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;
using static LiveMigrate.Tests.Fakes.FakeHostSession;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>The runc calls of pre-copy, and the statistics read back from the host.</summary>
    public sealed class RuncHostPreDumpTests
    {
        private const string Series = "/var/lib/livemigrate/images/web-1";
        private static readonly RuntimeOptions Options = new RuntimeOptions { RuncPath = "/usr/sbin/runc", CriuTimeout = TimeSpan.FromSeconds(120) };
        private static readonly byte[] Stats = DumpStatsTests.Image((5, 300), (6, 200), (7, 100));

        [Fact]
        public void A_round_pre_dumps_on_top_of_its_sibling_and_returns_criu_s_statistics()
        {
            var session = new FakeHostSession(_ => Exit(0), _ => new FakeProcess(new MemoryStream(Stats), Stream.Null, Exit(0)));
            var host = new RuncHost(session, Options);

            var stats = host.PreDump("web", Series + "/round-2", Series + "/round-1", default);

            Assert.Equal("env 'CRIU_FAULT=130' timeout '--kill-after=5' 120 /usr/sbin/runc checkpoint --pre-dump --image-path " + Series + "/round-2 " +
                "--work-path " + Series + "/round-2 --parent-path ../round-1 web", session.Runs.Single().command.ToShellString());
            Assert.Equal(TimeSpan.FromSeconds(130), session.Runs.Single().timeout);
            Assert.Equal("cat " + Series + "/round-2/stats-dump", session.Started.Single().ToString());
            Assert.Equal(100, stats.PagesWritten);
            Assert.Equal(200, stats.PagesSkippedParent);
        }

        [Fact]
        public void The_final_dump_names_the_last_round_as_its_parent()
        {
            var session = new FakeHostSession(cmd => cmd.Arguments.Count > 1 && cmd.Arguments[1] == "state" ? Exit(1, stderr: "container does not exist") : Exit(0));

            new RuncHost(session, Options).Checkpoint("web", Series + "/final", Series + "/round-3", default);

            Assert.EndsWith("checkpoint --leave-running --tcp-established --file-locks --image-path " + Series + "/final --work-path " + Series + "/final --parent-path ../round-3 web",
                session.Runs.Single(r => r.command.Arguments.Contains("checkpoint")).command.ToShellString());
        }

        [Fact]
        public void A_parent_that_is_not_a_sibling_never_reaches_the_host()
        {
            var session = new FakeHostSession(_ => Exit(0));
            var host = new RuncHost(session, Options);

            Assert.Throws<ArgumentException>(() => host.PreDump("web", Series + "/round-2", "/var/lib/other/round-1", default));
            Assert.Throws<ArgumentException>(() => host.PreDump("web", Series + "/round-2", Series + "/round-2", default));
            Assert.Empty(session.Runs);
        }
    }
}
