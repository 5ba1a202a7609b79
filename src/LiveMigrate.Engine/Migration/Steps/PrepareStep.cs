using System;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.PreCopy;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>
    /// Before anything is frozen: the locks, the container and the destination checked, the network read, the images'
    /// folder, post-copy's guarded ports and tunnel, the link, Stop's page server, and Delta's copy of the bundle ahead.
    /// </summary>
    internal sealed class PrepareStep : MigrationStep
    {
        public override MigrationPhase Phase => MigrationPhase.Prepare;

        public override string Describe(MigrationContext c) => $"Checking {c.Name} on {c.Source.Name} and {c.Destination.Name}";

        public override void Forward(MigrationContext c)
        {
            var ct = c.Ct;
            // One migration of a container at a time, whoever runs it: an atomic mkdir on the source.
            var lockDir = c.PlannedLockDir;
            var holder = RunId.Holder($"migration {c.Result.MigrationId} of {c.Name} to {c.Destination.Name}");
            if (!c.Source.TryLock(lockDir, holder, out var current, ct))
                throw new InvalidOperationException($"'{c.Name}' on {c.Source.Name} is being migrated already: {current}. " +
                    $"If that migration is gone (its controller died), check that the container runs exactly once, then remove {lockDir} on {c.Source.Name}.");
            c.LockDir = lockDir;
            var state = c.Source.State(c.Name, ct);
            c.SourceNotRunning = state?.Status != ContainerStatus.Running;
            if (state == null) throw new InvalidOperationException($"No container named '{c.Name}' on {c.Source.Name}. Get-Container -Host {c.Source.Name} lists what is there.");
            if (state.Status != ContainerStatus.Running)
                throw new InvalidOperationException($"'{c.Name}' on {c.Source.Name} is {state.Status}; only a running container can be migrated live.");
            if (!HostPath.IsSafeAbsolute(state.Bundle))
                throw new InvalidOperationException($"runc reports bundle '{state.Bundle}' for '{c.Name}'; an absolute, normalized bundle path with no folder name that begins with '-' is needed to recreate it on {c.Destination.Name}.");
            c.Bundle = state.Bundle;
            // The name on the destination too: another move or restore of a same-named container there would
            // interfere, and one's rollback would remove the other's copy.
            if (!c.SameHost)
            {
                if (!c.Destination.TryLock(lockDir, holder, out var there, ct))
                    throw new InvalidOperationException($"'{c.Name}' on {c.Destination.Name} is being migrated or restored there already: {there}. " +
                        $"Move it once that has ended. If that one is gone (its controller died), Resume-Migration ends it; otherwise remove {lockDir} on {c.Destination.Name}.");
                c.DestinationLockDir = lockDir;
            }
            if (c.Destination.State(c.Name, ct) is ContainerInfo other)
                throw new InvalidOperationException($"{c.Destination.Name} already has a container named '{c.Name}' ({other.Status}). Remove it there or migrate elsewhere; a container never runs twice.");
            var bundleThere = c.Destination.Exists(c.Bundle, ct);
            if (c.SharedBundle && !bundleThere)
                throw new InvalidOperationException($"-BundleSync None needs the bundle on storage both hosts share, but {c.Destination.Name} has no '{c.Bundle}'. Mount the shared storage there at the same path, or use -BundleSync Full or Delta.");
            if (!c.SharedBundle && bundleThere)
                throw new InvalidOperationException($"{c.Destination.Name} already has '{c.Bundle}'. The bundle is moved to the same path, and existing files are never overwritten: remove it there first (or, if it is shared storage, use -BundleSync None).");
            PrepareNetwork(c);
            c.ImageDir = c.PlannedImageDir;
            c.Result.ImagePath = c.ImageDir;
            if (c.PreCopy) PrepareSeries(c);
            c.Say($"Bundle {c.Bundle}; images go to {c.ImageDir} on both hosts.");
            c.Source.CreateDirectory(c.ImageDir, ct);
            if (c.PostCopy) GuardPagePorts(c);
            // Before the link: its key names the guard, whose bridges carry post-copy's pages or Stop's memory there.
            var pageGuard = c.PostCopy || c.LazyFromImages ? c.Destination.InstallPageGuard(ct) : c.PageServerWanted ? PageGuardForMemory(c) : null;
            if (c.PageServerWanted && pageGuard != null) PickPageServerPorts(c);
            c.Link = c.BaseTransport.Open(c.Source, c.Destination, Grant(c, pageGuard), c.Say, ct);
            c.Result.TransferRoute = c.Link.Route;
            if (c.PostCopy) OpenPageTunnel(c);
            if (c.PageServerPort != 0) StartPageServer(c);
            if (c.Options.BundleSync == BundleSync.Auto)
                c.Say("-BundleSync Auto: Delta (no readiness checks said the bundle is on shared storage or that Delta cannot work).");
            if (c.Sync == BundleSync.Delta)
            {
                // While it still runs: the whole bundle now, only what changes until the freeze later. The journal
                // learns the bundle's path first, so that a resume removes a copy left by a controller dying in it.
                c.Journal(j => j.PathsChosen(c.Result.MigrationId, c.Paths));
                c.BundlePresynced = c.DestinationTouched = true;
                var bytes = c.Transport.Copy(c.Source, c.Destination, new[] { c.Bundle }, null, ct, c.Snapshot);
                c.Say($"Copied the bundle ahead ({bytes / 1048576.0:0.0} MiB) while {c.Name} runs; only what changes from now on is sent while it is frozen.");
            }
        }

        /// <summary>
        /// Before the freeze, what Prepare made goes (but pre-dump rounds staged before this run). After it, the container
        /// runs on the source again (the Checkpoint step's undo): everything of the migration goes, on both hosts.
        /// </summary>
        public override void Undo(MigrationContext c)
        {
            c.StopPageServer();
            if (c.FreezeBegun)
            {
                if (c.DestinationTouched)
                {
                    // The container runs on the source again: leftovers on the destination are reported, not fatal.
                    try { c.RemoveRestoredCopy(CancellationToken.None); }
                    catch (Exception ex) { c.Say($"Could not remove '{c.Name}' from {c.Destination.Name}: {ex.Message}"); }
                    c.RemoveOrReport(c.Destination, c.ImageDir);
                    c.RemoveDestinationBundle();
                }
                else if (c.PageServerDirMade) c.RemoveOrReport(c.Destination, c.ImageDir);
                c.RemoveOrReport(c.Source, c.ImageDir);
                c.RemoveOrReport(c.Source, c.Snapshot);
                c.ForgetSeries();
                return;
            }
            if (!c.StagedSeries)
            {
                c.RemoveOrReport(c.Source, c.ImageDir);
                if (c.Series != null || c.PageServerDirMade) c.RemoveOrReport(c.Destination, c.ImageDir);
                if (c.Series != null) c.RemoveOrReport(c.Source, c.Series.LatestRecord);
            }
            c.RemoveOrReport(c.Source, c.Snapshot);
            if (c.BundlePresynced) c.RemoveDestinationBundle();
        }

        /// <summary>
        /// Once the migration is over, whatever its outcome, and only where nothing listens any more: the source's guard
        /// stays while its lazy dump may still serve the frozen memory (ending it failed), and says so.
        /// </summary>
        public static void ReleasePagePorts(MigrationContext c)
        {
            if (!c.PortsGuarded) return;
            foreach (var host in new[] { c.Source, c.Destination })
            {
                if (host == c.Source && c.DumpMayListen)
                {
                    c.Say($"Kept the page port's guard on {c.Source.Name}: its lazy dump may still listen on 127.0.0.1:{c.PagePort}. Once it has ended, remove the iptables rules or nftables table named livemigrate-pages-{c.Result.MigrationId} there.");
                    continue;
                }
                try { host.UnguardPorts(c.Result.MigrationId, CancellationToken.None); }
                catch (Exception ex) { c.Say($"Could not remove the page port's guard on {host.Name} (iptables rules or nftables table named livemigrate-pages-{c.Result.MigrationId}): {ex.Message}"); }
            }
            c.PortsGuarded = false;
        }

        /// <summary>Reads the container's network namespace, if it is a path of its config.json, and checks that the destination can make it.</summary>
        private static void PrepareNetwork(MigrationContext c)
        {
            Network.ContainerNetwork? net;
            try { net = c.Source.Network?.Inspect(c.Bundle, c.Ct); }
            catch (NotSupportedException ex) when (c.Options.Hooks?.Has(Hooks.HookPoint.PreRestore) == true)
            {
                // A set-up LiveMigrate does not rebuild: the PreRestore hook makes it on the destination.
                c.Say($"{ex.Message} The PreRestore hook makes it on {c.Destination.Name}; LiveMigrate leaves the network alone.");
                return;
            }
            if (net == null) return;
            var problems = c.Destination.Network?.Check(net, c.Ct) ?? new[] { "it does not handle container networks" };
            if (problems.Count > 0)
                throw new InvalidOperationException($"{c.Destination.Name} cannot take {c.Name}'s network namespace {net.NamespacePath}: {string.Join("; ", problems)}. " +
                    "The destination needs the same bridge (with an MTU as large), the namespace's folder, and no namespace or link of those names.");
            c.Network = net;
            c.Say($"Network namespace {net}: rebuilt on {c.Destination.Name} before the restore" +
                (net.Established > 0 ? $", with its {net.Established} established TCP connection(s)." : "."));
        }

        /// <summary>
        /// What a direct link may do on the destination: unpack the images (and the bundle, unless shared), carry
        /// post-copy's pages to its tunnel port through the page guard's bridge, and only as long as every bounded step it serves may take.
        /// </summary>
        private static LinkGrant Grant(MigrationContext c, string? pageGuard)
        {
            var runtime = c.Options.Runtime;
            var stream = c.BaseTransport.StreamTimeout;
            var lifetime = runtime.CriuTimeout + stream + runtime.CriuTimeout + LinkGrant.Margin;
            if (c.PreCopy && !c.StagedSeries) lifetime += TimeSpan.FromTicks(c.Options.PreCopy.MaxRounds * (runtime.CriuTimeout + stream).Ticks);
            if (c.Options.BundleSync == BundleSync.Delta) lifetime += stream;
            if (c.PostCopy) lifetime += runtime.PageTransferTimeout;
            var folders = c.SharedBundle ? new[] { c.ImageDir } : new[] { c.ImageDir, c.Bundle };
            var memory = c.PageServerPort != 0 ? c.PageServerPort : (int?)null;
            return c.PostCopy || memory != null
                ? new LinkGrant(c.Result.MigrationId, folders, c.PostCopy ? c.TunnelPort : (int?)null, lifetime, pageGuard, memory)
                : new LinkGrant(c.Result.MigrationId, folders, null, lifetime);
        }

        /// <summary>Stop: the destination's page guard, whose bridge takes the memory there; null (said) if it cannot be installed.</summary>
        private static string? PageGuardForMemory(MigrationContext c)
        {
            try { return c.Destination.InstallPageGuard(c.Ct); }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                c.Say($"The memory is dumped on {c.Source.Name}, then sent: the page guard that would carry it into {c.Destination.Name} cannot be installed there ({ex.Message}).");
                return null;
            }
        }

        /// <summary>Stop: where the page server will listen on the destination, and the link's end of it on the source.</summary>
        private static void PickPageServerPorts(MigrationContext c)
        {
            // Below Linux's ephemeral range, as post-copy's (which a Stop move never uses at the same time).
            var rng = new Random();
            c.PageServerPort = rng.Next(20000, 26000);
            c.PageServerReach = rng.Next(26000, 32000);
        }

        /// <summary>
        /// Stop over the direct link: CRIU's page server on the destination, listening before the freeze, which the link
        /// reaches from the source; both ends guarded. Anywhere else, or when it cannot start, the dump writes the memory
        /// on the source and the Transfer step sends it, as it always did.
        /// </summary>
        private static void StartPageServer(MigrationContext c)
        {
            if (c.Link!.Route != TransferRoute.Direct)
            {
                c.Say($"The memory is dumped on {c.Source.Name}, then sent: streaming it into a page server while CRIU dumps needs the direct route.");
                return;
            }
            var ct = c.Ct;
            try
            {
                c.PortsGuarded = true;
                c.Source.GuardPort(c.PageServerReach, c.Result.MigrationId, PortAdmission.SupplementaryGroup, ct);
                // The link's forced command connects there as a page client.
                c.Destination.GuardPort(c.PageServerPort, c.Result.MigrationId, PortAdmission.PageClientsOnly, ct);
                c.PageServerDirMade = true;
                c.Destination.CreateDirectory(c.ImageDir, ct);
                c.PageServerMayRun = true;
                c.PageServer = c.Destination.StartPageServer(c.ImageDir, c.PageServerPort);
                c.PageServerWay = c.Transport.Tunnel(c.Source, c.PageServerReach, c.Destination, c.PageServerPort);
                c.Say($"The memory goes into CRIU's page server on {c.Destination.Name} as it is dumped (127.0.0.1:{c.PageServerReach} on {c.Source.Name} to 127.0.0.1:{c.PageServerPort} there): nothing of it is written on {c.Source.Name}.");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                c.StopPageServer();
                c.Say($"The memory is dumped on {c.Source.Name}, then sent: the page server on {c.Destination.Name} could not be used ({ex.Message}).");
            }
        }

        /// <summary>Post-copy: both page ports closed to all but the migration's page clients, before the link's master exists.</summary>
        private static void GuardPagePorts(MigrationContext c)
        {
            // Below Linux's ephemeral range (32768 up), where outgoing connections would compete for them.
            var rng = new Random();
            c.PagePort = rng.Next(20000, 26000);
            c.TunnelPort = rng.Next(26000, 32000);
            c.PortsGuarded = true;
            c.Source.GuardPort(c.PagePort, c.Result.MigrationId, PortAdmission.PageClientsOnly, c.Ct);
            c.Destination.GuardPort(c.TunnelPort, c.Result.MigrationId, PortAdmission.PageClientsOnly, c.Ct);
        }

        /// <summary>Post-copy: the way from the destination to the source's page port, before anything is frozen.</summary>
        private static void OpenPageTunnel(MigrationContext c)
        {
            c.Tunnel = c.Transport.Tunnel(c.Destination, c.TunnelPort, c.Source, c.PagePort);
            c.Say($"Pages go from 127.0.0.1:{c.PagePort} on {c.Source.Name} to 127.0.0.1:{c.TunnelPort} on {c.Destination.Name}, both closed to every process but the migration's page clients.");
        }

        private static void PrepareSeries(MigrationContext c)
        {
            var series = c.Series = new PreCopySeries(c.Options.ImageRoot, c.Options.LockRoot, c.Name, c.Options.PredumpId ?? c.Result.MigrationId);
            c.Result.PredumpId = series.Id;
            if (c.Options.PredumpId == null)
            {
                series.MarkLatest(c.Source, c.Ct);
                return;
            }
            c.StagedSeries = true;
            c.DestinationTouched = true;
            c.LastRound = series.CountRounds(c.Source, c.Ct);
            if (c.LastRound == 0)
                throw new InvalidOperationException($"{c.Source.Name} has no pre-dump rounds of '{c.Name}' with id {series.Id} (under {series.Root}). Invoke-ContainerPredump stages them and writes their PredumpId.");
            if (series.CountRounds(c.Destination, c.Ct) < c.LastRound)
                throw new InvalidOperationException($"{c.Destination.Name} lacks round {c.LastRound} of pre-dump {series.Id}: its rounds were staged on another host or removed. Run Invoke-ContainerPredump to {c.Destination.Name} again.");
            if (!series.IsLatest(c.Source, c.Ct))
                throw new InvalidOperationException($"Pre-dump {series.Id} is no longer the latest of '{c.Name}': a later pre-dump or migration reset the memory tracking it builds on, " +
                    "so a final dump on top of it would miss pages. Finish from the latest pre-dump, or run Invoke-ContainerPredump again.");
            c.Say($"Finishing from {c.LastRound} pre-dump round(s) staged as {series.Id}.");
        }
    }
}
