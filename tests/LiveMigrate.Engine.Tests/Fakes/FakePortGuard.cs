using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Transfer;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>The page ports' guard in memory: the ports guarded, by tag.</summary>
    public sealed class FakePortGuard : IPortGuard
    {
        private readonly FakeHostModel _host;

        public FakePortGuard(FakeHostModel host) { _host = host; }

        public string Name => _host.Name;

        /// <summary>Guarded ports here, by tag.</summary>
        public Dictionary<string, List<int>> GuardedPorts { get; } = new(StringComparer.Ordinal);

        public void GuardPort(int port, string tag, PortAdmission admits, CancellationToken ct)
        {
            _host.Enter(HostOp.GuardPort, tag + ":" + port + (admits == PortAdmission.PageClientsOnly ? "" : " +" + admits), ct);
            if (!GuardedPorts.TryGetValue(tag, out var ports)) GuardedPorts[tag] = ports = new List<int>();
            ports.Add(port);
        }

        public void UnguardPorts(string tag, CancellationToken ct)
        {
            _host.Enter(HostOp.UnguardPorts, tag, ct);
            GuardedPorts.Remove(tag);
        }
    }
}
