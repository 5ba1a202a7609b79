using System;
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
    /// ends running exactly once; the source's lock is released, and nothing of the migration is left.
    /// </summary>
    public sealed class MigrationResumer
    {
        private readonly IJournalStore _store;
        private readonly TimeSpan _settleTime;
        private readonly Transfer.ITreeTransport? _transport;

        /// <param name="settleTime">How long a copy found running on the destination must keep running before the source is cleaned up.</param>
        /// <param name="transport">Closes what the migration's direct link left (a stream still running host to host); null if it had none.</param>
        public MigrationResumer(IJournalStore store, TimeSpan settleTime, Transfer.ITreeTransport? transport = null)
        {
            _store = store;
            _settleTime = settleTime;
            _transport = transport;
        }

        /// <summary>Throws unless <paramref name="record"/> is a migration to resume: unfinished, and its controller gone.</summary>
        public static void Check(MigrationJournalRecord record)
        {
            if (record.IsFinished)
                throw new InvalidOperationException($"Migration {record.Id} of {record.Container} ended already ({record.Status}); there is nothing to resume.");
            if (record.IsControllerRunning())
                throw new InvalidOperationException($"Migration {record.Id} of {record.Container} is still running, in process {record.ControllerProcessId} on this machine: wait for it, or stop it (Ctrl+C rolls it back).");
            ContainerName.Validate(record.Container);
        }

        public ResumeResult Resume(MigrationJournalRecord record, IContainerHost source, IContainerHost destination, Action<string> say, CancellationToken ct)
        {
            Check(record);
            try
            {
                // First: a stream the dead controller started host to host may still be writing to the destination.
                _transport?.CloseLeftover(source, destination, record.Id, say);
                var run = new Run(record, source, destination, say, _settleTime, ct);
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
            }

            public ResumeResult Execute()
            {
                Lock();
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
                if (IsRunning(onSource))
                {
                    _say($"{_name} still runs on {_source.Name}: removing what the migration left.");
                    RemoveDestinationCopy();
                    return ResumeAction.CleanedUp;
                }
                // Whatever runs on the destination now is incomplete: it goes before the source copy runs.
                RemoveDestinationCopy();
                if (onSource?.Status == ContainerStatus.Paused)
                {
                    // A checkpoint cut short leaves the tasks frozen and whole, and the images possibly torn.
                    _say($"{_name} is frozen on {_source.Name}: thawing it.");
                    // runc and CRIU are never interrupted half-way (see MigrationEngine): cancellation waits for the next step.
                    _source.Resume(_name, CancellationToken.None);
                    RequireRunningOnSource("thawed");
                    return ResumeAction.Thawed;
                }
                if (_record.Mode == MigrationMode.PostCopy)
                    throw new InvalidOperationException($"'{_name}' runs nowhere, and post-copy's images on {_source.Name} hold no memory: it was only in the frozen copy there, which is {Describe(onSource)}. " +
                        $"The lock {_record.LockDir} stays on {_source.Name}; look for the container by hand.");
                // In pre-copy the complete images are the final dump, on top of the rounds beside it.
                var images = _record.ImageDir.Length == 0 ? "" : PreCopy.PreCopySeries.CheckpointDir(_record.ImageDir, _record.Mode);
                if (images.Length == 0 || !_source.Exists(HostPath.Combine(images, "inventory.img"), _ct))
                    throw new InvalidOperationException($"'{_name}' runs nowhere, and {_source.Name} has no complete checkpoint at {Describe(images)} to restore it from. " +
                        $"The lock {_record.LockDir} stays on {_source.Name}; look for the container's images and bundle by hand.");
                _say($"{_name} runs nowhere: restoring it on {_source.Name} from {images}.");
                if (onSource != null) _source.Delete(_name, force: true, _ct);
                _source.Restore(_name, _record.Bundle, images, CancellationToken.None);
                RequireRunningOnSource("restored");
                return ResumeAction.RestoredOnSource;
            }

            private void RemoveDestinationCopy()
            {
                if (_destination.State(_name, _ct) == null) return;
                _say($"Removing the incomplete copy of {_name} from {_destination.Name}.");
                _destination.Delete(_name, force: true, _ct);
            }

            private void RequireRunningOnSource(string how)
            {
                var state = _source.State(_name, _ct);
                if (!IsRunning(state))
                    throw new InvalidOperationException($"'{_name}' was {how} on {_source.Name}, but it is {Describe(state)}.");
            }

            /// <summary>After a success: the stopped entry, the images and the bundle go from the source.</summary>
            private void CleanUpSource(ContainerInfo? onSource)
            {
                // Frozen since the checkpoint (or stopped): killed while frozen, it never runs again.
                if (onSource != null) Try($"remove the frozen '{_name}' on {_source.Name}", () => _source.Delete(_name, force: true, CancellationToken.None));
                RemoveOrReport(_source, _record.ImageDir);
                if (HostPath.IsRemovable(_record.Bundle)) RemoveOrReport(_source, _record.Bundle);
                else if (_record.Bundle.Length > 0) _say($"Left the bundle {_record.Bundle} on {_source.Name}: it is too close to / to remove automatically.");
            }

            /// <summary>After going back to the source: images on both hosts, and the bundle copy if the transfer had begun.</summary>
            private void CleanUpAttempt()
            {
                RemoveOrReport(_source, _record.ImageDir);
                RemoveOrReport(_destination, _record.ImageDir);
                // Prepare made sure the destination had nothing at the bundle's path: only a transfer put it there.
                if (_record.Reached(MigrationPhase.Transfer)) RemoveOrReport(_destination, _record.Bundle);
            }

            private void StopPageDaemons()
            {
                if (!_record.Reached(MigrationPhase.Restore)) return;
                if (_destination.State(_name, _ct)?.Status == ContainerStatus.Paused)
                    _say($"The copy on {_destination.Name} is frozen: its page guard froze it when its memory stopped arriving before all of it was there (see {PageGuard.LogFile} in the images folder there). It is removed, never thawed.");
                if (_record.Mode != MigrationMode.PostCopy)
                {
                    // A lazy restore from the destination's own images (-LazyRestore) may still be filling a copy that goes.
                    if (_record.ImageDir.Length > 0)
                        Try($"stop the lazy-pages daemon on {_destination.Name}", () => _destination.StopPageDaemons(PreCopy.PreCopySeries.CheckpointDir(_record.ImageDir, _record.Mode), CancellationToken.None));
                    return;
                }
                if (_record.ImageDir.Length == 0) return;
                // Their tunnel went with the controller; left alone they would wait for it until their timeout.
                Try($"stop the lazy-pages daemon on {_destination.Name}", () => _destination.StopPageDaemons(_record.ImageDir, CancellationToken.None));
                // A copy whose pages did not all arrive goes before the source's tasks are let go (see MigrationEngine).
                if (!_pagesArrived) RemoveDestinationCopy();
                Try($"end the lazy dump on {_source.Name}", () => _source.EndLazyCheckpoint(_name, _record.ImageDir, CancellationToken.None));
                foreach (var host in new[] { _source, _destination })
                    Try($"remove the page port's guard on {host.Name}", () => host.UnguardPorts(_record.Id, CancellationToken.None));
            }

            private void Lock()
            {
                if (_record.LockDir.Length == 0) return;
                var holder = $"resume of migration {_record.Id} of {_name}, by {Environment.UserName}@{Environment.MachineName} " +
                             $"(process {System.Diagnostics.Process.GetCurrentProcess().Id}), since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC";
                if (_source.TryLock(_record.LockDir, holder, out var current, _ct)) return;
                // The dead migration's own lock (or a dead resume's) is this resume's to take over.
                if (current.IndexOf($"migration {_record.Id} ", StringComparison.Ordinal) >= 0) return;
                throw new InvalidOperationException($"'{_name}' on {_source.Name} is being migrated by someone else: {current}. Nothing was changed; resume {_record.Id} once that migration has ended.");
            }

            private void Unlock()
            {
                if (_record.LockDir.Length > 0) Try($"remove the lock {_record.LockDir} on {_source.Name}", () => _source.Unlock(_record.LockDir, CancellationToken.None));
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

            private static string Describe(string path) => path.Length > 0 ? path : "(no image directory recorded)";
        }
    }
}
