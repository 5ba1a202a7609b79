using System;
using System.Collections.Generic;
using LiveMigrate.Commands;
using LiveMigrate.Runc;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>
    /// An in-memory host that behaves like runc, CRIU's daemons and a file system: the fake parts over one
    /// <see cref="FakeHostModel"/>, and what tests set and read of them.
    /// </summary>
    public sealed class FakeContainerHost : ContainerHost
    {
        private readonly FakeContainerRuntime _runtime;
        private readonly FakeCriuDaemons _daemons;
        private readonly FakePortGuard _ports;
        private readonly FakeHostLocks _locks;

        public FakeContainerHost(string name) : this(new FakeHostModel(name)) { }

        private FakeContainerHost(FakeHostModel model)
            : this(model, new FakeContainerRuntime(model), new FakeCriuDaemons(model), new FakePortGuard(model), new FakeHostLocks(model)) { }

        private FakeContainerHost(FakeHostModel model, FakeContainerRuntime runtime, FakeCriuDaemons daemons, FakePortGuard ports, FakeHostLocks locks)
            : base(runtime, daemons, ports, new FakeHostFiles(model), locks)
        {
            Model = model;
            _runtime = runtime;
            _daemons = daemons;
            _ports = ports;
            _locks = locks;
        }

        // What the parts share: containers, files, calls and faults.
        private FakeHostModel Model { get; }

        public new LiveMigrate.Network.INetworkHost? Network { get => base.Network; set => base.Network = value; }

        // ---- the host's model ----

        public FakeContainerHost WithContainer(string name, string bundle, ContainerStatus status = ContainerStatus.Running)
        {
            Model.WithContainer(name, bundle, status);
            return this;
        }

        public FakeContainerHost WithBundle(string bundle)
        {
            Model.WithBundle(bundle);
            return this;
        }

        public void AddFile(string path) => Model.AddFile(path);
        public void ShareFilesWith(FakeContainerHost other) => Model.ShareFilesWith(other.Model);
        public bool PathExists(string path) => Model.PathExists(path);
        public IReadOnlyList<string> FilesUnder(string path) => Model.FilesUnder(path);
        public void WriteImages(string imageDir, string logName) => Model.WriteImages(imageDir, logName);
        public ContainerStatus? StatusOf(string name) => Model.StatusOf(name);
        public bool IsRunning(string name) => Model.IsRunning(name);
        public bool HasContainer(string name) => Model.HasContainer(name);
        public void RemoveContainer(string name) => Model.RemoveContainer(name);
        public void SetStatus(string name, ContainerStatus status) => Model.SetStatus(name, status);
        public void Freeze(string name) => Model.Freeze(name);
        public void EndLazyDump(string name) => Model.EndLazyDump(name);

        public List<HostCall> Calls => Model.Calls;
        public IEnumerable<HostCall> CallsOf(HostOp op) => Model.CallsOf(op);
        public IEnumerable<HostCall> MutatingCalls => Model.MutatingCalls;

        public FakeContainerHost FailOn(HostOp op, string message, Action<FakeHostModel>? sideEffect = null, Func<bool>? when = null)
        {
            Model.FailOn(op, message, sideEffect, when);
            return this;
        }

        public void BecomeUnreachable() => Model.BecomeUnreachable();
        public void BecomeUnreachableAt(HostOp op) => Model.BecomeUnreachableAt(op);

        // ---- what the parts hold ----

        public int? RestoredContainerDiesAfterStateCalls { get => _runtime.RestoredContainerDiesAfterStateCalls; set => _runtime.RestoredContainerDiesAfterStateCalls = value; }
        public bool CheckpointLeavesStoppedEntry { get => _runtime.CheckpointLeavesStoppedEntry; set => _runtime.CheckpointLeavesStoppedEntry = value; }
        public bool NoDirtyTracking { get => _runtime.NoDirtyTracking; set => _runtime.NoDirtyTracking = value; }
        public List<long> PagesPerRound => _runtime.PagesPerRound;
        public string? RestoredFrom => _runtime.RestoredFrom;

        public CommandResult DaemonResult { get => _daemons.DaemonResult; set => _daemons.DaemonResult = value; }
        public List<FakeProcess> Daemons => _daemons.Daemons;
        public List<FakeProcess> PageServers => _daemons.PageServers;
        public CommandResult PageServerResult { get => _daemons.PageServerResult; set => _daemons.PageServerResult = value; }
        public bool PageServerWaitsForever { get => _daemons.PageServerWaitsForever; set => _daemons.PageServerWaitsForever = value; }
        public Dictionary<string, string> PageGuardStates => _daemons.PageGuardStates;
        public List<string> GuardedContainers => _daemons.GuardedContainers;

        public Dictionary<string, List<int>> GuardedPorts => _ports.GuardedPorts;
        public Dictionary<string, string> Locks => _locks.Locks;
    }
}
