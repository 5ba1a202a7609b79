using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Hosts;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>A host's locks in memory: lock directory to holder text.</summary>
    public sealed class FakeHostLocks : IHostLocks
    {
        private readonly FakeHostModel _host;

        public FakeHostLocks(FakeHostModel host) { _host = host; }

        public string Name => _host.Name;

        /// <summary>Locks held on this host: lock directory to holder text.</summary>
        public Dictionary<string, string> Locks { get; } = new(StringComparer.Ordinal);

        public bool TryLock(string lockDir, string holder, out string currentHolder, CancellationToken ct)
        {
            _host.Enter(HostOp.Lock, lockDir, ct);
            if (Locks.TryGetValue(lockDir, out currentHolder!)) return false;
            Locks[lockDir] = holder;
            currentHolder = holder;
            return true;
        }

        public void Unlock(string lockDir, CancellationToken ct)
        {
            _host.Enter(HostOp.Unlock, lockDir, ct);
            Locks.Remove(lockDir);
        }
    }
}
