using System.Threading;
using LiveMigrate.Hosts;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// CRIU's daemons on one host: post-copy's lazy dump serving the memory, the lazy-pages daemon fetching it and its page
    /// guard; Stop's page server taking the memory as the source dumps it.
    /// </summary>
    public interface ICriuDaemons : INamedHost
    {
        /// <summary>
        /// The final dump of post-copy: freezes the container and writes all but its memory into <paramref name="imageDir"/>,
        /// then serves the memory from the frozen tasks on 127.0.0.1:<paramref name="port"/> until a lazy restore has fetched
        /// it all; the process returned ends then. The container stays frozen here, as after <see cref="IContainerRuntime.Checkpoint"/>.
        /// </summary>
        IHostProcess StartLazyCheckpoint(string name, string imageDir, int port, CancellationToken ct);
        /// <summary>
        /// Stop's page server: CRIU listening on 127.0.0.1:<paramref name="port"/> here for one dump's memory
        /// (<see cref="IContainerRuntime.CheckpointToPageServer"/> on the source, through a link), writing it into
        /// <paramref name="imageDir"/>. Returns once it listens; the process ends, with CRIU's exit code, once that dump
        /// has sent everything. <see cref="StopPageDaemons"/> kills it.
        /// </summary>
        IHostProcess StartPageServer(string imageDir, int port);
        /// <summary>Ends the lazy checkpoint of <paramref name="imageDir"/> if it still waits for or serves a client; the container stays frozen.</summary>
        void EndLazyCheckpoint(string name, string imageDir, CancellationToken ct);
        /// <summary>Pages the lazy dump in <paramref name="imageDir"/> left for the restore to fetch, from its pagemaps.</summary>
        long CountLazyPages(string imageDir, CancellationToken ct);
        /// <summary>Makes sure this host has this build's page guard (see <see cref="PageGuard"/>), sending it if not.</summary>
        /// <returns>Where it is on this host (a direct link's key names it: its bridge carries post-copy's pages).</returns>
        string InstallPageGuard(CancellationToken ct);
        /// <summary>
        /// The daemon that fills the memory of container <paramref name="name"/>, lazily restored next, from a page server on
        /// 127.0.0.1:<paramref name="port"/>, or, without a port, from the pages files in <paramref name="imageDir"/> itself.
        /// It runs under the page guard: if it ends before every page arrived, the container is frozen there, never run
        /// on pages it lacks. The process ends with the daemon's exit code.
        /// </summary>
        IHostProcess StartLazyPages(string name, string imageDir, int? port);
        /// <summary>What the page guard of <paramref name="imageDir"/> wrote ("done" once every page arrived), or null if nothing.</summary>
        string? PageGuardState(string imageDir, CancellationToken ct);
        /// <summary>Kills the lazy-pages daemon working on <paramref name="imageDir"/>, if any is left; its page guard then freezes
        /// the container if pages are missing, and ends once the container is deleted.</summary>
        void StopPageDaemons(string imageDir, CancellationToken ct);
    }
}
