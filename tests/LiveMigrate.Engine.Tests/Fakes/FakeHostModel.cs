using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Runc;

namespace LiveMigrate.Tests.Fakes
{
    public enum HostOp { List, State, Checkpoint, Restore, Delete, Resume, Exists, CreateDirectory, RemoveTree, LazyCheckpoint, EndLazyCheckpoint, CountLazyPages, GuardPort, UnguardPorts, InstallPageGuard, PageGuardState, StartLazyPages, RestoreLazy, StopPageDaemons, StartPageServer, Lock, Unlock, PreDump, ReadDumpStats, Network }

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
    /// What the fake parts of one host share: its containers with a status, the paths that exist (a set of files; a
    /// directory exists while anything lies under it), the dumps' statistics, and a record of calls. Faults are
    /// injected per operation, optionally with a side effect that runs before the throw.
    /// </summary>
    public sealed class FakeHostModel
    {
        private static int _nextPid = 1000;
        private readonly Dictionary<string, FakeContainer> _containers = new(StringComparer.Ordinal);
        private HashSet<string> _paths = new(StringComparer.Ordinal);
        private readonly List<Fault> _faults = new();

        public FakeHostModel(string name) { Name = name; }

        public string Name { get; }
        public List<HostCall> Calls { get; } = new();
        /// <summary>CRIU's statistics of each dump, by images folder.</summary>
        public Dictionary<string, DumpStats> Stats { get; } = new(StringComparer.Ordinal);

        // ---- containers ----

        public void WithContainer(string name, string bundle, ContainerStatus status = ContainerStatus.Running)
        {
            WithBundle(bundle);
            _containers[name] = new FakeContainer(status, bundle, Interlocked.Increment(ref _nextPid), restored: false);
        }

        /// <summary>A container restored here, from now on.</summary>
        public void AddRestored(string name, string bundle) =>
            _containers[name] = new FakeContainer(ContainerStatus.Running, bundle, Interlocked.Increment(ref _nextPid), restored: true);

        public FakeContainer? Container(string name) => _containers.TryGetValue(name, out var c) ? c : null;

        /// <summary>The container, which a dump needs running.</summary>
        public FakeContainer Running(string name) =>
            Container(name) is FakeContainer c && c.Status == ContainerStatus.Running ? c : throw new InvalidOperationException($"fake runc: container {name} is not running");

        public IReadOnlyList<ContainerInfo> Containers => _containers.Select(kv => Info(kv.Key, kv.Value)).ToList();

        public ContainerStatus? StatusOf(string name) => Container(name)?.Status;

        public bool IsRunning(string name) => StatusOf(name) == ContainerStatus.Running;

        public bool HasContainer(string name) => _containers.ContainsKey(name);

        public void RemoveContainer(string name) => _containers.Remove(name);

        public void SetStatus(string name, ContainerStatus status) => _containers[name].Status = status;

        /// <summary>What a checkpoint killed during the freeze leaves behind: frozen tasks, partial images.</summary>
        public void Freeze(string name) => _containers[name].Status = ContainerStatus.Paused;

        /// <summary>The lazy dump ends however it ends (also killed): the freezer keeps the tasks frozen.</summary>
        public void EndLazyDump(string name)
        {
            if (!(Container(name) is FakeContainer c) || !c.LazyDumping) return;
            c.LazyDumping = false;
            c.Status = ContainerStatus.Paused;
        }

        public ContainerInfo Info(string name, FakeContainer c) =>
            new ContainerInfo(name, c.Status, c.Status == ContainerStatus.Stopped ? 0 : c.Pid, c.Bundle, c.Created, Name);

        // ---- files ----

        public void WithBundle(string bundle)
        {
            _paths.Add(bundle + "/config.json");
            _paths.Add(bundle + "/rootfs/bin/sh");
        }

        public void AddFile(string path) => _paths.Add(path);

        public bool HasFile(string path) => _paths.Contains(path);

        /// <summary>The first file whose path begins with <paramref name="prefix"/>, or null.</summary>
        public string? FileStartingWith(string prefix) => _paths.FirstOrDefault(p => p.StartsWith(prefix, StringComparison.Ordinal));

        public void RemoveFilesUnder(string path) => _paths.RemoveWhere(p => Under(p, path));

        /// <summary>From now on this host sees <paramref name="other"/>'s files as its own: one file system (shared storage) for both.</summary>
        public void ShareFilesWith(FakeHostModel other) => _paths = other._paths;

        public bool PathExists(string path) => _paths.Any(p => Under(p, path));

        public IReadOnlyList<string> FilesUnder(string path) => _paths.Where(p => Under(p, path)).OrderBy(p => p, StringComparer.Ordinal).ToList();

        public void WriteImages(string imageDir, string logName)
        {
            _paths.Add(imageDir + "/inventory.img");
            _paths.Add(imageDir + "/pages-1.img");
            _paths.Add(imageDir + "/" + logName);
        }

        private static bool Under(string candidate, string root)
        {
            var r = root.TrimEnd('/');
            return candidate == r || candidate.StartsWith(r + "/", StringComparison.Ordinal);
        }

        // ---- calls and faults ----

        public IEnumerable<HostCall> CallsOf(HostOp op) => Calls.Where(c => c.Op == op);

        /// <summary>Calls that change something on the host.</summary>
        public IEnumerable<HostCall> MutatingCalls => Calls.Where(c =>
            c.Op is HostOp.Checkpoint or HostOp.LazyCheckpoint or HostOp.PreDump or HostOp.Restore or HostOp.RestoreLazy or HostOp.Delete or HostOp.Resume or HostOp.CreateDirectory or HostOp.RemoveTree);

        /// <summary>
        /// Makes <paramref name="op"/> throw while <paramref name="when"/> holds (always by default).
        /// <paramref name="sideEffect"/> runs first, e.g. "the container is gone anyway".
        /// </summary>
        public void FailOn(HostOp op, string message, Action<FakeHostModel>? sideEffect = null, Func<bool>? when = null) =>
            _faults.Add(new Fault(op, message, sideEffect, when));

        /// <summary>From now on every call throws, as over a dropped connection.</summary>
        public void BecomeUnreachable() =>
            _faults.Add(new Fault(null, $"The SSH connection to {Name} is closed.", null, null));

        /// <summary>From the first call of <paramref name="op"/> on (that one included), every call throws, as over a dropped connection.</summary>
        public void BecomeUnreachableAt(HostOp op) =>
            _faults.Add(new Fault(null, $"The SSH connection to {Name} is closed.", null, () => Calls.Any(c => c.Op == op)));

        /// <summary>Records a call of a fake part, and throws the fault injected for it, if any.</summary>
        public void Enter(HostOp op, string argument, CancellationToken ct)
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
                if (f.Op == null) throw new CommandFailedException(Name, new CommandLine(op.ToString()), f.Message);
                throw new InjectedFault(f.Message);
            }
        }

        private sealed record Fault(HostOp? Op, string Message, Action<FakeHostModel>? SideEffect, Func<bool>? When);
    }

    /// <summary>A container of a fake host.</summary>
    public sealed class FakeContainer
    {
        public FakeContainer(ContainerStatus status, string bundle, int pid, bool restored)
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
