using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>"Copies" the files under each path from one fake host to the other, like tar would.</summary>
    public sealed class FakeTransport : ITreeTransport
    {
        public const long BytesPerFile = 4096;

        public List<IReadOnlyList<string>> Copies { get; } = new();
        /// <summary>Time the copy takes (the container is frozen meanwhile).</summary>
        public TimeSpan Delay { get; set; }
        /// <summary>When set, the copy breaks with this message after <see cref="FilesBeforeFailure"/> files.</summary>
        public string? FailureMessage { get; set; }
        public int FilesBeforeFailure { get; set; }
        public long LastBytes { get; private set; }
        /// <summary>Open tunnels: (from host, from port, to host, to port); closed ones are removed.</summary>
        public List<(string from, int fromPort, string to, int toPort)> Tunnels { get; } = new();
        public int TunnelsOpened { get; private set; }
        /// <summary>When set, opening a tunnel fails with this message.</summary>
        public string? TunnelFailure { get; set; }
        /// <summary>How many checkpoints (lazy ones too) the source had seen when the last tunnel was opened.</summary>
        public int CheckpointsBeforeTunnel { get; private set; }

        public IDisposable Tunnel(IContainerHost from, int fromPort, IContainerHost to, int toPort)
        {
            if (TunnelFailure != null) throw new InjectedFault(TunnelFailure);
            CheckpointsBeforeTunnel = new[] { from, to }.Cast<FakeContainerHost>().Sum(h => h.CallsOf(HostOp.Checkpoint).Count() + h.CallsOf(HostOp.LazyCheckpoint).Count());
            var t = (from.Name, fromPort, to.Name, toPort);
            Tunnels.Add(t);
            TunnelsOpened++;
            return new Closer(() => Tunnels.Remove(t));
        }

        private sealed class Closer : IDisposable
        {
            private Action? _close;
            public Closer(Action close) { _close = close; }
            public void Dispose() { _close?.Invoke(); _close = null; }
        }

        /// <summary>Links opened and not yet closed, by id.</summary>
        public List<string> OpenLinks { get; } = new();
        public int LinksOpened { get; private set; }
        /// <summary>How many checkpoints the source had seen when the last link was opened.</summary>
        public int CheckpointsBeforeOpen { get; private set; }
        /// <summary>How many page ports the two hosts had guarded when the last link was opened.</summary>
        public int GuardsBeforeOpen { get; private set; }
        /// <summary>When set, opening a link fails with this message.</summary>
        public string? OpenFailure { get; set; }

        /// <summary>What each link was granted, in order.</summary>
        public List<LinkGrant> Grants { get; } = new();

        public TimeSpan StreamTimeout { get; set; } = TimeSpan.FromMinutes(30);
        /// <summary>The route links take: Direct (Stop's memory into the destination's page server) or Relay (dumped, then sent).</summary>
        public TransferRoute Route { get; set; } = TransferRoute.Direct;

        public ITreeLink Open(IContainerHost source, IContainerHost destination, LinkGrant grant, Action<string> say, CancellationToken ct)
        {
            if (OpenFailure != null) throw new InjectedFault(OpenFailure);
            Grants.Add(grant);
            var id = grant.Id;
            OpenLinks.Add(id);
            LinksOpened++;
            CheckpointsBeforeOpen = ((FakeContainerHost)source).CallsOf(HostOp.Checkpoint).Count();
            GuardsBeforeOpen = new[] { source, destination }.Cast<FakeContainerHost>().Sum(h => h.CallsOf(HostOp.GuardPort).Count());
            say($"fake link {id} from {source.Name} to {destination.Name}");
            return new Link(this, () => OpenLinks.Remove(id));
        }

        /// <summary>Ids whose leftovers were closed (Resume-Migration).</summary>
        public List<string> LeftoversClosed { get; } = new();

        public void CloseLeftover(IContainerHost source, IContainerHost destination, string id, Action<string> say) => LeftoversClosed.Add(id);

        /// <summary>Copies as its transport does; closing it is what tests look for.</summary>
        private sealed class Link : ITreeLink
        {
            private readonly FakeTransport _transport;
            private readonly Closer _closer;
            public Link(FakeTransport transport, Action close) { _transport = transport; _closer = new Closer(close); }
            public TransferRoute Route => _transport.Route;
            public long Copy(IContainerHost source, IContainerHost destination, IReadOnlyList<string> paths, Action<long>? progress, CancellationToken ct, string? snapshot = null) =>
                _transport.Copy(source, destination, paths, progress, ct, snapshot);
            public IDisposable Tunnel(IContainerHost from, int fromPort, IContainerHost to, int toPort) => _transport.Tunnel(from, fromPort, to, toPort);
            public ITreeLink Open(IContainerHost source, IContainerHost destination, LinkGrant grant, Action<string> say, CancellationToken ct) => _transport.Open(source, destination, grant, say, ct);
            public TimeSpan StreamTimeout => _transport.StreamTimeout;
            public void CloseLeftover(IContainerHost source, IContainerHost destination, string id, Action<string> say) => _transport.CloseLeftover(source, destination, id, say);
            public void Dispose() => _closer.Dispose();
        }

        /// <summary>The snapshot file each copy was given (null: a plain copy).</summary>
        public List<string?> Snapshots { get; } = new();

        public long Copy(IContainerHost source, IContainerHost destination, IReadOnlyList<string> paths, Action<long>? progress, CancellationToken ct, string? snapshot = null)
        {
            ct.ThrowIfCancellationRequested();
            Copies.Add(paths.ToList());
            Snapshots.Add(snapshot);
            var from = (FakeContainerHost)source;
            var to = (FakeContainerHost)destination;
            if (Delay > TimeSpan.Zero) Thread.Sleep(Delay);
            long sent = 0;
            var files = 0;
            foreach (var path in paths)
            {
                var under = from.FilesUnder(path);
                if (under.Count == 0) throw new InjectedFault($"fake tar: {path}: Cannot stat: No such file or directory");
                foreach (var file in under)
                {
                    if (FailureMessage != null && files == FilesBeforeFailure) throw new InjectedFault(FailureMessage);
                    to.AddFile(file);
                    files++;
                    sent += BytesPerFile;
                    progress?.Invoke(sent);
                    ct.ThrowIfCancellationRequested();
                }
            }
            if (FailureMessage != null) throw new InjectedFault(FailureMessage);
            // GNU tar writes its listed-incremental record on the source.
            if (snapshot != null) from.AddFile(snapshot);
            LastBytes = sent;
            return sent;
        }
    }
}
