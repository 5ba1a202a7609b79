using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Runc;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>Post-copy's CRIU processes in memory: a lazy dump that holds the tasks, daemons as fake processes, the page guard's state.</summary>
    public sealed class FakeCriuDaemons : ICriuDaemons
    {
        private readonly FakeHostModel _host;
        private readonly Dictionary<string, long> _lazyPages = new(StringComparer.Ordinal);

        public FakeCriuDaemons(FakeHostModel host) { _host = host; }

        public string Name => _host.Name;

        /// <summary>Pages a lazy dump leaves for the destination to fetch.</summary>
        public long LazyDumpPages { get; set; } = 16384;
        /// <summary>What the lazy dump and the lazy-pages daemon end with (post-copy).</summary>
        public CommandResult DaemonResult { get; set; } = new CommandResult(0, "", "", TimeSpan.Zero);
        public List<FakeProcess> Daemons { get; } = new();
        /// <summary>What the page guard wrote, by images folder.</summary>
        public Dictionary<string, string> PageGuardStates { get; } = new(StringComparer.Ordinal);
        /// <summary>The containers whose lazy-pages daemons were started, in order.</summary>
        public List<string> GuardedContainers { get; } = new List<string>();

        /// <summary>
        /// While CRIU serves the pages it holds the tasks by ptrace (lazy-dump.sh freezes them again): paused, but a resume
        /// cannot let them run until the dump has ended, which leaves them frozen.
        /// </summary>
        public IHostProcess StartLazyCheckpoint(string name, string imageDir, int port, CancellationToken ct)
        {
            _host.Enter(HostOp.LazyCheckpoint, imageDir, ct);
            var c = _host.Running(name);
            _host.AddFile(imageDir + "/inventory.img");
            _host.AddFile(imageDir + "/dump.log");
            _host.AddFile(imageDir + "/stats-dump");
            _host.Stats[imageDir] = new DumpStats(0, 0, 0, TimeSpan.Zero, TimeSpan.Zero);  // CRIU counts nothing in a lazy dump
            _lazyPages[imageDir] = LazyDumpPages;
            c.LazyDumping = true;
            c.Status = ContainerStatus.Paused;
            var p = new FakeProcess(System.IO.Stream.Null, System.IO.Stream.Null, DaemonResult, () => _host.EndLazyDump(name));
            Daemons.Add(p);
            return p;
        }

        /// <summary>What Stop's page server ends with.</summary>
        public CommandResult PageServerResult { get; set; } = new CommandResult(0, "", "", TimeSpan.Zero);
        public List<FakeProcess> PageServers { get; } = new();
        /// <summary>No dump ever connects to it: a wait for its end times out, as a real session's does.</summary>
        public bool PageServerWaitsForever { get; set; }

        /// <summary>Its pages file appears once it has ended (the dump sent everything).</summary>
        public IHostProcess StartPageServer(string imageDir, int port)
        {
            _host.Enter(HostOp.StartPageServer, imageDir + " :" + port, CancellationToken.None);
            var p = new FakeProcess(System.IO.Stream.Null, System.IO.Stream.Null, PageServerResult, () =>
            {
                if (PageServerWaitsForever) throw new CommandFailedException(Name, new CommandLine("criu", "page-server"), "'criu page-server' did not finish within 1 s and was killed.") { TimedOut = true };
                _host.AddFile(imageDir + "/pages-1.img");
            });
            PageServers.Add(p);
            return p;
        }

        public void EndLazyCheckpoint(string name, string imageDir, CancellationToken ct)
        {
            _host.Enter(HostOp.EndLazyCheckpoint, imageDir, ct);
            _host.EndLazyDump(name);
        }

        public long CountLazyPages(string imageDir, CancellationToken ct)
        {
            _host.Enter(HostOp.CountLazyPages, imageDir, ct);
            return _lazyPages.TryGetValue(imageDir, out var n) ? n : 0;
        }

        public const string PageGuardPath = "/var/lib/livemigrate/tools/page-guard-fake";

        public string InstallPageGuard(CancellationToken ct)
        {
            _host.Enter(HostOp.InstallPageGuard, "", ct);
            return PageGuardPath;
        }

        public string? PageGuardState(string imageDir, CancellationToken ct)
        {
            _host.Enter(HostOp.PageGuardState, imageDir, ct);
            return PageGuardStates.TryGetValue(imageDir, out var state) ? state : null;
        }

        public IHostProcess StartLazyPages(string name, string imageDir, int? port)
        {
            GuardedContainers.Add(name);
            _host.Enter(HostOp.StartLazyPages, imageDir + (port == null ? " (from its own images)" : ""), CancellationToken.None);
            var p = new FakeProcess(System.IO.Stream.Null, System.IO.Stream.Null, DaemonResult);
            Daemons.Add(p);
            return p;
        }

        public void StopPageDaemons(string imageDir, CancellationToken ct) => _host.Enter(HostOp.StopPageDaemons, imageDir, ct);
    }
}
