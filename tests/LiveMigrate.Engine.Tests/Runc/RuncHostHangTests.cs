using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;
using static LiveMigrate.Tests.Fakes.FakeHostSession;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>Hosts that stop answering in the middle of a step: every step ends, by its timeout or by Ctrl+C.</summary>
    public sealed class RuncHostHangTests
    {
        private const string Images = "/var/lib/livemigrate/images/web-1";
        private static readonly RuntimeOptions Options = new RuntimeOptions { CommandTimeout = TimeSpan.FromMilliseconds(300) };

        /// <summary>A host whose started commands send nothing and never end.</summary>
        private static (RuncHost host, FakeHostSession session) Silent() =>
            Host(new FakeHostSession(_ => Exit(0), _ => new FakeProcess(new StalledStream(), Stream.Null, Exit(0))));

        private static (RuncHost, FakeHostSession) Host(FakeHostSession session) => (new RuncHost(session, Options), session);

        [Fact]
        public void Reading_a_file_times_out_and_says_so()
        {
            var (host, session) = Silent();
            var clock = Stopwatch.StartNew();

            var ex = Assert.Throws<CommandFailedException>(() => host.ReadDumpStats(Images, CancellationToken.None));

            Assert.True(ex.TimedOut);
            Assert.Contains("did not finish within", ex.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
            // The host ends it too, whatever the controller does.
            Assert.Equal(Options.CommandTimeout, Assert.Single(session.Started).HostTimeout);
        }

        [Fact]
        public void Counting_lazy_pages_ends_on_Ctrl_C()
        {
            var slow = new RuncHost(new FakeHostSession(_ => Exit(0), _ => new FakeProcess(new StalledStream(), Stream.Null, Exit(0))),
                new RuntimeOptions { CommandTimeout = TimeSpan.FromMinutes(5) });
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var clock = Stopwatch.StartNew();

            Assert.ThrowsAny<OperationCanceledException>(() => slow.CountLazyPages(Images, cts.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        }

        [Fact]
        public void The_page_port_guard_the_network_lock_and_the_restop_end_on_the_host_too()
        {
            var session = new FakeHostSession(cmd => cmd.Arguments[0] == "runc" ? Exit(0, "{\"id\":\"web\",\"pid\":42,\"status\":\"paused\",\"bundle\":\"/b\"}") : Exit(0));
            var host = new RuncHost(session, Options);

            host.GuardPort(21000, "m1", LiveMigrate.Transfer.PortAdmission.PageClientsOnly, CancellationToken.None);
            host.UnguardPorts("m1", CancellationToken.None);
            host.Resume("web", CancellationToken.None);

            Assert.All(session.Runs.FindAll(r => r.command.Arguments[0] == "sh"), r => Assert.Equal(Options.CommandTimeout, r.command.HostTimeout));
            Assert.Equal(4, session.Runs.FindAll(r => r.command.Arguments[0] == "sh").Count);
        }
    }
}
