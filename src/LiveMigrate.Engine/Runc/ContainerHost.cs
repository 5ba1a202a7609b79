using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Transfer;

namespace LiveMigrate.Runc
{
    /// <summary>A host assembled from one part per concern, each member passed to its part.</summary>
    public abstract class ContainerHost : IContainerHost
    {
        private readonly IContainerRuntime _runtime;
        private readonly ICriuDaemons _daemons;
        private readonly IPortGuard _ports;
        private readonly IHostFiles _files;
        private readonly IHostLocks _locks;

        protected ContainerHost(IContainerRuntime runtime, ICriuDaemons daemons, IPortGuard ports, IHostFiles files, IHostLocks locks)
        {
            _runtime = runtime;
            _daemons = daemons;
            _ports = ports;
            _files = files;
            _locks = locks;
        }

        public string Name => _runtime.Name;
        public Network.INetworkHost? Network { get; protected set; }

        public IReadOnlyList<ContainerInfo> List(CancellationToken ct) => _runtime.List(ct);
        public ContainerInfo? State(string name, CancellationToken ct) => _runtime.State(name, ct);
        public void Checkpoint(string name, string imageDir, string? parentDir, CancellationToken ct) => _runtime.Checkpoint(name, imageDir, parentDir, ct);
        public void CheckpointToPageServer(string name, string imageDir, int port, CancellationToken ct) => _runtime.CheckpointToPageServer(name, imageDir, port, ct);
        public DumpStats PreDump(string name, string imageDir, string? parentDir, CancellationToken ct) => _runtime.PreDump(name, imageDir, parentDir, ct);
        public DumpStats ReadDumpStats(string imageDir, CancellationToken ct) => _runtime.ReadDumpStats(imageDir, ct);
        public void Restore(string name, string bundle, string imageDir, CancellationToken ct) => _runtime.Restore(name, bundle, imageDir, ct);
        public void RestoreLazy(string name, string bundle, string imageDir, CancellationToken ct) => _runtime.RestoreLazy(name, bundle, imageDir, ct);
        public void Delete(string name, bool force, CancellationToken ct) => _runtime.Delete(name, force, ct);
        public void Resume(string name, CancellationToken ct) => _runtime.Resume(name, ct);

        public IHostProcess StartLazyCheckpoint(string name, string imageDir, int port, CancellationToken ct) => _daemons.StartLazyCheckpoint(name, imageDir, port, ct);
        public void EndLazyCheckpoint(string name, string imageDir, CancellationToken ct) => _daemons.EndLazyCheckpoint(name, imageDir, ct);
        public IHostProcess StartPageServer(string imageDir, int port) => _daemons.StartPageServer(imageDir, port);
        public long CountLazyPages(string imageDir, CancellationToken ct) => _daemons.CountLazyPages(imageDir, ct);
        public string InstallPageGuard(CancellationToken ct) => _daemons.InstallPageGuard(ct);
        public IHostProcess StartLazyPages(string name, string imageDir, int? port) => _daemons.StartLazyPages(name, imageDir, port);
        public string? PageGuardState(string imageDir, CancellationToken ct) => _daemons.PageGuardState(imageDir, ct);
        public void StopPageDaemons(string imageDir, CancellationToken ct) => _daemons.StopPageDaemons(imageDir, ct);

        public void GuardPort(int port, string tag, PortAdmission admits, CancellationToken ct) => _ports.GuardPort(port, tag, admits, ct);
        public void UnguardPorts(string tag, CancellationToken ct) => _ports.UnguardPorts(tag, ct);

        public bool Exists(string path, CancellationToken ct) => _files.Exists(path, ct);
        public void CreateDirectory(string path, CancellationToken ct) => _files.CreateDirectory(path, ct);
        public void RemoveTree(string path, CancellationToken ct) => _files.RemoveTree(path, ct);

        public bool TryLock(string lockDir, string holder, out string currentHolder, CancellationToken ct) => _locks.TryLock(lockDir, holder, out currentHolder, ct);
        public void Unlock(string lockDir, CancellationToken ct) => _locks.Unlock(lockDir, ct);
    }
}
