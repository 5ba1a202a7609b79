using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Runc;

namespace LiveMigrate.Tests.Fakes
{
    public enum HostOp { List, State, Checkpoint, Restore, Delete, Resume, Exists, CreateDirectory, RemoveTree, LazyCheckpoint, EndLazyCheckpoint, CountLazyPages, GuardPort, UnguardPorts, InstallPageGuard, PageGuardState, StartLazyPages, RestoreLazy, StopPageDaemons, Lock, Unlock, PreDump, ReadDumpStats, Network }

    /// <summary>One call; <see cref="Seq"/> orders calls across hosts and is no part of what a call is (equality).</summary>
    public sealed record HostCall(HostOp Op, string Argument)
    {
        private static long _next;
        public long Seq { get; } = Interlocked.Increment(ref _next);
        public bool Equals(HostCall? other) => other is not null && Op == other.Op && Argument == other.Argument;
        public override int GetHashCode() => HashCode.Combine(Op, Argument);
    }

    /// <summary>An error the test injected; its message travels into the engine's results.</summary>
    public sealed class InjectedFault : Exception
    {
        public InjectedFault(string message) : base(message) { }
    }

    /// <summary>
    /// An in-memory host that behaves like runc and a file system: containers with a status, paths that
    /// exist (a set of files; a directory exists while anything lies under it), and a record of calls.
    /// Faults are injected per operation, optionally with a side effect that runs before the throw.
    /// </summary>
    public sealed class FakeContainerHost : IContainerHost
    {
        private static int _nextPid = 1000;
        private readonly Dictionary<string, Container> _containers = new(StringComparer.Ordinal);
        private HashSet<string> _paths = new(StringComparer.Ordinal);
        private readonly List<Fault> _faults = new();

        public FakeContainerHost(string name) { Name = name; }

        public string Name { get; }
        public LiveMigrate.Network.INetworkHost? Network { get; set; }
        public List<HostCall> Calls { get; } = new();

        /// <summary>A container restored here turns Stopped once State has reported it this many times (null: never).</summary>
        public int? RestoredContainerDiesAfterStateCalls { get; set; }
        /// <summary>runc sometimes leaves a stopped entry behind after a checkpoint instead of none.</summary>
        public bool CheckpointLeavesStoppedEntry { get; set; }

        // ---- model ----

        public FakeContainerHost WithContainer(string name, string bundle, ContainerStatus status = ContainerStatus.Running)
        {
            WithBundle(bundle);
            _containers[name] = new Container(status, bundle, Interlocked.Increment(ref _nextPid), restored: false);
            return this;
        }

        public FakeContainerHost WithBundle(string bundle)
        {
            _paths.Add(bundle + "/config.json");
            _paths.Add(bundle + "/rootfs/bin/sh");
            return this;
        }

        public void AddFile(string path) => _paths.Add(path);

        /// <summary>From now on this host sees <paramref name="other"/>'s files as its own: one file system (shared storage) for both.</summary>
        public void ShareFilesWith(FakeContainerHost other) => _paths = other._paths;

        public bool PathExists(string path) => _paths.Any(p => Under(p, path));

        public IReadOnlyList<string> FilesUnder(string path) => _paths.Where(p => Under(p, path)).OrderBy(p => p, StringComparer.Ordinal).ToList();

        public ContainerStatus? StatusOf(string name) => _containers.TryGetValue(name, out var c) ? c.Status : null;

        public bool IsRunning(string name) => StatusOf(name) == ContainerStatus.Running;

        public bool HasContainer(string name) => _containers.ContainsKey(name);

        public IEnumerable<HostCall> CallsOf(HostOp op) => Calls.Where(c => c.Op == op);

        /// <summary>Calls that change something on the host.</summary>
        public IEnumerable<HostCall> MutatingCalls => Calls.Where(c =>
            c.Op is HostOp.Checkpoint or HostOp.LazyCheckpoint or HostOp.PreDump or HostOp.Restore or HostOp.RestoreLazy or HostOp.Delete or HostOp.Resume or HostOp.CreateDirectory or HostOp.RemoveTree);

        // ---- fault injection ----

        /// <summary>
        /// Makes <paramref name="op"/> throw while <paramref name="when"/> holds (always by default).
        /// <paramref name="sideEffect"/> runs first, e.g. "the container is gone anyway".
        /// </summary>
        public FakeContainerHost FailOn(HostOp op, string message, Action<FakeContainerHost>? sideEffect = null, Func<bool>? when = null)
        {
            _faults.Add(new Fault(op, message, sideEffect, when));
            return this;
        }

        /// <summary>From now on every call throws, as over a dropped connection.</summary>
        public void BecomeUnreachable() =>
            _faults.Add(new Fault(null, $"The SSH connection to {Name} is closed.", null, null));

        /// <summary>From the first call of <paramref name="op"/> on (that one included), every call throws, as over a dropped connection.</summary>
        public void BecomeUnreachableAt(HostOp op) =>
            _faults.Add(new Fault(null, $"The SSH connection to {Name} is closed.", null, () => Calls.Any(c => c.Op == op)));

        public void RemoveContainer(string name) => _containers.Remove(name);

        public void SetStatus(string name, ContainerStatus status) => _containers[name].Status = status;

        // ---- IContainerHost ----

        public IReadOnlyList<ContainerInfo> List(CancellationToken ct)
        {
            Enter(HostOp.List, "", ct);
            return _containers.Select(kv => Info(kv.Key, kv.Value)).ToList();
        }

        public ContainerInfo? State(string name, CancellationToken ct)
        {
            Enter(HostOp.State, name, ct);
            if (!_containers.TryGetValue(name, out var c)) return null;
            if (c.Restored && c.Status == ContainerStatus.Running && RestoredContainerDiesAfterStateCalls is int limit)
            {
                if (c.StateCallsSinceRestore >= limit) c.Status = ContainerStatus.Stopped;
                c.StateCallsSinceRestore++;
            }
            return Info(name, c);
        }

        public void Checkpoint(string name, string imageDir, string? parentDir, CancellationToken ct)
        {
            Enter(HostOp.Checkpoint, name + (parentDir == null ? "" : " --parent-path " + parentDir), ct);
            if (!_containers.TryGetValue(name, out var c) || c.Status != ContainerStatus.Running)
                throw new InvalidOperationException($"fake runc: container {name} is not running");
            Dump(imageDir, parentDir, FinalDumpPages);
            // runc pause, then a dump that leaves the tasks (frozen) in place.
            c.Status = CheckpointLeavesStoppedEntry ? ContainerStatus.Stopped : ContainerStatus.Paused;
        }

        // ---- pre-copy ----

        /// <summary>runc 1.1's words when CRIU lacks MemTrack (a kernel without soft-dirty tracking), seen on the lab hosts.</summary>
        public const string NoDirtyTrackingMessage = "time=\"2026-11-28T02:58:13Z\" level=error msg=\"CRIU is missing features\"";

        /// <summary>Every pre-dump fails as on a kernel without CONFIG_MEM_SOFT_DIRTY.</summary>
        public bool NoDirtyTracking { get; set; }
        /// <summary>Pages each pre-dump round writes, round 1 first; rounds past the list write the last number.</summary>
        public List<long> PagesPerRound { get; } = new() { 16384, 2048, 512 };
        public long FinalDumpPages { get; set; } = 100;
        /// <summary>Pages a lazy dump leaves for the destination to fetch.</summary>
        public long LazyDumpPages { get; set; } = 16384;
        private readonly Dictionary<string, DumpStats> _stats = new(StringComparer.Ordinal);

        public DumpStats PreDump(string name, string imageDir, string? parentDir, CancellationToken ct)
        {
            var round = CallsOf(HostOp.PreDump).Count();
            Enter(HostOp.PreDump, imageDir + (parentDir == null ? "" : " --parent-path " + parentDir), ct);
            if (NoDirtyTracking) throw new InjectedFault(NoDirtyTrackingMessage);
            if (!_containers.TryGetValue(name, out var c) || c.Status != ContainerStatus.Running)
                throw new InvalidOperationException($"fake runc: container {name} is not running");
            return Dump(imageDir, parentDir, PagesPerRound[Math.Min(round, PagesPerRound.Count - 1)]);
        }

        private readonly Dictionary<string, long> _lazyPages = new(StringComparer.Ordinal);

        public long CountLazyPages(string imageDir, CancellationToken ct)
        {
            Enter(HostOp.CountLazyPages, imageDir, ct);
            return _lazyPages.TryGetValue(imageDir, out var n) ? n : 0;
        }

        public DumpStats ReadDumpStats(string imageDir, CancellationToken ct)
        {
            Enter(HostOp.ReadDumpStats, imageDir, ct);
            return _stats.TryGetValue(imageDir, out var s) ? s : throw new InvalidOperationException($"fake cat: {imageDir}/stats-dump: No such file or directory");
        }

        /// <summary>Images with CRIU's "parent" link written as a file name, so that it travels with the images.</summary>
        private DumpStats Dump(string imageDir, string? parentDir, long pages)
        {
            if (parentDir != null && !_paths.Contains(parentDir + "/inventory.img")) throw new InvalidOperationException($"fake criu: no parent images in {parentDir}");
            WriteImages(imageDir, "dump.log");
            _paths.Add(imageDir + "/stats-dump");
            if (parentDir != null) _paths.Add(imageDir + "/" + ParentLink + parentDir);
            var stats = new DumpStats(pages + 10, 0, pages, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));
            _stats[imageDir] = stats;
            return stats;
        }

        private const string ParentLink = "parent -> ";

        /// <summary>The images a restore from <paramref name="imageDir"/> reads: it and its parents, each of which must be here.</summary>
        private void RequireImageChain(string imageDir)
        {
            for (var dir = imageDir; dir != null;)
            {
                if (!_paths.Contains(dir + "/inventory.img")) throw new InvalidOperationException($"fake criu: no images in {dir}");
                var link = _paths.FirstOrDefault(p => p.StartsWith(dir + "/" + ParentLink, StringComparison.Ordinal));
                dir = link?.Substring(dir.Length + 1 + ParentLink.Length);
            }
        }

        public void Restore(string name, string bundle, string imageDir, CancellationToken ct)
        {
            Enter(HostOp.Restore, name, ct);
            RestoreFrom(name, bundle, imageDir);
        }

        /// <summary>The image directory of the last restore here.</summary>
        public string? RestoredFrom { get; private set; }

        private void RestoreFrom(string name, string bundle, string imageDir)
        {
            RestoredFrom = imageDir;
            if (_containers.ContainsKey(name)) throw new InvalidOperationException($"fake runc: container with id exists: {name}");
            if (!_paths.Contains(bundle + "/config.json")) throw new InvalidOperationException($"fake runc: no bundle at {bundle}");
            RequireImageChain(imageDir);
            _paths.Add(imageDir + "/restore.log");
            _containers[name] = new Container(ContainerStatus.Running, bundle, Interlocked.Increment(ref _nextPid), restored: true);
        }

        /// <summary>What the lazy dump and the lazy-pages daemon end with (post-copy).</summary>
        public CommandResult DaemonResult { get; set; } = new CommandResult(0, "", "", TimeSpan.Zero);
        public List<FakeProcess> Daemons { get; } = new();

        /// <summary>
        /// While CRIU serves the pages it holds the tasks by ptrace (lazy-dump.sh freezes them again): paused, but a resume
        /// cannot let them run until the dump has ended, which leaves them frozen.
        /// </summary>
        public IHostProcess StartLazyCheckpoint(string name, string imageDir, int port, CancellationToken ct)
        {
            Enter(HostOp.LazyCheckpoint, imageDir, ct);
            if (!_containers.TryGetValue(name, out var c) || c.Status != ContainerStatus.Running)
                throw new InvalidOperationException($"fake runc: container {name} is not running");
            _paths.Add(imageDir + "/inventory.img");
            _paths.Add(imageDir + "/dump.log");
            _paths.Add(imageDir + "/stats-dump");
            _stats[imageDir] = new DumpStats(0, 0, 0, TimeSpan.Zero, TimeSpan.Zero);  // CRIU counts nothing in a lazy dump
            _lazyPages[imageDir] = LazyDumpPages;
            c.LazyDumping = true;
            c.Status = ContainerStatus.Paused;
            var p = new FakeProcess(System.IO.Stream.Null, System.IO.Stream.Null, DaemonResult, () => EndLazyDump(name));
            Daemons.Add(p);
            return p;
        }

        public void EndLazyCheckpoint(string name, string imageDir, CancellationToken ct)
        {
            Enter(HostOp.EndLazyCheckpoint, imageDir, ct);
            EndLazyDump(name);
        }

        /// <summary>The lazy dump ends however it ends (also killed): the freezer keeps the tasks frozen.</summary>
        public void EndLazyDump(string name)
        {
            if (!_containers.TryGetValue(name, out var c) || !c.LazyDumping) return;
            c.LazyDumping = false;
            c.Status = ContainerStatus.Paused;
        }

        public void InstallPageGuard(CancellationToken ct) => Enter(HostOp.InstallPageGuard, "", ct);

        /// <summary>What the page guard wrote, by images folder.</summary>
        public Dictionary<string, string> PageGuardStates { get; } = new(StringComparer.Ordinal);

        public string? PageGuardState(string imageDir, CancellationToken ct)
        {
            Enter(HostOp.PageGuardState, imageDir, ct);
            return PageGuardStates.TryGetValue(imageDir, out var state) ? state : null;
        }

        /// <summary>The containers whose lazy-pages daemons were started, in order.</summary>
        public List<string> GuardedContainers { get; } = new List<string>();

        public IHostProcess StartLazyPages(string name, string imageDir, int? port)
        {
            GuardedContainers.Add(name);
            return Daemon(HostOp.StartLazyPages, imageDir + (port == null ? " (from its own images)" : ""));
        }

        private IHostProcess Daemon(HostOp op, string imageDir)
        {
            Enter(op, imageDir, CancellationToken.None);
            var p = new FakeProcess(System.IO.Stream.Null, System.IO.Stream.Null, DaemonResult);
            Daemons.Add(p);
            return p;
        }

        public void StopPageDaemons(string imageDir, CancellationToken ct) => Enter(HostOp.StopPageDaemons, imageDir, ct);

        /// <summary>Guarded ports here, by tag.</summary>
        public Dictionary<string, List<int>> GuardedPorts { get; } = new(StringComparer.Ordinal);

        public void GuardPort(int port, string tag, CancellationToken ct)
        {
            Enter(HostOp.GuardPort, tag + ":" + port, ct);
            if (!GuardedPorts.TryGetValue(tag, out var ports)) GuardedPorts[tag] = ports = new List<int>();
            ports.Add(port);
        }

        public void UnguardPorts(string tag, CancellationToken ct)
        {
            Enter(HostOp.UnguardPorts, tag, ct);
            GuardedPorts.Remove(tag);
        }

        /// <summary>Locks held on this host: lock directory to holder text.</summary>
        public Dictionary<string, string> Locks { get; } = new(StringComparer.Ordinal);

        public bool TryLock(string lockDir, string holder, out string currentHolder, CancellationToken ct)
        {
            Enter(HostOp.Lock, lockDir, ct);
            if (Locks.TryGetValue(lockDir, out currentHolder!)) return false;
            Locks[lockDir] = holder;
            currentHolder = holder;
            return true;
        }

        public void Unlock(string lockDir, CancellationToken ct)
        {
            Enter(HostOp.Unlock, lockDir, ct);
            Locks.Remove(lockDir);
        }

        public void RestoreLazy(string name, string bundle, string imageDir, CancellationToken ct)
        {
            Enter(HostOp.RestoreLazy, name, ct);
            RestoreFrom(name, bundle, imageDir);
        }

        public void Delete(string name, bool force, CancellationToken ct)
        {
            Enter(HostOp.Delete, name + (force ? " --force" : ""), ct);
            if (!_containers.TryGetValue(name, out var c)) throw new InvalidOperationException($"fake runc: container does not exist: {name}");
            if (c.Status == ContainerStatus.Running && !force) throw new InvalidOperationException($"fake runc: cannot delete running container {name}");
            _containers.Remove(name);
        }

        public void Resume(string name, CancellationToken ct)
        {
            Enter(HostOp.Resume, name, ct);
            if (!_containers.TryGetValue(name, out var c) || c.Status != ContainerStatus.Paused)
                throw new InvalidOperationException($"fake runc: container {name} is not paused");
            if (c.LazyDumping) throw new InvalidOperationException($"fake: {name}'s tasks are held by CRIU's lazy dump; a resume would not let them run");
            c.Status = ContainerStatus.Running;
        }

        /// <summary>What a checkpoint killed during the freeze leaves behind: frozen tasks, partial images.</summary>
        public void Freeze(string name) => _containers[name].Status = ContainerStatus.Paused;

        public bool Exists(string path, CancellationToken ct)
        {
            Enter(HostOp.Exists, path, ct);
            return PathExists(path);
        }

        public void CreateDirectory(string path, CancellationToken ct)
        {
            Enter(HostOp.CreateDirectory, path, ct);
            _paths.Add(path + "/.dir");
        }

        public void RemoveTree(string path, CancellationToken ct)
        {
            Enter(HostOp.RemoveTree, path, ct);
            // The real host refuses the same paths (RuncHost.RemoveTree).
            if (!HostPath.IsRemovable(path)) throw new ArgumentException($"fake host: refusing to remove '{path}'");
            _paths.RemoveWhere(p => Under(p, path));
        }

        // ---- internals ----

        public void WriteImages(string imageDir, string logName)
        {
            _paths.Add(imageDir + "/inventory.img");
            _paths.Add(imageDir + "/pages-1.img");
            _paths.Add(imageDir + "/" + logName);
        }

        private void Enter(HostOp op, string argument, CancellationToken ct)
        {
            // A real host call with a cancelled token ends in OperationCanceledException.
            ct.ThrowIfCancellationRequested();
            Calls.Add(new HostCall(op, argument));
            foreach (var f in _faults.ToList())
            {
                if (f.Op != null && f.Op != op) continue;
                if (f.When != null && !f.When()) continue;
                f.SideEffect?.Invoke(this);
                // A host out of reach fails as a real session does; a step that ran and failed, as its script says.
                if (f.Op == null) throw new LiveMigrate.Commands.CommandFailedException(Name, new LiveMigrate.Commands.CommandLine(op.ToString()), f.Message);
                throw new InjectedFault(f.Message);
            }
        }

        private ContainerInfo Info(string name, Container c) =>
            new ContainerInfo(name, c.Status, c.Status == ContainerStatus.Stopped ? 0 : c.Pid, c.Bundle, c.Created, Name);

        private static bool Under(string candidate, string root)
        {
            var r = root.TrimEnd('/');
            return candidate == r || candidate.StartsWith(r + "/", StringComparison.Ordinal);
        }

        private sealed record Fault(HostOp? Op, string Message, Action<FakeContainerHost>? SideEffect, Func<bool>? When);

        private sealed class Container
        {
            public Container(ContainerStatus status, string bundle, int pid, bool restored)
            {
                Status = status;
                Bundle = bundle;
                Pid = pid;
                Restored = restored;
            }

            public ContainerStatus Status { get; set; }
            public string Bundle { get; }
            /// <summary>Like runc's "created": when this container came to be here, the same in every report.</summary>
            public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;
            public int Pid { get; }
            public bool Restored { get; }
            public int StateCallsSinceRestore { get; set; }
            /// <summary>A lazy dump holds the tasks (post-copy).</summary>
            public bool LazyDumping { get; set; }
        }
    }
}
