using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Runc;

namespace LiveMigrate.Transfer
{
    /// <summary>Copies directory trees to the same paths on another host.</summary>
    public interface ITreeTransport
    {
        long Copy(IContainerHost source, IContainerHost destination, IReadOnlyList<string> paths, Action<long>? progress, CancellationToken ct);
    }

    /// <summary>The real transport: tar streams relayed between two SSH sessions.</summary>
    public sealed class SshTreeTransport : ITreeTransport
    {
        private readonly TimeSpan _timeout;

        public SshTreeTransport(TimeSpan timeout) { _timeout = timeout; }

        public long Copy(IContainerHost source, IContainerHost destination, IReadOnlyList<string> paths, Action<long>? progress, CancellationToken ct) =>
            TreeTransfer.Copy(SessionOf(source), SessionOf(destination), paths, progress, _timeout, ct);

        private static Hosts.IHostSession SessionOf(IContainerHost host) =>
            (host as RuncHost)?.Session ?? throw new ArgumentException($"{host.Name} is not a runc host reachable by a session.");
    }
}
