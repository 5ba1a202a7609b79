using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Hosts;

namespace LiveMigrate.Runc
{
    /// <summary>The container runtime of one host (runc): its containers, their dumps and restores.</summary>
    public interface IContainerRuntime : INamedHost
    {
        IReadOnlyList<ContainerInfo> List(CancellationToken ct);
        /// <summary>The container's state, or null when the host has no container of that name.</summary>
        ContainerInfo? State(string name, CancellationToken ct);
        /// <summary>The final dump: the container is frozen and stays so, here, until resumed (a rollback) or deleted (a success).
        /// With <paramref name="parentDir"/> (a sibling of <paramref name="imageDir"/>, the last pre-dump) it writes only the pages
        /// changed since, and the images need that parent to restore.</summary>
        void Checkpoint(string name, string imageDir, string? parentDir, CancellationToken ct);
        /// <summary>The final dump as <see cref="Checkpoint"/>, but CRIU sends the memory as it dumps it to a page server it reaches
        /// through 127.0.0.1:<paramref name="port"/> here, with the page clients' group as its supplementary group (<see cref="Transfer.PageClients.WithGroup"/>);
        /// only the other images are written into <paramref name="imageDir"/>.</summary>
        void CheckpointToPageServer(string name, string imageDir, int port, CancellationToken ct);

        // Pre-copy: rounds of memory dumps while the container runs, each holding what changed since its parent.
        /// <summary>One pre-dump round into <paramref name="imageDir"/>, on top of <paramref name="parentDir"/> if given; the container keeps running.</summary>
        DumpStats PreDump(string name, string imageDir, string? parentDir, CancellationToken ct);
        /// <summary>CRIU's statistics of the dump or pre-dump in <paramref name="imageDir"/>.</summary>
        DumpStats ReadDumpStats(string imageDir, CancellationToken ct);
        void Restore(string name, string bundle, string imageDir, CancellationToken ct);
        /// <summary>Post-copy's restore: from images without the memory, which a lazy-pages daemon (<see cref="ICriuDaemons.StartLazyPages"/>) fills.</summary>
        void RestoreLazy(string name, string bundle, string imageDir, CancellationToken ct);
        void Delete(string name, bool force, CancellationToken ct);
        void Resume(string name, CancellationToken ct);
    }
}
