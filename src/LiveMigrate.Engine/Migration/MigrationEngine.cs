using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using LiveMigrate.Hooks;
using LiveMigrate.Hosts;
using LiveMigrate.Journal;
using LiveMigrate.PreCopy;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.Migration
{
    /// <summary>
    /// Moves a running container: prepare, checkpoint (the freeze), transfer, restore, verify, clean up.
    /// Any failure after the freeze rolls back to the source's own images, so the container ends running
    /// exactly once: on the destination, or on the source.
    /// </summary>
    public sealed class MigrationEngine
    {
        private readonly ITreeTransport _transport;
        private readonly MigrationOptions _options;

        public MigrationEngine(ITreeTransport transport, MigrationOptions options)
        {
            _transport = transport;
            _options = options;
        }

        public MigrationResult Move(string name, IContainerHost source, IContainerHost destination, IMigrationObserver? observer, CancellationToken ct)
        {
            ContainerName.Validate(name);
            var run = new Run(this, name, source, destination, observer ?? NullMigrationObserver.Instance, ct);
            return run.Execute();
        }

        /// <summary>One migration's state; keeps Move itself free of bookkeeping.</summary>
        private sealed class Run
        {
            private readonly MigrationEngine _engine;
            private readonly string _name;
            private readonly IContainerHost _source;
            private readonly IContainerHost _destination;
            private readonly IMigrationObserver _observer;
            private readonly CancellationToken _ct;
            private readonly MigrationResult _result;
            private readonly Stopwatch _total = new Stopwatch();
            private readonly Stopwatch _frozen = new Stopwatch();
            private string _bundle = "";
            private string _imageDir = "";
            private readonly bool _lazy;
            private readonly BundleSync _sync;
            private string _lockDir = "";
            private string _destinationLockDir = "";
            private bool _destinationTouched;
            // The copy this migration's restore made on the destination, as runc reported it: a rollback deletes no other.
            private ContainerInfo? _restoredCopy;
            // Post-copy: the images hold no memory; the source's lazy dump serves it from the frozen tasks, through the
            // tunnel, to the destination's lazy-pages daemon, all three alive until every page arrived.
            private Hosts.IHostProcess? _lazyDump;
            private int _pagePort, _tunnelPort;
            private bool _portsGuarded;
            // From the lazy dump's start until it is known to have ended: CRIU may listen on the source's page port.
            private bool _dumpMayListen;
            private Hosts.IHostProcess? _lazyPages;
            private IDisposable? _tunnel;
            private bool _restoreAttempted;
            private bool _bundlePresynced;
            // A network namespace at a config.json path: rebuilt on the destination, the source's cut off the LAN meanwhile.
            private Network.ContainerNetwork? _network;
            // A namespace runc makes: its restore needs lo up before CRIU connects sockets on 127.0.0.1 back.
            private bool _loopbackRestore;
            // The way this migration's streams go; opened in Prepare, before anything is frozen.
            private ITreeLink? _link;
            private bool _sourceNotRunning;
            // Pre-copy: the rounds' folders, and whether they were staged before this run (kept if it aborts).
            private readonly bool _preCopy;
            private PreCopySeries? _series;
            private bool _stagedSeries;
            private int _lastRound;
            // What this run reached, as its journal records it: the way back undoes from it (see WayBack).
            private readonly MigrationJournalRecord _record;

            public Run(MigrationEngine engine, string name, IContainerHost source, IContainerHost destination, IMigrationObserver observer, CancellationToken ct)
            {
                _engine = engine;
                _name = name;
                _source = source;
                _destination = destination;
                _observer = observer;
                _ct = ct;
                _lazy = engine._options.Mode == MigrationMode.PostCopy;
                _preCopy = engine._options.Mode == MigrationMode.PreCopy;
                var id = RunId.New();
                _sync = engine._options.BundleSync == BundleSync.Auto ? BundleSync.Delta : engine._options.BundleSync;
                _result = new MigrationResult(id, name, source.Name, destination.Name) { StartTime = DateTimeOffset.Now, Mode = engine._options.Mode, BundleSync = _sync };
                _record = new MigrationJournalRecord { Id = id, Container = name, Source = source.Name, Destination = destination.Name, Mode = engine._options.Mode, BundleSync = _sync };
            }

            private MigrationOptions Options => _engine._options;

            private ITreeTransport Transport => (ITreeTransport?)_link ?? _engine._transport;

            private bool SharedBundle => _sync == BundleSync.None;

            /// <summary>Delta: the source's record of what of the bundle was sent (beside the images, removed with them).</summary>
            private string Snapshot => MigrationPaths.SnapshotOf(_imageDir);

            /// <summary>Stop or PreCopy with -LazyRestore: the memory is filled on the destination from the images there.</summary>
            private bool LazyFromImages => Options.LazyRestore && !_lazy;

            private string PlannedLockDir => ContainerLock.PathOf(Options.LockRoot, _name);
            private string PlannedImageDir => HostPath.Combine(Options.ImageRoot, _name + "-" + ((_preCopy ? Options.PredumpId : null) ?? _result.MigrationId));

            /// <summary>Where the complete images are: in pre-copy the final dump, on top of the rounds beside it.</summary>
            private string CheckpointDir => PreCopySeries.CheckpointDir(_imageDir, Options.Mode);
            private MigrationPaths Paths => new MigrationPaths(_bundle, _imageDir, _lockDir, _destinationLockDir, _network);

            /// <summary>A move to the source itself is refused in Prepare, where one lock would do for both.</summary>
            private bool SameHost => string.Equals(_source.Name, _destination.Name, StringComparison.Ordinal);

            public MigrationResult Execute()
            {
                // Known before Prepare, so that a controller dying in Prepare leaves the lock's and images' paths behind.
                Record(j => j.Started(_result.MigrationId, _name, _source.Name, _destination.Name, Options.Mode, _sync,
                    new MigrationPaths("", PlannedImageDir, PlannedLockDir, SameHost ? "" : PlannedLockDir)));
                try
                {
                    var result = Migrate();
                    Record(j => j.Finished(result));
                    return result;
                }
                catch (MigrationException ex) when (ex.Result.Status == MigrationStatus.Failed)
                {
                    // The container may run nowhere: the lock stays until someone has looked (the message says where).
                    Record(j => j.Finished(ex.Result));
                    throw;
                }
                catch (MigrationException ex)
                {
                    Unlock();
                    Record(j => j.Finished(ex.Result));
                    throw;
                }
                finally
                {
                    CloseLink();
                    ReleasePagePorts();
                }
            }

            private void CloseLink()
            {
                try { _link?.Dispose(); }
                catch (Exception ex) { _observer.Message(ex.Message); }
                _link = null;
            }

            private MigrationResult Migrate()
            {
                _total.Start();
                var phase = MigrationPhase.Prepare;
                try
                {
                    Phase(phase, $"Checking {_name} on {_source.Name} and {_destination.Name}", Prepare);
                    if (_preCopy && !_stagedSeries)
                    {
                        phase = MigrationPhase.PreDump;
                        Phase(phase, $"Pre-dumping {_name}'s memory to {_destination.Name} while it runs", PreDump);
                    }
                    // Nothing is frozen yet: a cancellation that arrived during Prepare is an abort, not a rollback.
                    _ct.ThrowIfCancellationRequested();
                    PreHook(HookPoint.PreCheckpoint, MigrationPhase.Checkpoint);
                }
                catch (Exception ex)
                {
                    throw Abort(phase, ex);
                }

                phase = MigrationPhase.Checkpoint;
                try
                {
                    _frozen.Start();
                    // CRIU is never interrupted: killed half-way it can leave tasks frozen or images torn. A Ctrl+C
                    // waits for the call (bounded by its timeout) and is honoured between phases.
                    Phase(phase, $"Checkpointing {_name} on {_source.Name} (frozen from here)", FinalDump);
                    PostHook(HookPoint.PostCheckpoint, phase);
                    phase = MigrationPhase.Transfer;
                    _destinationTouched = true;
                    Phase(phase, $"Streaming images and bundle to {_destination.Name}", Transfer);
                    phase = MigrationPhase.Restore;
                    PreHook(HookPoint.PreRestore, phase);
                    _restoreAttempted = true;
                    Phase(phase, $"Restoring {_name} on {_destination.Name}", Restore);
                    PostHook(HookPoint.PostRestore, phase);
                    if (_lazy || LazyFromImages)
                    {
                        phase = MigrationPhase.Pages;
                        Phase(phase, _lazy ? $"Sending {_name}'s memory to {_destination.Name} while it runs there"
                            : $"Filling {_name}'s memory on {_destination.Name} from the images there while it runs", WaitForPages);
                    }
                    phase = MigrationPhase.Verify;
                    Phase(phase, $"Checking that {_name} runs on {_destination.Name}", Verify);
                }
                catch (Exception ex)
                {
                    ReportFailure(phase, ex);
                    throw RollBack(phase, ex);
                }

                _result.Status = MigrationStatus.Succeeded;
                _result.RunningOn = _destination.Name;
                // Cleanup must not be cut short by Ctrl+C: the container already runs on the destination.
                Phase(MigrationPhase.Cleanup, $"Removing what is left of {_name} on {_source.Name}", Cleanup, CancellationToken.None);
                Unlock();
                _result.Duration = _total.Elapsed;
                return _result;
            }

            private MigrationException Abort(MigrationPhase phase, Exception ex)
            {
                ReportFailure(phase, ex);
                // First: a stream the controller gave up on may still run host to host, and must not write after the cleanup.
                StopPageTraffic();
                CloseLink();
                if (phase == MigrationPhase.PreDump) PreDumpRounds.ThawIfFrozen(_source, _name, _observer.Message);
                if (!_stagedSeries)
                {
                    RemoveOrReport(_source, _imageDir);
                    if (_series != null)
                    {
                        RemoveOrReport(_destination, _imageDir);
                        RemoveOrReport(_source, _series.LatestRecord);
                    }
                }
                RemoveOrReport(_source, Snapshot);
                if (_bundlePresynced) RemoveDestinationBundle();
                var why = DirtyTracking.IsMissing(ex) ? DirtyTracking.Explain(_source.Name, ex) : ex.Message;
                // Name the source as where it runs, unless Prepare found it missing or not running there.
                return Fail(MigrationStatus.Aborted, _sourceNotRunning ? null : _source.Name, phase, ex, null,
                    _sourceNotRunning
                        ? $"Migration of {_name} did not start: {why}"
                        : $"Migration of {_name} stopped before the freeze; it still runs on {_source.Name}: {why}");
            }

            private void Prepare()
            {
                // One migration of a container at a time, whoever runs it: an atomic mkdir on the source.
                var lockDir = PlannedLockDir;
                var holder = RunId.Holder($"migration {_result.MigrationId} of {_name} to {_destination.Name}");
                if (!_source.TryLock(lockDir, holder, out var current, _ct))
                    throw new InvalidOperationException($"'{_name}' on {_source.Name} is being migrated already: {current}. " +
                        $"If that migration is gone (its controller died), check that the container runs exactly once, then remove {lockDir} on {_source.Name}.");
                _lockDir = lockDir;
                var state = _source.State(_name, _ct);
                _sourceNotRunning = state?.Status != ContainerStatus.Running;
                if (state == null) throw new InvalidOperationException($"No container named '{_name}' on {_source.Name}. Get-Container -Host {_source.Name} lists what is there.");
                if (state.Status != ContainerStatus.Running)
                    throw new InvalidOperationException($"'{_name}' on {_source.Name} is {state.Status}; only a running container can be migrated live.");
                if (!HostPath.IsSafeAbsolute(state.Bundle))
                    throw new InvalidOperationException($"runc reports bundle '{state.Bundle}' for '{_name}'; an absolute, normalized bundle path with no folder name that begins with '-' is needed to recreate it on {_destination.Name}.");
                _bundle = state.Bundle;
                // The name on the destination too: another move or restore of a same-named container there would
                // interfere, and one's rollback would remove the other's copy.
                if (!SameHost)
                {
                    if (!_destination.TryLock(lockDir, holder, out var there, _ct))
                        throw new InvalidOperationException($"'{_name}' on {_destination.Name} is being migrated or restored there already: {there}. " +
                            $"Move it once that has ended. If that one is gone (its controller died), Resume-Migration ends it; otherwise remove {lockDir} on {_destination.Name}.");
                    _destinationLockDir = lockDir;
                }
                if (_destination.State(_name, _ct) is ContainerInfo other)
                    throw new InvalidOperationException($"{_destination.Name} already has a container named '{_name}' ({other.Status}). Remove it there or migrate elsewhere; a container never runs twice.");
                var bundleThere = _destination.Exists(_bundle, _ct);
                if (SharedBundle && !bundleThere)
                    throw new InvalidOperationException($"-BundleSync None needs the bundle on storage both hosts share, but {_destination.Name} has no '{_bundle}'. Mount the shared storage there at the same path, or use -BundleSync Full or Delta.");
                if (!SharedBundle && bundleThere)
                    throw new InvalidOperationException($"{_destination.Name} already has '{_bundle}'. The bundle is moved to the same path, and existing files are never overwritten: remove it there first (or, if it is shared storage, use -BundleSync None).");
                PrepareNetwork();
                _imageDir = PlannedImageDir;
                _result.ImagePath = _imageDir;
                if (_preCopy) PrepareSeries();
                _observer.Message($"Bundle {_bundle}; images go to {_imageDir} on both hosts.");
                _source.CreateDirectory(_imageDir, _ct);
                if (_lazy) GuardPagePorts();
                _link = _engine._transport.Open(_source, _destination, Grant(), _observer.Message, _ct);
                _result.TransferRoute = _link.Route;
                if (_lazy) OpenPageTunnel();
                if (_lazy || LazyFromImages) _destination.InstallPageGuard(_ct);
                if (Options.BundleSync == BundleSync.Auto)
                    _observer.Message("-BundleSync Auto: Delta (no readiness checks said the bundle is on shared storage or that Delta cannot work).");
                if (_sync == BundleSync.Delta)
                {
                    // While it still runs: the whole bundle now, only what changes until the freeze later. The journal
                    // learns the bundle's path first, so that a resume removes a copy left by a controller dying in it.
                    Record(j => j.PathsChosen(_result.MigrationId, Paths));
                    _bundlePresynced = _destinationTouched = true;
                    var bytes = Transport.Copy(_source, _destination, new[] { _bundle }, null, _ct, Snapshot);
                    _observer.Message($"Copied the bundle ahead ({bytes / 1048576.0:0.0} MiB) while {_name} runs; only what changes from now on is sent while it is frozen.");
                }
            }

            /// <summary>Reads the container's network namespace, if it is a path of its config.json, and checks that the destination can make it.</summary>
            private void PrepareNetwork()
            {
                Network.ContainerNetwork? net;
                try { net = _source.Network?.Inspect(_bundle, _ct); }
                catch (NotSupportedException ex) when (Options.Hooks?.Has(Hooks.HookPoint.PreRestore) == true)
                {
                    // A set-up LiveMigrate does not rebuild: the PreRestore hook makes it on the destination.
                    _observer.Message($"{ex.Message} The PreRestore hook makes it on {_destination.Name}; LiveMigrate leaves the network alone.");
                    return;
                }
                if (net == null) return;
                var problems = _destination.Network?.Check(net, _ct) ?? new[] { "it does not handle container networks" };
                if (problems.Count > 0)
                    throw new InvalidOperationException($"{_destination.Name} cannot take {_name}'s network namespace {net.NamespacePath}: {string.Join("; ", problems)}. " +
                        "The destination needs the same bridge (with an MTU as large), the namespace's folder, and no namespace or link of those names.");
                _network = net;
                _observer.Message($"Network namespace {net}: rebuilt on {_destination.Name} before the restore" +
                    (net.Established > 0 ? $", with its {net.Established} established TCP connection(s)." : "."));
            }


            /// <summary>
            /// What a direct link may do on the destination: unpack the images (and the bundle, unless shared), listen on
            /// post-copy's tunnel port, and only as long as every bounded step it serves may take.
            /// </summary>
            private LinkGrant Grant()
            {
                var runtime = Options.Runtime;
                var stream = _engine._transport.StreamTimeout;
                var lifetime = runtime.CriuTimeout + stream + runtime.CriuTimeout + LinkGrant.Margin;
                if (_preCopy && !_stagedSeries) lifetime += TimeSpan.FromTicks(Options.PreCopy.MaxRounds * (runtime.CriuTimeout + stream).Ticks);
                if (Options.BundleSync == BundleSync.Delta) lifetime += stream;
                if (_lazy) lifetime += runtime.PageTransferTimeout;
                var folders = SharedBundle ? new[] { _imageDir } : new[] { _imageDir, _bundle };
                return new LinkGrant(_result.MigrationId, folders, _lazy ? _tunnelPort : (int?)null, lifetime);
            }

            /// <summary>Post-copy: both page ports closed to all but the migration's page clients, before the link's master exists.</summary>
            private void GuardPagePorts()
            {
                // Below Linux's ephemeral range (32768 up), where outgoing connections would compete for them.
                var rng = new Random();
                _pagePort = rng.Next(20000, 26000);
                _tunnelPort = rng.Next(26000, 32000);
                _portsGuarded = true;
                _source.GuardPort(_pagePort, _result.MigrationId, _ct);
                _destination.GuardPort(_tunnelPort, _result.MigrationId, _ct);
            }

            /// <summary>Post-copy: the way from the destination to the source's page port, before anything is frozen.</summary>
            private void OpenPageTunnel()
            {
                _tunnel = Transport.Tunnel(_destination, _tunnelPort, _source, _pagePort);
                _observer.Message($"Pages go from 127.0.0.1:{_pagePort} on {_source.Name} to 127.0.0.1:{_tunnelPort} on {_destination.Name}, both closed to every process but the migration's page clients.");
            }

            /// <summary>
            /// Once the migration is over, whatever its outcome, and only where nothing listens any more: the source's guard
            /// stays while its lazy dump may still serve the frozen memory (ending it failed), and says so.
            /// </summary>
            private void ReleasePagePorts()
            {
                if (!_portsGuarded) return;
                foreach (var host in new[] { _source, _destination })
                {
                    if (host == _source && _dumpMayListen)
                    {
                        _observer.Message($"Kept the page port's guard on {_source.Name}: its lazy dump may still listen on 127.0.0.1:{_pagePort}. Once it has ended, remove the iptables rules or nftables table named livemigrate-pages-{_result.MigrationId} there.");
                        continue;
                    }
                    try { host.UnguardPorts(_result.MigrationId, CancellationToken.None); }
                    catch (Exception ex) { _observer.Message($"Could not remove the page port's guard on {host.Name} (iptables rules or nftables table named livemigrate-pages-{_result.MigrationId}): {ex.Message}"); }
                }
                _portsGuarded = false;
            }

            private void PrepareSeries()
            {
                _series = new PreCopySeries(Options.ImageRoot, Options.LockRoot, _name, Options.PredumpId ?? _result.MigrationId);
                _result.PredumpId = _series.Id;
                if (Options.PredumpId == null)
                {
                    _series.MarkLatest(_source, _ct);
                    return;
                }
                _stagedSeries = true;
                _destinationTouched = true;
                _lastRound = _series.CountRounds(_source, _ct);
                if (_lastRound == 0)
                    throw new InvalidOperationException($"{_source.Name} has no pre-dump rounds of '{_name}' with id {_series.Id} (under {_series.Root}). Invoke-ContainerPredump stages them and writes their PredumpId.");
                if (_series.CountRounds(_destination, _ct) < _lastRound)
                    throw new InvalidOperationException($"{_destination.Name} lacks round {_lastRound} of pre-dump {_series.Id}: its rounds were staged on another host or removed. Run Invoke-ContainerPredump to {_destination.Name} again.");
                if (!_series.IsLatest(_source, _ct))
                    throw new InvalidOperationException($"Pre-dump {_series.Id} is no longer the latest of '{_name}': a later pre-dump or migration reset the memory tracking it builds on, " +
                        "so a final dump on top of it would miss pages. Finish from the latest pre-dump, or run Invoke-ContainerPredump again.");
                _observer.Message($"Finishing from {_lastRound} pre-dump round(s) staged as {_series.Id}.");
            }

            private void PreDump()
            {
                _destinationTouched = true;
                var rounds = PreDumpRounds.Run(_series!, _source, _destination, Transport, Options.PreCopy, round =>
                {
                    _result._preCopyRounds.Add(round);
                    _observer.Message($"Round {round.Round}: {round.PagesWritten} pages written in {round.Duration.TotalMilliseconds:0} ms, {round.Transferred} bytes sent." +
                        (round.StopReason == null ? "" : $" Stopping: {round.StopReason}."));
                }, _observer.TransferProgress, _ct);
                _lastRound = rounds.Count;
            }

            private void FinalDump()
            {
                if (_network != null)
                {
                    // Off the LAN before the freeze: CRIU unlocks the network after a --leave-running dump, and the frozen
                    // copy's kernel would then take and acknowledge its peers' data that the images never hold (a stalled
                    // connection on the destination); later, it would answer for the addresses the destination announces.
                    _source.Network!.Isolate(_network, CancellationToken.None);
                }
                if (_lazy)
                {
                    _dumpMayListen = true;
                    _lazyDump = _source.StartLazyCheckpoint(_name, _imageDir, _pagePort, CancellationToken.None);
                }
                else _source.Checkpoint(_name, CheckpointDir, _preCopy ? _series!.RoundDir(_lastRound) : null, CancellationToken.None);
            }

            /// <summary>Statistics only, read once the container runs on the destination: unreadable, they are reported.</summary>
            private void RecordDumpStats()
            {
                try
                {
                    _result.FinalPagesWritten = _source.ReadDumpStats(CheckpointDir, CancellationToken.None).PagesWritten;
                    if (_lazy) _result.PostCopyPages = _source.CountLazyPages(CheckpointDir, CancellationToken.None);
                }
                catch (Exception ex) { _observer.Message($"Could not read CRIU's statistics of the final dump: {ex.Message}"); }
            }

            private void Transfer()
            {
                // Pre-copy: the rounds are there already; only the final dump travels.
                var images = _preCopy ? CheckpointDir : _imageDir;
                var paths = SharedBundle ? new[] { images } : new[] { images, _bundle };
                _result.BytesTransferred = Transport.Copy(_source, _destination, paths, _observer.TransferProgress, _ct,
                    _sync == BundleSync.Delta ? Snapshot : null);
            }

            private void Restore()
            {
                // CRIU is never interrupted once it runs (see Checkpoint); cancellation waits for the next phase.
                if (_network != null)
                {
                    // The restored sockets need their addresses and a link up; the LAN learns of them only after the restore.
                    _destination.Network!.Build(_network, CancellationToken.None);
                }
                else if (_destination.Network is Network.INetworkHost net)
                {
                    _loopbackRestore = net.PrepareLoopbackRestore(_bundle, CancellationToken.None);
                }
                if (_lazy)
                {
                    _lazyPages = _destination.StartLazyPages(_name, _imageDir, _tunnelPort);
                    _destination.RestoreLazy(_name, _bundle, _imageDir, CancellationToken.None);
                }
                else if (LazyFromImages)
                {
                    _lazyPages = _destination.StartLazyPages(_name, CheckpointDir, null);
                    _destination.RestoreLazy(_name, _bundle, CheckpointDir, CancellationToken.None);
                }
                else
                {
                    _destination.Restore(_name, _bundle, CheckpointDir, CancellationToken.None);
                }
                _restoredCopy = RequireRunning(CancellationToken.None);
                if (_network != null) _destination.Network!.Announce(_network, CancellationToken.None);
                if (_loopbackRestore) _destination.Network!.FinishLoopbackRestore(_bundle, CancellationToken.None);
                _frozen.Stop();
                _result.Downtime = _frozen.Elapsed;
                _observer.Message($"{_name} runs on {_destination.Name} after {_result.Downtime.TotalMilliseconds:0} ms of downtime.");
            }

            /// <summary>Done when the lazy-pages daemon has filled every page and the source's lazy dump, if any, ended well.</summary>
            private void WaitForPages()
            {
                var filled = _lazyPages!.WaitForExit(Options.Runtime.PageTransferTimeout, _ct);
                if (!filled.Succeeded)
                    throw new InvalidOperationException($"The lazy-pages daemon on {_destination.Name} failed (exit {filled.ExitCode}) before every page arrived, and its page guard froze {_name} there: {filled.StandardError.Trim()} " +
                        $"See {CheckpointDir}/lazy-pages.log and {PageGuard.LogFile} there.");
                if (_lazyDump == null)
                {
                    StopPageTraffic();
                    return;
                }
                // The dump ends when its client's connection closes, which the tunnel carries only once shut.
                _tunnel?.Dispose();
                _tunnel = null;
                var served = _lazyDump.WaitForExit(TimeSpan.FromSeconds(30), _ct);
                if (!served.Succeeded)
                    throw new InvalidOperationException($"The lazy dump on {_source.Name} failed (exit {served.ExitCode}): {served.StandardError.Trim()} See {_imageDir}/dump.log there.");
                StopPageTraffic();
                _dumpMayListen = false;
                // CRIU lifted its network lock as it ended: the frozen copy gets ours until Cleanup removes it.
                _source.EndLazyCheckpoint(_name, _imageDir, _ct);
            }

            /// <summary>Closes the daemons' channels, which does not end them (see RestoreOnSource).</summary>
            private void StopPageTraffic()
            {
                foreach (var d in new IDisposable?[] { _lazyPages, _tunnel, _lazyDump }) d?.Dispose();
                _lazyPages = null;
                _tunnel = null;
                _lazyDump = null;
            }

            private void Verify()
            {
                // A restored process can die at once (a CPU feature missing, a file gone): look again.
                if (Options.SettleTime > TimeSpan.Zero) _ct.WaitHandle.WaitOne(Options.SettleTime);
                RequireRunning(_ct);
            }

            private ContainerInfo RequireRunning(CancellationToken ct)
            {
                var state = _destination.State(_name, ct);
                if (state?.Status != ContainerStatus.Running)
                    throw new InvalidOperationException($"After restore, '{_name}' on {_destination.Name} is {state?.Status.ToString() ?? "gone"}, not running.");
                return state;
            }

            /// <summary>
            /// Kills and removes the destination's copy, if this migration's restore made it: the bundle is this one, and once
            /// runc reported the copy, the same creation time. Anything else of that name is someone else's, and left alone.
            /// </summary>
            private void RemoveRestoredCopy(CancellationToken ct)
            {
                if (!_restoreAttempted || !(_destination.State(_name, ct) is ContainerInfo there)) return;
                if (there.Bundle != _bundle || (_restoredCopy != null && there.Created != _restoredCopy.Created))
                {
                    _observer.Message($"Left '{_name}' on {_destination.Name} alone: it is not the copy this migration restored (bundle {there.Bundle}, created {there.Created:u}).");
                    return;
                }
                _destination.Delete(_name, force: true, ct);
            }

            /// <summary>The destination's bundle goes only if it is a copy: never shared storage, never the source's own directory.</summary>
            private void RemoveDestinationBundle()
            {
                if (SharedBundle) return;
                if (SameDirectory.MayBe(_source, _destination, _bundle, _observer.Message, CancellationToken.None))
                    _observer.Message($"Kept the bundle {_bundle} on {_destination.Name}: it is (or may be) the same directory as on {_source.Name}.");
                else RemoveOrReport(_destination, _bundle);
            }

            private void Cleanup()
            {
                var ct = CancellationToken.None;
                // The source's copy stayed frozen for a rollback until now: it goes (killed while frozen, it never runs again).
                try
                {
                    if (_source.State(_name, ct) is ContainerInfo left)
                    {
                        if (left.Status == ContainerStatus.Running)
                            _observer.Message($"'{_name}' runs on {_source.Name} too: someone resumed the frozen copy there during the migration. It was left alone; remove one copy with runc delete --force.");
                        else
                            _source.Delete(_name, force: true, ct);
                    }
                }
                catch (Exception ex)
                {
                    _observer.Message($"Could not remove the frozen '{_name}' on {_source.Name} (runc delete --force {_name} there removes it): {ex.Message}");
                }
                RecordDumpStats();
                if (_network != null)
                {
                    try { _source.Network!.Remove(_network, ct); }
                    catch (Exception ex) { _observer.Message($"Could not remove the network namespace {_network.NamespacePath} from {_source.Name}: {ex.Message}"); }
                }
                RemoveOrReport(_source, _imageDir);
                RemoveOrReport(_source, Snapshot);
                if (SharedBundle) _observer.Message($"Kept the bundle {_bundle}: it is on shared storage, where {_name} now runs from.");
                else if (!HostPath.IsRemovable(_bundle)) _observer.Message($"Left the bundle {_bundle} on {_source.Name}: it is too close to / to remove automatically.");
                else if (SameDirectory.MayBe(_destination, _source, _bundle, _observer.Message, ct))
                    _observer.Message($"Kept the bundle {_bundle} on {_source.Name}: it is (or may be) the same directory as on {_destination.Name}, where {_name} now runs from.");
                else RemoveOrReport(_source, _bundle);
                if (!Options.KeepImages) RemoveOrReport(_destination, _imageDir);
                ForgetSeries();
            }

            /// <summary>The container left the source, or was restored there afresh: no series builds on its memory any more.</summary>
            private void ForgetSeries()
            {
                if (_series != null) RemoveOrReport(_source, _series.LatestRecord);
            }

            private MigrationException RollBack(MigrationPhase failed, Exception cause)
            {
                var reason = cause is OperationCanceledException ? "it was cancelled" : cause.Message;
                _observer.Message($"{failed} failed ({reason}); rolling back to {_source.Name}.");
                CloseLink();
                Exception? rollbackError = null;
                try
                {
                    Phase(MigrationPhase.Rollback, $"Rolling {_name} back to {_source.Name}", () => RestoreOnSource(failed), CancellationToken.None);
                }
                catch (Exception ex)
                {
                    rollbackError = ex;
                }
                if (rollbackError == null)
                {
                    SafeHook(HookPoint.OnRollback, MigrationPhase.Rollback, reason);
                    return Fail(MigrationStatus.RolledBack, _source.Name, failed, cause, null,
                        $"Migration of {_name} to {_destination.Name} failed in {failed}: {reason} It was rolled back and runs on {_source.Name} again.");
                }
                return Fail(MigrationStatus.Failed, null, failed, cause, rollbackError,
                    $"Migration of {_name} to {_destination.Name} failed in {failed}: {reason} The rollback failed too: {rollbackError.Message} " +
                    $"Once sure it does not run on {_destination.Name}, go back by hand on {_source.Name}: runc resume {_name} if it is paused there" +
                    (_lazy ? " (post-copy's images hold no memory: that frozen copy is the only one)."
                        : $", else runc restore --detach --image-path {CheckpointDir} --bundle {_bundle} {_name} (those checkpoint images are kept)."));
            }

            private void RestoreOnSource(MigrationPhase failed)
            {
                var ct = CancellationToken.None;
                // If it already ran on the destination, the outage from here on counts as downtime too.
                _frozen.Start();
                if (_lazyPages != null)
                {
                    StopPageTraffic();
                    KillOrReport(_destination, CheckpointDir);
                }
                if (_lazy) EndLazyDump();
                var onSource = _source.State(_name, ct);
                // Only a restore that was attempted can have left the container on the destination; when it was, an
                // unreachable destination must stop the rollback (running the source copy could run it twice).
                _record.Use(Paths);
                var wayBack = new WayBack(_record, _source, _destination, _network, _observer.Message);
                if (wayBack.Run(onSource, () => RemoveRestoredCopy(ct), checkImages: false, ct) == ResumeAction.CleanedUp)
                    _observer.Message($"{_name} still runs on {_source.Name}.");
                _frozen.Stop();
                _result.Downtime = _frozen.Elapsed;
                if (_destinationTouched)
                {
                    // The container runs on the source again: leftovers on the destination are reported, not fatal.
                    try { RemoveRestoredCopy(ct); }
                    catch (Exception ex) { _observer.Message($"Could not remove '{_name}' from {_destination.Name}: {ex.Message}"); }
                    RemoveOrReport(_destination, _imageDir);
                    RemoveDestinationBundle();
                }
                RemoveOrReport(_source, _imageDir);
                RemoveOrReport(_source, Snapshot);
                ForgetSeries();
            }

            /// <summary>
            /// Post-copy's source lets go of the frozen tasks only once nothing of the container runs on the destination: a
            /// lazy dump that still waits for or serves a client is told to end (CRIU lifts its network lock and leaves them
            /// frozen); until it has, a thaw would not let them run.
            /// </summary>
            private void EndLazyDump()
            {
                var ct = CancellationToken.None;
                StopPageTraffic();
                RemoveRestoredCopy(ct);
                try
                {
                    _source.EndLazyCheckpoint(_name, _imageDir, ct);
                    _dumpMayListen = false;
                }
                catch (Commands.CommandFailedException ex) { _observer.Message(ex.Message); }
                catch (Exception ex)
                {
                    // The script ran to its end, which kills a dump that would not end when asked.
                    _dumpMayListen = false;
                    _observer.Message(ex.Message);
                }
            }

            private MigrationException Fail(MigrationStatus status, string? runningOn, MigrationPhase phase, Exception cause, Exception? rollbackError, string message)
            {
                _result.Status = status;
                _result.RunningOn = runningOn;
                _result.Error = cause is OperationCanceledException ? "Cancelled." : cause.Message;
                _result.RollbackError = rollbackError?.Message;
                _result.Duration = _total.Elapsed;
                return new MigrationException(message, _result, phase, cause, rollbackError);
            }

            private void Phase(MigrationPhase phase, string description, Action action) => Phase(phase, description, action, _ct);

            private void Phase(MigrationPhase phase, string description, Action action, CancellationToken ct)
            {
                ct.ThrowIfCancellationRequested();
                _observer.PhaseStarted(phase, description);
                Record(j => j.PhaseStarted(_result.MigrationId, phase, Paths));
                _record.Begin(phase, DateTime.UtcNow);
                var clock = Stopwatch.StartNew();
                try
                {
                    action();
                    Record(j => j.PhaseCompleted(_result.MigrationId, phase, Paths));
                }
                finally
                {
                    _result.AddPhase(phase, clock.Elapsed);
                    _observer.PhaseCompleted(phase, clock.Elapsed);
                }
            }

            private HookContext Context(HookPoint point, MigrationPhase phase, string? error) =>
                new HookContext(_result.MigrationId, _name, _source.Name, _destination.Name, point, phase,
                    new System.Collections.Generic.Dictionary<MigrationPhase, TimeSpan>(_result.Phases.ToDictionary(p => p.Key, p => p.Value)), _total.Elapsed, error);

            /// <summary>A hook before a step: throwing stops the migration there (an abort before the freeze, a rollback after).</summary>
            private void PreHook(HookPoint point, MigrationPhase phase)
            {
                if (Options.Hooks?.Has(point) != true) return;
                _observer.Message($"Running the {point} hook.");
                try { Options.Hooks.Invoke(point, Context(point, phase, null)); }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    _result._hookFailures.Add(new HookFailure(point, ex.Message));
                    throw new HookFailedException(point, ex);
                }
            }

            /// <summary>A hook after a step: its failure is reported, and rolls back only when the options say so.</summary>
            private void PostHook(HookPoint point, MigrationPhase phase)
            {
                if (Options.Hooks?.Has(point) != true) return;
                _observer.Message($"Running the {point} hook.");
                try { Options.Hooks.Invoke(point, Context(point, phase, null)); }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    _result._hookFailures.Add(new HookFailure(point, ex.Message));
                    if (Options.RollbackOnHookFailure) throw new HookFailedException(point, ex);
                    _observer.Message($"The {point} hook failed ({ex.Message}); going on, as RollbackOnHookFailure is not set.");
                }
            }

            /// <summary>OnFailure and OnRollback: the outcome is decided, so a hook's failure is only reported.</summary>
            private void SafeHook(HookPoint point, MigrationPhase phase, string error)
            {
                if (Options.Hooks?.Has(point) != true) return;
                try { Options.Hooks.Invoke(point, Context(point, phase, error)); }
                catch (Exception ex)
                {
                    _result._hookFailures.Add(new HookFailure(point, ex.Message));
                    _observer.Message($"The {point} hook failed: {ex.Message}");
                }
            }

            private void ReportFailure(MigrationPhase phase, Exception cause) =>
                SafeHook(HookPoint.OnFailure, phase, cause is OperationCanceledException ? "Cancelled." : cause.Message);

            /// <summary>The journal is an aid for a controller that dies: failing to write it never fails the migration.</summary>
            private void Record(Action<IMigrationJournal> write)
            {
                if (Options.Journal == null) return;
                try { write(Options.Journal); }
                catch (Exception ex) { _observer.Message($"Could not write the migration journal: {ex.Message}"); }
            }

            private void Unlock()
            {
                Unlock(_source, ref _lockDir);
                Unlock(_destination, ref _destinationLockDir);
            }

            private void Unlock(IContainerHost host, ref string lockDir)
            {
                if (lockDir.Length == 0) return;
                try { host.Unlock(lockDir, CancellationToken.None); }
                catch (Exception ex) { _observer.Message($"Could not remove the lock {lockDir} on {host.Name}: {ex.Message}"); }
                lockDir = "";
            }

            private void KillOrReport(IContainerHost host, string imageDir)
            {
                try { host.StopPageDaemons(imageDir, CancellationToken.None); }
                catch (Exception ex) { _observer.Message($"Could not stop the page daemons of {imageDir} on {host.Name}: {ex.Message}"); }
            }

            private void RemoveOrReport(IContainerHost host, string path)
            {
                if (string.IsNullOrEmpty(path)) return;
                try { host.RemoveTree(path, CancellationToken.None); }
                catch (Exception ex) { _observer.Message($"Could not remove {path} on {host.Name}: {ex.Message}"); }
            }
        }
    }
}
