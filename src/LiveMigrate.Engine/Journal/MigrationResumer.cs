using System;
using System.Linq;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Migration;
using LiveMigrate.Runc;

namespace LiveMigrate.Journal
{
    /// <summary>
    /// Ends a migration whose controller died, from its journal record and from what the two hosts report now:
    /// finishes it when the destination runs a whole restored copy, otherwise puts the container back on the
    /// source (it runs there already, is thawed, or is restored from the source's own images). The container
    /// ends running exactly once; the locks are released, and nothing of the migration is left but a bundle on shared storage.
    /// </summary>
    public sealed class MigrationResumer
    {
        private readonly IJournalStore _store;
        private readonly MigrationOptions _options;
        private readonly Transfer.ITreeTransport? _transport;

        /// <param name="options">
        /// The image and lock roots every path of a record must lie in, and the settle time: how long a copy found running on
        /// the destination must keep running before the source is cleaned up.
        /// </param>
        /// <param name="transport">Closes what the migration's direct link left (a stream still running host to host); null if it had none.</param>
        public MigrationResumer(IJournalStore store, MigrationOptions options, Transfer.ITreeTransport? transport = null)
        {
            _store = store;
            _options = options;
            _transport = transport;
        }

        /// <summary>
        /// Throws unless <paramref name="record"/> is a migration to resume: unfinished, its controller gone, and its paths
        /// where a migration puts them (a record is a file: one that was changed must not steer an rm -rf as root on the hosts).
        /// </summary>
        public static void Check(MigrationJournalRecord record, MigrationOptions options)
        {
            if (record.IsFinished)
                throw new InvalidOperationException($"Migration {record.Id} of {record.Container} ended already ({record.Status}); there is nothing to resume.");
            if (record.IsControllerRunning())
                throw new InvalidOperationException($"Migration {record.Id} of {record.Container} is still running, in process {record.ControllerProcessId} on this machine: wait for it, or stop it (Ctrl+C rolls it back).");
            ContainerName.Validate(record.Container);
            JournalPaths.Validate(record, options);
        }

        public ResumeResult Resume(MigrationJournalRecord record, IContainerHost source, IContainerHost destination, Action<string> say, CancellationToken ct)
        {
            Check(record, _options);
            // One resume of a record at a time: a second one would undo or repeat the first one's steps.
            using var claim = _store.Claim(record.Id);
            if (_store.Load(record.Id)?.Status is MigrationStatus ended)
                throw new InvalidOperationException($"Migration {record.Id} of {record.Container} ended already ({ended}), by another resume; there is nothing to resume.");
            try
            {
                // First: a stream the dead controller started host to host may still be writing to the destination.
                _transport?.CloseLeftover(source, destination, record.Id, say);
                var run = new Run(record, source, destination, say, _options.SettleTime, ct);
                var result = run.Execute();
                record.ResumeError = null;
                _store.Save(record);
                return result;
            }
            catch (Exception ex)
            {
                record.ResumeError = ex.Message;
                _store.Save(record);
                throw;
            }
        }

        private sealed class Run
        {
            private readonly MigrationJournalRecord _record;
            private readonly IContainerHost _source;
            private readonly IContainerHost _destination;
            private readonly Action<string> _say;
            private readonly TimeSpan _settleTime;
            private readonly CancellationToken _ct;
            private readonly string _name;
            private bool _pagesArrived;

            public Run(MigrationJournalRecord record, IContainerHost source, IContainerHost destination, Action<string> say, TimeSpan settleTime, CancellationToken ct)
            {
                _record = record;
                _source = source;
                _destination = destination;
                _say = say;
                _settleTime = settleTime;
                _ct = ct;
                _name = record.Container;
                // Read again as the engine reads a host's answer: a record is a file, and this one steers ip on the hosts.
                _network = record.NetworkNamespace != null && record.Network != null && HostPath.IsSafeAbsolute(record.NetworkNamespace)
                    ? Network.ContainerNetwork.Parse(record.NetworkNamespace, record.Network) : null;
                _wayBack = new WayBack(record, source, destination, _network, say);
            }

            private readonly Network.ContainerNetwork? _network;
            private readonly WayBack _wayBack;

            public ResumeResult Execute()
            {
                Lock();
                RequireOwnCopies();
                _pagesArrived = PagesArrived();
                StopPageDaemons();
                var onSource = _source.State(_name, _ct);
                var onDestination = _destination.State(_name, _ct);
                var found = $"On {_source.Name}: {Describe(onSource)}; on {_destination.Name}: {Describe(onDestination)}; " +
                            $"the journal's last phase: {LastPhase()}.";
                _say(found);
                if (IsRunning(onSource) && IsRunning(onDestination))
                    throw new InvalidOperationException($"'{_name}' runs on both {_source.Name} and {_destination.Name}; nothing was changed. Decide which copy to keep and remove the other with runc delete --force.");
                if (IsRunning(onDestination) && !_record.Reached(MigrationPhase.Restore))
                    throw new InvalidOperationException($"'{_name}' runs on {_destination.Name}, but migration {_record.Id} never restored it there; nothing was changed. Check who started it.");

                ResumeAction action;
                if (DestinationCopyIsWhole(onDestination) && StillRunsOnDestination())
                {
                    action = ResumeAction.Finished;
                    _say($"{_name} runs on {_destination.Name}, restored whole: finishing the migration.");
                    // A controller that died between the restore and the announcement left the namespace off the LAN.
                    if (_network != null) _destination.Network?.Announce(_network, _ct);
                    CleanUpSource(onSource);
                    RemoveOrReport(_destination, _record.ImageDir);
                    End(MigrationStatus.Succeeded, _destination.Name, $"Finished: {_name} runs on {_destination.Name}; the source was cleaned up.");
                }
                else
                {
                    action = BackToSource(onSource);
                    CleanUpAttempt();
                    var status = _record.Reached(MigrationPhase.Checkpoint) ? MigrationStatus.RolledBack : MigrationStatus.Aborted;
                    End(status, _source.Name, $"{action}: {_name} runs on {_source.Name}; what the migration left was removed.");
                }
                Unlock();
                return new ResumeResult(_record, found, action);
            }

            /// <summary>
            /// A copy on the destination counts only if its restore got that far (a running copy after Restore began),
            /// in post-copy only once every page arrived (the source's lazy dump lost its client with the controller's tunnel), and
            /// never once a rollback had been decided.
            /// </summary>
            private bool DestinationCopyIsWhole(ContainerInfo? onDestination) =>
                IsRunning(onDestination) &&
                _record.Reached(MigrationPhase.Restore) &&
                (_record.Mode != MigrationMode.PostCopy || _pagesArrived) &&
                // A lazy restore from the destination's own images is whole once its Pages phase ended.
                (!_record.Reached(MigrationPhase.Pages) || _pagesArrived) &&
                !_record.Reached(MigrationPhase.Rollback);

            /// <summary>
            /// Every page is in when the Pages phase ended, or, if the controller died before it could record that, when the
            /// page guard on the destination says its daemon ended having filled them all.
            /// </summary>
            private bool PagesArrived()
            {
                if (_record.Completed(MigrationPhase.Pages)) return true;
                if (!_record.Reached(MigrationPhase.Pages) || _record.Reached(MigrationPhase.Rollback) || _record.ImageDir.Length == 0) return false;
                var dir = PreCopy.PreCopySeries.CheckpointDir(_record.ImageDir, _record.Mode);
                if (_destination.PageGuardState(dir, _ct) != "done") return false;
                _say($"Every page reached {_destination.Name} after the controller died (its page guard says so).");
                return true;
            }

            private bool StillRunsOnDestination()
            {
                // A restored process can die at once: look again, as Verify does.
                if (_settleTime > TimeSpan.Zero) _ct.WaitHandle.WaitOne(_settleTime);
                if (IsRunning(_destination.State(_name, _ct))) return true;
                _say($"{_name} stopped on {_destination.Name} a moment later: rolling back to {_source.Name}.");
                return false;
            }

            private ResumeAction BackToSource(ContainerInfo? onSource)
            {
                if (IsRunning(onSource)) _say($"{_name} still runs on {_source.Name}: removing what the migration left.");
                return _wayBack.Run(onSource, RemoveDestinationCopy, checkImages: true, _ct);
            }

            /// <summary>
            /// Before anything changes: runc's bundle of the container on the source is the record's, and a container of the
            /// name on the destination is this migration's restored copy (a restore began, from this bundle).
            /// </summary>
            private void RequireOwnCopies()
            {
                // A controller that died in Prepare may not have recorded the bundle yet.
                if (_source.State(_name, _ct) is ContainerInfo onSource && _record.Bundle.Length > 0 && onSource.Bundle != _record.Bundle)
                    throw new InvalidOperationException($"runc on {_source.Name} reports bundle '{onSource.Bundle}' for '{_name}', but migration {_record.Id}'s record says '{_record.Bundle}'; " +
                        "nothing was changed. The record does not describe this container (changed, or of another one of that name): end the migration by hand.");
                if (_destination.State(_name, _ct) is ContainerInfo onDestination) RequireOwnCopy(onDestination);
            }

            private void RequireOwnCopy(ContainerInfo onDestination)
            {
                if (_record.Reached(MigrationPhase.Restore) && onDestination.Bundle == _record.Bundle) return;
                throw new InvalidOperationException($"'{_name}' on {_destination.Name} ({onDestination.Status}, bundle '{onDestination.Bundle}') is not a copy migration {_record.Id} restored; " +
                    "nothing was changed. Check who made it, and remove it there if it is a leftover.");
            }

            private void RemoveDestinationCopy()
            {
                if (!(_destination.State(_name, _ct) is ContainerInfo there)) return;
                RequireOwnCopy(there);
                _say($"Removing the incomplete copy of {_name} from {_destination.Name}.");
                _destination.Delete(_name, force: true, _ct);
            }

            /// <summary>After a success: the stopped entry, the images and the bundle go from the source.</summary>
            private void CleanUpSource(ContainerInfo? onSource)
            {
                // Frozen since the checkpoint (or stopped): killed while frozen, it never runs again.
                if (onSource != null) Try($"remove the frozen '{_name}' on {_source.Name}", () => _source.Delete(_name, force: true, CancellationToken.None));
                if (_network != null && _source.Network is Network.INetworkHost net)
                    Try($"remove the network namespace {_network.NamespacePath} on {_source.Name}", () => net.Remove(_network, CancellationToken.None));
                RemoveOrReport(_source, _record.ImageDir);
                RemoveOrReport(_source, MigrationPaths.SnapshotOf(_record.ImageDir));
                RemoveBundleCopy(_source, _destination);
            }

            /// <summary>After going back to the source: images on both hosts, and the bundle copy if one was made.</summary>
            private void CleanUpAttempt()
            {
                RemoveOrReport(_source, _record.ImageDir);
                RemoveOrReport(_source, MigrationPaths.SnapshotOf(_record.ImageDir));
                RemoveOrReport(_destination, _record.ImageDir);
                // Prepare made sure the destination had nothing at the bundle's path before the journal learnt it: only a
                // transfer put it there, or Delta's copy ahead (the bundle is recorded just before it starts).
                if (_record.Reached(MigrationPhase.Transfer) || _record.BundleSync == BundleSync.Delta)
                    RemoveBundleCopy(_destination, _source);
            }

            /// <summary>
            /// Removes the bundle from <paramref name="host"/> if it is a copy: never on shared storage (-BundleSync None, or a
            /// record that does not say), never the directory the container runs from on <paramref name="other"/>.
            /// </summary>
            private void RemoveBundleCopy(IContainerHost host, IContainerHost other)
            {
                var bundle = _record.Bundle;
                if (bundle.Length == 0) return;
                if (_record.BundleSync == null)
                    _say($"Kept the bundle {bundle} on {host.Name}: migration {_record.Id}'s record predates the journal's BundleSync field, so it may be on storage both hosts share. Remove it there by hand if it is a copy.");
                else if (_record.BundleSync == BundleSync.None)
                    _say($"Kept the bundle {bundle} on {host.Name}: it is on shared storage (-BundleSync None).");
                else if (!HostPath.IsRemovable(bundle))
                    _say($"Left the bundle {bundle} on {host.Name}: it is too close to / to remove automatically.");
                else if (SameDirectory.MayBe(other, host, bundle, _say, CancellationToken.None))
                    _say($"Kept the bundle {bundle} on {host.Name}: it is (or may be) the same directory as on {other.Name}.");
                else RemoveOrReport(host, bundle);
            }

            private void StopPageDaemons()
            {
                if (_record.Mode == MigrationMode.Stop) StopPageServer();
                if (!_record.Reached(MigrationPhase.Restore)) return;
                if (_destination.State(_name, _ct)?.Status == ContainerStatus.Paused)
                    _say($"The copy on {_destination.Name} is frozen: its page guard froze it when its memory stopped arriving before all of it was there (see {PageGuard.LogFile} in the images folder there). It is removed, never thawed.");
                if (_record.Mode != MigrationMode.PostCopy)
                {
                    // A lazy restore from the destination's own images (-LazyRestore) may still be filling a copy that goes
                    // (Stop's went with its page server).
                    if (_record.Mode == MigrationMode.PreCopy && _record.ImageDir.Length > 0)
                        Try($"stop the lazy-pages daemon on {_destination.Name}", () => _destination.StopPageDaemons(PreCopy.PreCopySeries.CheckpointDir(_record.ImageDir, _record.Mode), CancellationToken.None));
                    return;
                }
                if (_record.ImageDir.Length == 0) return;
                // Their tunnel went with the controller; left alone they would wait for it until their timeout.
                Try($"stop the lazy-pages daemon on {_destination.Name}", () => _destination.StopPageDaemons(_record.ImageDir, CancellationToken.None));
                // A copy whose pages did not all arrive goes before the source's tasks are let go (see MigrationEngine).
                _wayBack.EndLazyDump(() => { if (!_pagesArrived) RemoveDestinationCopy(); });
                foreach (var host in new[] { _source, _destination })
                    Try($"remove the page port's guard on {host.Name}", () => host.UnguardPorts(_record.Id, CancellationToken.None));
            }

            /// <summary>
            /// Stop over the direct route: a page server the dead controller started may still wait on the destination for
            /// a dump that never comes (until its timeout), its port and the link's end guarded. Nothing to do where there was none.
            /// </summary>
            private void StopPageServer()
            {
                if (_record.ImageDir.Length == 0) return;
                Try($"stop the page server on {_destination.Name}", () => _destination.StopPageDaemons(_record.ImageDir, CancellationToken.None));
                foreach (var host in new[] { _source, _destination })
                    Try($"remove the page port's guard on {host.Name}", () => host.UnguardPorts(_record.Id, CancellationToken.None));
            }

            /// <summary>The source's lock, then the destination's (a record written before it was taken has none).</summary>
            private void Lock()
            {
                Lock(_source, _record.LockDir);
                Lock(_destination, _record.DestinationLockDir);
            }

            private void Lock(IContainerHost host, string lockDir)
            {
                if (lockDir.Length == 0) return;
                var holder = $"resume of migration {_record.Id} of {_name}, by {Environment.UserName}@{Environment.MachineName} " +
                             $"(process {System.Diagnostics.Process.GetCurrentProcess().Id}), since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC";
                if (host.TryLock(lockDir, holder, out var current, _ct)) return;
                // The dead migration's own lock (or a dead resume's) is this resume's to take over.
                if (current.IndexOf($"migration {_record.Id} ", StringComparison.Ordinal) >= 0) return;
                throw new InvalidOperationException($"'{_name}' on {host.Name} is being migrated by someone else: {current}. Nothing was changed; resume {_record.Id} once that migration has ended.");
            }

            private void Unlock()
            {
                foreach (var (host, lockDir) in new[] { (_source, _record.LockDir), (_destination, _record.DestinationLockDir) })
                    if (lockDir.Length > 0) Try($"remove the lock {lockDir} on {host.Name}", () => host.Unlock(lockDir, CancellationToken.None));
            }

            private void End(MigrationStatus status, string runningOn, string resolution)
            {
                _record.Status = status;
                _record.RunningOn = runningOn;
                _record.Resolution = resolution;
                _record.FinishedUtc = DateTime.UtcNow;
            }

            private void RemoveOrReport(IContainerHost host, string path)
            {
                if (path.Length > 0) Try($"remove {path} on {host.Name}", () => host.RemoveTree(path, CancellationToken.None));
            }

            /// <summary>Tidying up: a failure is reported, since the container already runs where it should.</summary>
            private void Try(string what, Action action)
            {
                try { action(); }
                catch (Exception ex) { _say($"Could not {what}: {ex.Message}"); }
            }

            private static bool IsRunning(ContainerInfo? state) => state?.Status == ContainerStatus.Running;

            private static string Describe(ContainerInfo? state) => state?.Status.ToString() ?? "no such container";

            private string LastPhase() =>
                _record.LastPhase is MigrationPhase last ? $"{last}, {(_record.Completed(last) ? "completed" : "not completed")}" : "none (it died before Prepare)";

        }
    }
}
