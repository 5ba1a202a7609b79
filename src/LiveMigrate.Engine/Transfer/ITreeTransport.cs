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

        /// <summary>
        /// Opens the way one migration's copies take from <paramref name="source"/> to <paramref name="destination"/>,
        /// until disposed; copies between other hosts still go the transport's usual way.
        /// </summary>
        /// <param name="grant">Names what the route leaves on the hosts while open, and bounds what a direct link may do.</param>
        /// <param name="say">Told which route was taken, and why not the direct one if it was not.</param>
        ITreeLink Open(IContainerHost source, IContainerHost destination, LinkGrant grant, Action<string> say, CancellationToken ct);

        /// <summary>The longest one stream may take.</summary>
        TimeSpan StreamTimeout { get; }

        /// <summary>
        /// Ends what a link opened under <paramref name="id"/> left when its controller died: the source's connection, any
        /// stream still running on it, the destination's key. Nothing there is fine; what cannot be reached is told.
        /// </summary>
        void CloseLeftover(IContainerHost source, IContainerHost destination, string id, Action<string> say);
    }

    /// <summary>How streams go between the two hosts of a migration.</summary>
    public enum TransferRoute
    {
        /// <summary>Direct if the source can reach the destination over SSH, else relayed.</summary>
        Auto,
        /// <summary>The source's own OpenSSH connection to the destination (a throwaway key); fails if it cannot be made.</summary>
        Direct,
        /// <summary>Through the controller's two SSH connections; nothing is set up on the hosts.</summary>
        Relay,
    }

    /// <summary>A transport bound to one migration's two hosts, with the route it took.</summary>
    public interface ITreeLink : ITreeTransport, IDisposable
    {
        TransferRoute Route { get; }
    }

    /// <summary>The real transport: tar streams relayed between two SSH sessions.</summary>
    public sealed class SshTreeTransport : ITreeTransport
    {
        private readonly TimeSpan _timeout;
        private readonly TransferRoute _route;
        private readonly StreamCompression _compression;

        /// <param name="compression">Applied to every stream; Auto (not settled) sends plain tar.</param>
        public SshTreeTransport(TimeSpan timeout, TransferRoute route = TransferRoute.Auto, StreamCompression compression = StreamCompression.None)
        {
            _timeout = timeout;
            _route = route;
            _compression = StreamCodec.Settled(compression);
        }

        public TimeSpan StreamTimeout => _timeout;

        public long Copy(IContainerHost source, IContainerHost destination, IReadOnlyList<string> paths, Action<long>? progress, CancellationToken ct, string? snapshot = null) =>
            TreeTransfer.Copy(SessionOf(source), SessionOf(destination), paths, progress, _timeout, ct, snapshot, _compression);

        public IDisposable Tunnel(IContainerHost from, int fromPort, IContainerHost to, int toPort)
        {
            SshOf(to);
            var near = new PageRelay(SessionOf(to), toPort, _timeout);
            try
            {
                var far = SshOf(from).ForwardFromHost(fromPort, near.Port);
                return new Both(far, near);
            }
            catch
            {
                near.Dispose();
                throw;
            }
        }

        public ITreeLink Open(IContainerHost source, IContainerHost destination, LinkGrant grant, Action<string> say, CancellationToken ct) =>
            RouteChoice.Take<ITreeLink>(_route, SessionOf(source), SessionOf(destination), target =>
            {
                var link = DirectLink.Open(SessionOf(source), target, grant, _timeout, ct);
                say($"Streams go {link.Description}.");
                return new PairLink(this, source, destination, link, say);
            }, why => Relayed(source, destination, say, why));

        public void CloseLeftover(IContainerHost source, IContainerHost destination, string id, Action<string> say)
        {
            if (SessionOf(destination) is not Hosts.IDirectLinkTarget target) return;
            try { DirectLink.Leftover(SessionOf(source), target, id, _timeout).Close(); }
            catch (Exception ex) { say(ex.Message); }
        }

        private ITreeLink Relayed(IContainerHost source, IContainerHost destination, Action<string> say, string why)
        {
            say($"Streams from {source.Name} to {destination.Name} are relayed through this controller ({why}).");
            return new PairLink(this, source, destination, null, say);
        }

        /// <summary>Copies from the pair's source to its destination over the link when there is one; anything else as the transport does.</summary>
        private sealed class PairLink : ITreeLink
        {
            private readonly SshTreeTransport _transport;
            private readonly IContainerHost _source, _destination;
            private readonly DirectLink? _link;
            private readonly Action<string> _say;

            public PairLink(SshTreeTransport transport, IContainerHost source, IContainerHost destination, DirectLink? link, Action<string> say)
            {
                _transport = transport;
                _source = source;
                _destination = destination;
                _link = link;
                _say = say;
            }

            public TransferRoute Route => _link == null ? TransferRoute.Relay : TransferRoute.Direct;

            public long Copy(IContainerHost source, IContainerHost destination, IReadOnlyList<string> paths, Action<long>? progress, CancellationToken ct, string? snapshot = null) =>
                _link != null && source == _source && destination == _destination
                    ? _link.Copy(paths, progress, ct, snapshot, _transport._compression)
                    : _transport.Copy(source, destination, paths, progress, ct, snapshot);

            /// <summary>
            /// Post-copy's pages: from the destination back to the source's lazy dump over the link when there is one. Stop's
            /// pages: from the source into the destination's page server over the link (the engine asks only when there is one).
            /// </summary>
            public IDisposable Tunnel(IContainerHost from, int fromPort, IContainerHost to, int toPort)
            {
                if (_link != null && from == _source && to == _destination)
                    return _link.CarryMemory(fromPort, toPort, _source.InstallPageGuard(CancellationToken.None));
                if (_link != null && from == _destination && to == _source)
                {
                    try { return _link.CarryPages(fromPort, toPort); }
                    catch (Exception ex) { _say($"The direct link cannot carry the pages ({ex.Message}); they are relayed through this controller."); }
                }
                return _transport.Tunnel(from, fromPort, to, toPort);
            }

            public ITreeLink Open(IContainerHost source, IContainerHost destination, LinkGrant grant, Action<string> say, CancellationToken ct) =>
                _transport.Open(source, destination, grant, say, ct);

            public TimeSpan StreamTimeout => _transport.StreamTimeout;

            public void CloseLeftover(IContainerHost source, IContainerHost destination, string id, Action<string> say) =>
                _transport.CloseLeftover(source, destination, id, say);

            public void Dispose() => _link?.Close();
        }

        private static Hosts.IHostSession SessionOf(IContainerHost host) =>
            (host as RuncHost)?.Session ?? throw new ArgumentException($"{host.Name} is not a runc host reachable by a session.");

        private static Hosts.SshHostSession SshOf(IContainerHost host) =>
            SessionOf(host) as Hosts.SshHostSession ?? throw new NotSupportedException(
                $"Post-copy's pages relayed through this controller need LiveMigrate's own SSH connection to both hosts (its port forwarding), and {host.Name} is " +
                "local or opened from a PowerShell session. Let them go over the direct route (-TransferRoute Auto or Direct, the hosts reaching each other over SSH), " +
                "use -Mode Stop, or open the host with New-MigrationHost user@host.");

        private sealed class Both : IDisposable
        {
            private readonly IDisposable _first, _second;
            public Both(IDisposable first, IDisposable second) { _first = first; _second = second; }
            public void Dispose() { _first.Dispose(); _second.Dispose(); }
        }
    }
}
