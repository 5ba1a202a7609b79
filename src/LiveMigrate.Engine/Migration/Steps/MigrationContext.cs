using System;
using System.Diagnostics;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Journal;
using LiveMigrate.PreCopy;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>What the steps of one migration share: its settings, hosts and result, and what each step made so far.</summary>
    internal sealed class MigrationContext
    {
        public MigrationContext(string name, IContainerHost source, IContainerHost destination, MigrationOptions options, ITreeTransport transport,
            IMigrationObserver observer, CancellationToken ct)
        {
            Name = name;
            Source = source;
            Destination = destination;
            Options = options;
            BaseTransport = transport;
            Observer = observer;
            Ct = ct;
            var id = RunId.New();
            Sync = options.BundleSync == BundleSync.Auto ? BundleSync.Delta : options.BundleSync;
            Result = new MigrationResult(id, name, source.Name, destination.Name) { StartTime = DateTimeOffset.Now, Mode = options.Mode, BundleSync = Sync,
                Compression = Transfer.StreamCodec.Settled(options.Compression) };
            Record = new MigrationJournalRecord { Id = id, Container = name, Source = source.Name, Destination = destination.Name, Mode = options.Mode, BundleSync = Sync };
        }

        public string Name { get; }
        public IContainerHost Source { get; }
        public IContainerHost Destination { get; }
        public MigrationOptions Options { get; }
        public ITreeTransport BaseTransport { get; }
        public IMigrationObserver Observer { get; }
        public CancellationToken Ct { get; }
        public MigrationResult Result { get; }
        /// <summary>What this run reached, as its journal records it: the way back undoes from it (see <see cref="WayBack"/>).</summary>
        public MigrationJournalRecord Record { get; }
        public BundleSync Sync { get; }
        public Stopwatch Total { get; } = new Stopwatch();
        public Stopwatch Frozen { get; } = new Stopwatch();

        public string Bundle = "";
        public string ImageDir = "";
        public string LockDir = "";
        public string DestinationLockDir = "";
        /// <summary>Something of this migration may be on the destination: its leftovers go in a rollback.</summary>
        public bool DestinationTouched;
        /// <summary>Prepare found the container missing or not running on the source: an abort does not say it runs there.</summary>
        public bool SourceNotRunning;
        public bool BundlePresynced;
        /// <summary>From the Checkpoint step on: a failure rolls back instead of aborting.</summary>
        public bool FreezeBegun;
        /// <summary>From just before the Restore step: only then can a copy of this migration run on the destination.</summary>
        public bool RestoreAttempted;
        /// <summary>The copy this migration's restore made on the destination, as runc reported it: a rollback deletes no other.</summary>
        public ContainerInfo? RestoredCopy;
        /// <summary>A network namespace at a config.json path: rebuilt on the destination, the source's cut off the LAN meanwhile.</summary>
        public Network.ContainerNetwork? Network;
        /// <summary>The way this migration's streams go; opened in Prepare, before anything is frozen.</summary>
        public ITreeLink? Link;
        // Post-copy: the images hold no memory; the source's lazy dump serves it from the frozen tasks, through the tunnel, to
        // the destination's lazy-pages daemon, all three alive until every page arrived.
        public IHostProcess? LazyDump;
        public IHostProcess? LazyPages;
        public IDisposable? Tunnel;
        public int PagePort, TunnelPort;
        public bool PortsGuarded;
        /// <summary>From the lazy dump's start until it is known to have ended: CRIU may listen on the source's page port.</summary>
        public bool DumpMayListen;
        // Stop over a direct link: CRIU's page server on the destination takes the memory as the source dumps it, through
        // the link's bridges from the source's PageServerReach to its PageServerPort (both guarded), from before the freeze.
        public IHostProcess? PageServer;
        public IDisposable? PageServerWay;
        public int PageServerPort, PageServerReach;
        /// <summary>The page server's folder was made on the destination before the freeze: an abort removes it.</summary>
        public bool PageServerDirMade;
        /// <summary>From its start until it ended well: a page server may run there (one whose start failed too).</summary>
        public bool PageServerMayRun;
        /// <summary>The final dump sends (or began to send) the memory into the page server, not into the source's images.</summary>
        public bool DumpedToPageServer;
        /// <summary>Pre-copy: the rounds' folders, and whether they were staged before this run (kept if it aborts).</summary>
        public PreCopySeries? Series;
        public bool StagedSeries;
        public int LastRound;

        public bool PostCopy => Options.Mode == MigrationMode.PostCopy;
        public bool PreCopy => Options.Mode == MigrationMode.PreCopy;
        /// <summary>Stop with -StreamMemory: the memory may go straight to a page server on the destination (pre-copy's parent images are the source's only).</summary>
        public bool PageServerWanted => Options.Mode == MigrationMode.Stop && Options.StreamMemory == true;
        /// <summary>Stop or PreCopy with -LazyRestore: the memory is filled on the destination from the images there.</summary>
        public bool LazyFromImages => Options.LazyRestore == true && !PostCopy;
        public bool SharedBundle => Sync == BundleSync.None;
        public ITreeTransport Transport => (ITreeTransport?)Link ?? BaseTransport;
        /// <summary>Delta: the source's record of what of the bundle was sent (beside the images, removed with them).</summary>
        public string Snapshot => MigrationPaths.SnapshotOf(ImageDir);
        public string PlannedLockDir => ContainerLock.PathOf(Options.LockRoot, Name);
        public string PlannedImageDir => HostPath.Combine(Options.ImageRoot, Name + "-" + ((PreCopy ? Options.PredumpId : null) ?? Result.MigrationId));
        /// <summary>Where the complete images are: in pre-copy the final dump, on top of the rounds beside it.</summary>
        public string CheckpointDir => PreCopySeries.CheckpointDir(ImageDir, Options.Mode);
        public MigrationPaths Paths => new MigrationPaths(Bundle, ImageDir, LockDir, DestinationLockDir, Network);
        /// <summary>A move to the source itself is refused in Prepare, where one lock would do for both.</summary>
        public bool SameHost => string.Equals(Source.Name, Destination.Name, StringComparison.Ordinal);

        public void Say(string message) => Observer.Message(message);

        /// <summary>The journal is an aid for a controller that dies: failing to write it never fails the migration.</summary>
        public void Journal(Action<IMigrationJournal> write)
        {
            if (Options.Journal == null) return;
            try { write(Options.Journal); }
            catch (Exception ex) { Say($"Could not write the migration journal: {ex.Message}"); }
        }

        public void CloseLink()
        {
            // The memory's bridge too, left after the dump rather than ended while frozen (its session ended with the dump).
            PageServerWay?.Dispose();
            PageServerWay = null;
            try { Link?.Dispose(); }
            catch (Exception ex) { Say(ex.Message); }
            Link = null;
        }

        /// <summary>Closes the daemons' channels, which does not end them (see the Checkpoint step's undo).</summary>
        public void StopPageTraffic()
        {
            foreach (var d in new IDisposable?[] { LazyPages, Tunnel, LazyDump }) d?.Dispose();
            LazyPages = null;
            Tunnel = null;
            LazyDump = null;
        }

        /// <summary>Stop's page server gone: its way closed, its channel too, and the process killed on the destination if it still runs.</summary>
        public void StopPageServer()
        {
            PageServerWay?.Dispose();
            PageServerWay = null;
            PageServer?.Dispose();
            PageServer = null;
            if (PageServerMayRun) KillPageDaemons(Destination, ImageDir);
            PageServerMayRun = false;
        }

        public ContainerInfo RequireRunning(CancellationToken ct)
        {
            var state = Destination.State(Name, ct);
            if (state?.Status != ContainerStatus.Running)
                throw new InvalidOperationException($"After restore, '{Name}' on {Destination.Name} is {state?.Status.ToString() ?? "gone"}, not running.");
            return state;
        }

        /// <summary>
        /// Kills and removes the destination's copy, if this migration's restore made it: the bundle is this one, and once
        /// runc reported the copy, the same creation time. Anything else of that name is someone else's, and left alone.
        /// </summary>
        public void RemoveRestoredCopy(CancellationToken ct)
        {
            if (!RestoreAttempted || !(Destination.State(Name, ct) is ContainerInfo there)) return;
            if (there.Bundle != Bundle || (RestoredCopy != null && there.Created != RestoredCopy.Created))
            {
                Say($"Left '{Name}' on {Destination.Name} alone: it is not the copy this migration restored (bundle {there.Bundle}, created {there.Created:u}).");
                return;
            }
            Destination.Delete(Name, force: true, ct);
        }

        /// <summary>The destination's bundle goes only if it is a copy: never shared storage, never the source's own directory.</summary>
        public void RemoveDestinationBundle()
        {
            if (SharedBundle) return;
            if (SameDirectory.MayBe(Source, Destination, Bundle, Say, CancellationToken.None))
                Say($"Kept the bundle {Bundle} on {Destination.Name}: it is (or may be) the same directory as on {Source.Name}.");
            else RemoveOrReport(Destination, Bundle);
        }

        /// <summary>The container left the source, or was restored there afresh: no series builds on its memory any more.</summary>
        public void ForgetSeries()
        {
            if (Series != null) RemoveOrReport(Source, Series.LatestRecord);
        }

        public void KillPageDaemons(IContainerHost host, string imageDir)
        {
            try { host.StopPageDaemons(imageDir, CancellationToken.None); }
            catch (Exception ex) { Say($"Could not stop the page daemons of {imageDir} on {host.Name}: {ex.Message}"); }
        }

        public void RemoveOrReport(IContainerHost host, string path)
        {
            if (string.IsNullOrEmpty(path)) return;
            try { host.RemoveTree(path, CancellationToken.None); }
            catch (Exception ex) { Say($"Could not remove {path} on {host.Name}: {ex.Message}"); }
        }
    }
}
