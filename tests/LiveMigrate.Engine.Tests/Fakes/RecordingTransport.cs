using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>A transport between real hosts' stores (over scripted sessions) that only records which paths it was asked to copy.</summary>
    public sealed class RecordingTransport : ITreeTransport, ITreeLink
    {
        public List<IReadOnlyList<string>> Copies { get; } = new();
        public TransferRoute Route => TransferRoute.Relay;
        public long Copy(IContainerHost source, IContainerHost destination, IReadOnlyList<string> paths, Action<long>? progress, CancellationToken ct, string? snapshot = null)
        {
            Copies.Add(paths);
            return 4096;
        }
        public IDisposable Tunnel(IContainerHost from, int fromPort, IContainerHost to, int toPort) => throw new NotSupportedException();
        public TimeSpan StreamTimeout => TimeSpan.FromMinutes(1);
        public ITreeLink Open(IContainerHost source, IContainerHost destination, LinkGrant grant, Action<string> say, CancellationToken ct) => this;
        public void CloseLeftover(IContainerHost source, IContainerHost destination, string id, Action<string> say) { }
        public void Dispose() { }
    }
}
