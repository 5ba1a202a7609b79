using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Runc;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>A runc in memory: dumps write images (with CRIU's "parent" link) into the host's files, restores need them.</summary>
    public sealed class FakeContainerRuntime : IContainerRuntime
    {
        private readonly FakeHostModel _host;

        public FakeContainerRuntime(FakeHostModel host) { _host = host; }

        public string Name => _host.Name;

        /// <summary>A container restored here turns Stopped once State has reported it this many times (null: never).</summary>
        public int? RestoredContainerDiesAfterStateCalls { get; set; }
        /// <summary>runc sometimes leaves a stopped entry behind after a checkpoint instead of none.</summary>
        public bool CheckpointLeavesStoppedEntry { get; set; }

        public IReadOnlyList<ContainerInfo> List(CancellationToken ct)
        {
            _host.Enter(HostOp.List, "", ct);
            return _host.Containers;
        }

        public ContainerInfo? State(string name, CancellationToken ct)
        {
            _host.Enter(HostOp.State, name, ct);
            if (!(_host.Container(name) is FakeContainer c)) return null;
            if (c.Restored && c.Status == ContainerStatus.Running && RestoredContainerDiesAfterStateCalls is int limit)
            {
                if (c.StateCallsSinceRestore >= limit) c.Status = ContainerStatus.Stopped;
                c.StateCallsSinceRestore++;
            }
            return _host.Info(name, c);
        }

        public void Checkpoint(string name, string imageDir, string? parentDir, CancellationToken ct)
        {
            _host.Enter(HostOp.Checkpoint, name + (parentDir == null ? "" : " --parent-path " + parentDir), ct);
            var c = _host.Running(name);
            Dump(imageDir, parentDir, FinalDumpPages);
            // runc pause, then a dump that leaves the tasks (frozen) in place.
            c.Status = CheckpointLeavesStoppedEntry ? ContainerStatus.Stopped : ContainerStatus.Paused;
        }

        /// <summary>The dump's memory goes to the destination's page server (<see cref="FakeCriuDaemons.StartPageServer"/>): no pages here.</summary>
        public void CheckpointToPageServer(string name, string imageDir, int port, CancellationToken ct)
        {
            _host.Enter(HostOp.Checkpoint, name + " --page-server 127.0.0.1:" + port, ct);
            var c = _host.Running(name);
            _host.AddFile(imageDir + "/inventory.img");
            _host.AddFile(imageDir + "/dump.log");
            _host.AddFile(imageDir + "/stats-dump");
            _host.Stats[imageDir] = new DumpStats(FinalDumpPages + 10, 0, FinalDumpPages, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));
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

        public DumpStats PreDump(string name, string imageDir, string? parentDir, CancellationToken ct)
        {
            var round = _host.CallsOf(HostOp.PreDump).Count();
            _host.Enter(HostOp.PreDump, imageDir + (parentDir == null ? "" : " --parent-path " + parentDir), ct);
            if (NoDirtyTracking) throw new InjectedFault(NoDirtyTrackingMessage);
            _host.Running(name);
            return Dump(imageDir, parentDir, PagesPerRound[Math.Min(round, PagesPerRound.Count - 1)]);
        }

        public DumpStats ReadDumpStats(string imageDir, CancellationToken ct)
        {
            _host.Enter(HostOp.ReadDumpStats, imageDir, ct);
            return _host.Stats.TryGetValue(imageDir, out var s) ? s : throw new InvalidOperationException($"fake cat: {imageDir}/stats-dump: No such file or directory");
        }

        /// <summary>Images with CRIU's "parent" link written as a file name, so that it travels with the images.</summary>
        private DumpStats Dump(string imageDir, string? parentDir, long pages)
        {
            if (parentDir != null && !_host.HasFile(parentDir + "/inventory.img")) throw new InvalidOperationException($"fake criu: no parent images in {parentDir}");
            _host.WriteImages(imageDir, "dump.log");
            _host.AddFile(imageDir + "/stats-dump");
            if (parentDir != null) _host.AddFile(imageDir + "/" + ParentLink + parentDir);
            var stats = new DumpStats(pages + 10, 0, pages, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));
            _host.Stats[imageDir] = stats;
            return stats;
        }

        private const string ParentLink = "parent -> ";

        /// <summary>The images a restore from <paramref name="imageDir"/> reads: it and its parents, each of which must be here.</summary>
        private void RequireImageChain(string imageDir)
        {
            for (var dir = imageDir; dir != null;)
            {
                if (!_host.HasFile(dir + "/inventory.img")) throw new InvalidOperationException($"fake criu: no images in {dir}");
                var link = _host.FileStartingWith(dir + "/" + ParentLink);
                dir = link?.Substring(dir.Length + 1 + ParentLink.Length);
            }
        }

        public void Restore(string name, string bundle, string imageDir, CancellationToken ct)
        {
            _host.Enter(HostOp.Restore, name, ct);
            RestoreFrom(name, bundle, imageDir);
        }

        public void RestoreLazy(string name, string bundle, string imageDir, CancellationToken ct)
        {
            _host.Enter(HostOp.RestoreLazy, name, ct);
            RestoreFrom(name, bundle, imageDir);
        }

        /// <summary>The image directory of the last restore here.</summary>
        public string? RestoredFrom { get; private set; }

        private void RestoreFrom(string name, string bundle, string imageDir)
        {
            RestoredFrom = imageDir;
            if (_host.HasContainer(name)) throw new InvalidOperationException($"fake runc: container with id exists: {name}");
            if (!_host.HasFile(bundle + "/config.json")) throw new InvalidOperationException($"fake runc: no bundle at {bundle}");
            RequireImageChain(imageDir);
            _host.AddFile(imageDir + "/restore.log");
            _host.AddRestored(name, bundle);
        }

        public void Delete(string name, bool force, CancellationToken ct)
        {
            _host.Enter(HostOp.Delete, name + (force ? " --force" : ""), ct);
            if (!(_host.Container(name) is FakeContainer c)) throw new InvalidOperationException($"fake runc: container does not exist: {name}");
            if (c.Status == ContainerStatus.Running && !force) throw new InvalidOperationException($"fake runc: cannot delete running container {name}");
            _host.RemoveContainer(name);
        }

        public void Resume(string name, CancellationToken ct)
        {
            _host.Enter(HostOp.Resume, name, ct);
            if (!(_host.Container(name) is FakeContainer c) || c.Status != ContainerStatus.Paused)
                throw new InvalidOperationException($"fake runc: container {name} is not paused");
            if (c.LazyDumping) throw new InvalidOperationException($"fake: {name}'s tasks are held by CRIU's lazy dump; a resume would not let them run");
            c.Status = ContainerStatus.Running;
        }
    }
}
