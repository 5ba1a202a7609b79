using System.Collections.Generic;
using System.Threading;

namespace LiveMigrate.Runc
{
    /// <summary>What the migration engine needs of a host; faked in unit tests, runc over SSH for real.</summary>
    public interface IContainerHost
    {
        string Name { get; }
        /// <summary>The host's side of moving a container's network namespace; null where networks are not handled (fakes).</summary>
        Network.INetworkHost? Network { get; }
        IReadOnlyList<ContainerInfo> List(CancellationToken ct);
        ContainerInfo? State(string name, CancellationToken ct);
        /// <summary>The final dump: the container is frozen and stays so, here, until resumed (a rollback) or deleted (a success).
        /// With <paramref name="parentDir"/> (a sibling of <paramref name="imageDir"/>, the last pre-dump) it writes only the pages
        /// changed since, and the images need that parent to restore.</summary>
        void Checkpoint(string name, string imageDir, string? parentDir, CancellationToken ct);

        // Pre-copy: rounds of memory dumps while the container runs, each holding what changed since its parent.
        /// <summary>One pre-dump round into <paramref name="imageDir"/>, on top of <paramref name="parentDir"/> if given; the container keeps running.</summary>
        DumpStats PreDump(string name, string imageDir, string? parentDir, CancellationToken ct);
        /// <summary>CRIU's statistics of the dump or pre-dump in <paramref name="imageDir"/>.</summary>
        DumpStats ReadDumpStats(string imageDir, CancellationToken ct);
        /// <summary>Pages the lazy dump in <paramref name="imageDir"/> left for the restore to fetch, from its pagemaps.</summary>
        long CountLazyPages(string imageDir, CancellationToken ct);
        void Restore(string name, string bundle, string imageDir, CancellationToken ct);

        // Post-copy: the restore starts from the images without the memory, which follows on demand from the frozen source.
        /// <summary>
        /// The final dump of post-copy: freezes the container and writes all but its memory into <paramref name="imageDir"/>,
        /// then serves the memory from the frozen tasks on 127.0.0.1:<paramref name="port"/> until a lazy restore has fetched
        /// it all; the process returned ends then. The container stays frozen here, as after <see cref="Checkpoint"/>.
        /// </summary>
        Hosts.IHostProcess StartLazyCheckpoint(string name, string imageDir, int port, CancellationToken ct);
        /// <summary>Ends the lazy checkpoint of <paramref name="imageDir"/> if it still waits for or serves a client; the container stays frozen.</summary>
        void EndLazyCheckpoint(string name, string imageDir, CancellationToken ct);
        /// <summary>Makes sure this host has this build's page guard (see <see cref="PageGuard"/>), sending it if not.</summary>
        void InstallPageGuard(CancellationToken ct);
        /// <summary>
        /// The daemon that fills the memory of container <paramref name="name"/>, lazily restored next, from a page server on
        /// 127.0.0.1:<paramref name="port"/>, or, without a port, from the pages files in <paramref name="imageDir"/> itself.
        /// It runs under the page guard: if it ends before every page arrived, the container is frozen there, never run
        /// on pages it lacks. The process ends with the daemon's exit code.
        /// </summary>
        Hosts.IHostProcess StartLazyPages(string name, string imageDir, int? port);
        /// <summary>What the page guard of <paramref name="imageDir"/> wrote ("done" once every page arrived), or null if nothing.</summary>
        string? PageGuardState(string imageDir, CancellationToken ct);
        void RestoreLazy(string name, string bundle, string imageDir, CancellationToken ct);
        /// <summary>
        /// Lets only the user this host's session runs as connect to 127.0.0.1:<paramref name="port"/> here (post-copy's pages
        /// carry the container's memory, and their ports ask nobody), until <see cref="UnguardPorts"/> with the same tag.
        /// </summary>
        void GuardPort(int port, string tag, CancellationToken ct);
        void UnguardPorts(string tag, CancellationToken ct);
        /// <summary>Kills the lazy-pages daemon working on <paramref name="imageDir"/>, if any is left; its page guard then freezes
        /// the container if pages are missing, and ends once the container is deleted.</summary>
        void StopPageDaemons(string imageDir, CancellationToken ct);
        void Delete(string name, bool force, CancellationToken ct);
        void Resume(string name, CancellationToken ct);
        bool Exists(string path, CancellationToken ct);
        /// <summary>Takes the lock <paramref name="lockDir"/> (an atomic mkdir); false with the holder's text when it is held.</summary>
        bool TryLock(string lockDir, string holder, out string currentHolder, CancellationToken ct);
        void Unlock(string lockDir, CancellationToken ct);
        void CreateDirectory(string path, CancellationToken ct);
        void RemoveTree(string path, CancellationToken ct);
    }
}
