using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Runc;

namespace LiveMigrate.Transfer
{
    /// <summary>Copies directory trees to the same paths on another host.</summary>
    public interface ITreeTransport
    {
        /// <param name="snapshot">A file on the source that makes the copy incremental (GNU tar's listed-incremental): the
        /// first copy with it sends everything, each later one only what changed since, deletions included.</param>
        long Copy(IContainerHost source, IContainerHost destination, IReadOnlyList<string> paths, Action<long>? progress, CancellationToken ct, string? snapshot = null);

        /// <summary>
        /// Lets programs on <paramref name="from"/> reach 127.0.0.1:<paramref name="toPort"/> on <paramref name="to"/>
        /// by connecting to 127.0.0.1:<paramref name="fromPort"/>, through the SSH connections: no port is opened to the network.
        /// </summary>
        IDisposable Tunnel(IContainerHost from, int fromPort, IContainerHost to, int toPort);
    }

    /// <summary>The real transport: tar streams relayed between two SSH sessions.</summary>
    public sealed class SshTreeTransport : ITreeTransport
    {
        private readonly TimeSpan _timeout;

        public SshTreeTransport(TimeSpan timeout) { _timeout = timeout; }

        public long Copy(IContainerHost source, IContainerHost destination, IReadOnlyList<string> paths, Action<long>? progress, CancellationToken ct, string? snapshot = null) =>
            TreeTransfer.Copy(SessionOf(source), SessionOf(destination), paths, progress, _timeout, ct, snapshot);

        public IDisposable Tunnel(IContainerHost from, int fromPort, IContainerHost to, int toPort)
        {
            var near = SshOf(to).ForwardToHost(toPort, out var controllerPort);
            try
            {
                var far = SshOf(from).ForwardFromHost(fromPort, controllerPort);
                return new Both(far, near);
            }
            catch
            {
                near.Dispose();
                throw;
            }
        }

        private static Hosts.IHostSession SessionOf(IContainerHost host) =>
            (host as RuncHost)?.Session ?? throw new ArgumentException($"{host.Name} is not a runc host reachable by a session.");

        private static Hosts.SshHostSession SshOf(IContainerHost host) =>
            SessionOf(host) as Hosts.SshHostSession ?? throw new NotSupportedException($"Post-copy needs SSH on both hosts; {host.Name} is local.");

        private sealed class Both : IDisposable
        {
            private readonly IDisposable _first, _second;
            public Both(IDisposable first, IDisposable second) { _first = first; _second = second; }
            public void Dispose() { _first.Dispose(); _second.Dispose(); }
        }
    }
}
