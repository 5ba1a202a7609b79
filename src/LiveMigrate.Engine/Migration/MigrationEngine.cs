using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using LiveMigrate.Hooks;
using LiveMigrate.Migration.Steps;
using LiveMigrate.PreCopy;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.Migration
{
    /// <summary>
    /// Moves a running container: prepare, checkpoint (the freeze), transfer, restore, verify, clean up, each a step with
    /// its undo. Any failure after the freeze rolls back to the source's own images, so the container ends running
    /// exactly once: on the destination, or on the source.
    /// </summary>
    public sealed class MigrationEngine
    {
        private static readonly MigrationStep Prepare = new PrepareStep(), PreDump = new PreDumpStep(), Checkpoint = new CheckpointStep(),
            Transfer = new TransferStep(), Restore = new RestoreStep(), Pages = new PagesStep(), Verify = new VerifyStep(), Cleanup = new CleanupStep();

        private readonly ITreeTransport _transport;
        private readonly MigrationOptions _options;

        public MigrationEngine(ITreeTransport transport, MigrationOptions options)
        {
            _transport = transport;
            _options = options;
        }

        /// <summary>Fault injection: called with each step's name once the step is journaled as begun, before it acts.</summary>
        internal Action<string>? AtStep { get; set; }

        public MigrationResult Move(string name, IContainerHost source, IContainerHost destination, IMigrationObserver? observer, CancellationToken ct) =>
            Move(ContainerName.Parse(name), source, destination, observer, ct);

        public MigrationResult Move(ContainerName name, IContainerHost source, IContainerHost destination, IMigrationObserver? observer, CancellationToken ct)
        {
            var c = new MigrationContext(name, source, destination, _options, _transport, observer ?? NullMigrationObserver.Instance, ct);
            return new Run(c, AtStep).Execute();
        }

        /// <summary>One migration: its steps in order, and after a failure the undo of each step begun, the last first.</summary>
        private sealed class Run
        {
            private readonly MigrationContext _c;
            private readonly StepHooks _hooks;
            private readonly Action<string>? _atStep;
            private readonly List<MigrationStep> _begun = new List<MigrationStep>();

            public Run(MigrationContext c, Action<string>? atStep)
            {
                _c = c;
                _hooks = new StepHooks(c);
                _atStep = atStep;
            }

            public MigrationResult Execute()
            {
                // Known before Prepare, so that a controller dying in Prepare leaves the lock's and images' paths behind.
                _c.Journal(j => j.Started(_c.Result.MigrationId, _c.Name, _c.Source.Name, _c.Destination.Name, _c.Options.Mode, _c.Sync,
                    new Journal.MigrationPaths("", _c.PlannedImageDir, _c.PlannedLockDir, _c.SameHost ? "" : _c.PlannedLockDir)));
                try
                {
                    var result = Migrate();
                    _c.Journal(j => j.Finished(result));
                    return result;
                }
                catch (MigrationException ex) when (ex.Result.Status == MigrationStatus.Failed)
                {
                    // The container may run nowhere: the lock stays until someone has looked (the message says where).
                    _c.Journal(j => j.Finished(ex.Result));
                    throw;
                }
                catch (MigrationException ex)
                {
                    Unlock();
                    _c.Journal(j => j.Finished(ex.Result));
                    throw;
                }
                finally
                {
                    _c.CloseLink();
                    PrepareStep.ReleasePagePorts(_c);
                }
            }

            private MigrationResult Migrate()
            {
                _c.Total.Start();
                var phase = MigrationPhase.Prepare;
                try
                {
                    Step(Prepare);
                    if (PreDump.Applies(_c)) Step(PreDump, ref phase);
                    // Nothing is frozen yet: a cancellation that arrived during Prepare is an abort, not a rollback.
                    _c.Ct.ThrowIfCancellationRequested();
                    _hooks.Before(HookPoint.PreCheckpoint, MigrationPhase.Checkpoint);
                }
                catch (Exception ex)
                {
                    throw Abort(phase, ex);
                }

                phase = MigrationPhase.Checkpoint;
                try
                {
                    _c.FreezeBegun = true;
                    _c.Frozen.Start();
                    Step(Checkpoint);
                    _hooks.After(HookPoint.PostCheckpoint, phase);
                    _c.DestinationTouched = true;
                    Step(Transfer, ref phase);
                    phase = MigrationPhase.Restore;
                    _hooks.Before(HookPoint.PreRestore, phase);
                    _c.RestoreAttempted = true;
                    Step(Restore);
                    _hooks.After(HookPoint.PostRestore, phase);
                    if (Pages.Applies(_c)) Step(Pages, ref phase);
                    Step(Verify, ref phase);
                }
                catch (Exception ex)
                {
                    _hooks.Failed(phase, ex);
                    throw RollBack(phase, ex);
                }

                _c.Result.Status = MigrationStatus.Succeeded;
                _c.Result.RunningOn = _c.Destination.Name;
                // Cleanup must not be cut short by Ctrl+C: the container already runs on the destination.
                Step(Cleanup, CancellationToken.None);
                Unlock();
                _c.Result.Duration = _c.Total.Elapsed;
                return _c.Result;
            }

            private MigrationException Abort(MigrationPhase phase, Exception ex)
            {
                _hooks.Failed(phase, ex);
                // First: a stream the controller gave up on may still run host to host, and must not write after the cleanup.
                _c.StopPageTraffic();
                _c.CloseLink();
                UndoBegun();
                var why = DirtyTracking.IsMissing(ex) ? DirtyTracking.Explain(_c.Source.Name, ex) : ex.Message;
                // Name the source as where it runs, unless Prepare found it missing or not running there.
                return Fail(MigrationStatus.Aborted, _c.SourceNotRunning ? null : _c.Source.Name, phase, ex, null,
                    _c.SourceNotRunning
                        ? $"Migration of {_c.Name} did not start: {why}"
                        : $"Migration of {_c.Name} stopped before the freeze; it still runs on {_c.Source.Name}: {why}");
            }

            private MigrationException RollBack(MigrationPhase failed, Exception cause)
            {
                var reason = cause is OperationCanceledException ? "it was cancelled" : cause.Message;
                _c.Say($"{failed} failed ({reason}); rolling back to {_c.Source.Name}.");
                _c.CloseLink();
                Exception? rollbackError = null;
                try
                {
                    Phase(MigrationPhase.Rollback, $"Rolling {_c.Name} back to {_c.Source.Name}", UndoBegun, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    rollbackError = ex;
                }
                if (rollbackError == null)
                {
                    _hooks.Safe(HookPoint.OnRollback, MigrationPhase.Rollback, reason);
                    return Fail(MigrationStatus.RolledBack, _c.Source.Name, failed, cause, null,
                        $"Migration of {_c.Name} to {_c.Destination.Name} failed in {failed}: {reason} It was rolled back and runs on {_c.Source.Name} again.");
                }
                return Fail(MigrationStatus.Failed, null, failed, cause, rollbackError,
                    $"Migration of {_c.Name} to {_c.Destination.Name} failed in {failed}: {reason} The rollback failed too: {rollbackError.Message} " +
                    $"Once sure it does not run on {_c.Destination.Name}, go back by hand on {_c.Source.Name}: runc resume {_c.Name} if it is paused there" +
                    (_c.PostCopy ? " (post-copy's images hold no memory: that frozen copy is the only one)."
                        : _c.DumpedToPageServer
                        ? $", else runc restore --detach --image-path {_c.CheckpointDir} --bundle {_c.Bundle} {_c.Name} once the pages in {_c.Destination.Name}'s copy of that folder are copied in (both are kept)."
                        : $", else runc restore --detach --image-path {_c.CheckpointDir} --bundle {_c.Bundle} {_c.Name} (those checkpoint images are kept)."));
            }

            /// <summary>The undo of every step begun, the last first; one that throws stops the rest (what is left is kept for a person).</summary>
            private void UndoBegun()
            {
                for (var i = _begun.Count - 1; i >= 0; i--) _begun[i].Undo(_c);
            }

            private MigrationException Fail(MigrationStatus status, string? runningOn, MigrationPhase phase, Exception cause, Exception? rollbackError, string message)
            {
                var result = _c.Result;
                result.Status = status;
                result.RunningOn = runningOn;
                result.Error = cause is OperationCanceledException ? "Cancelled." : cause.Message;
                result.RollbackError = rollbackError?.Message;
                result.Duration = _c.Total.Elapsed;
                return new MigrationException(message, result, phase, cause, rollbackError);
            }

            private void Step(MigrationStep step, ref MigrationPhase phase)
            {
                phase = step.Phase;
                Step(step);
            }

            private void Step(MigrationStep step) => Step(step, _c.Ct);

            private void Step(MigrationStep step, CancellationToken ct)
            {
                _begun.Add(step);
                Phase(step.Phase, step.Describe(_c), () =>
                {
                    _atStep?.Invoke(step.Name);
                    step.Forward(_c);
                }, ct);
            }

            private void Phase(MigrationPhase phase, string description, Action action, CancellationToken ct)
            {
                ct.ThrowIfCancellationRequested();
                _c.Observer.PhaseStarted(phase, description);
                _c.Journal(j => j.PhaseStarted(_c.Result.MigrationId, phase, _c.Paths));
                _c.Record.Begin(phase, DateTime.UtcNow);
                var clock = Stopwatch.StartNew();
                try
                {
                    action();
                    _c.Journal(j => j.PhaseCompleted(_c.Result.MigrationId, phase, _c.Paths));
                }
                finally
                {
                    _c.Result.AddPhase(phase, clock.Elapsed);
                    _c.Observer.PhaseCompleted(phase, clock.Elapsed);
                }
            }

            private void Unlock()
            {
                Unlock(_c.Source, ref _c.LockDir);
                Unlock(_c.Destination, ref _c.DestinationLockDir);
            }

            private void Unlock(IContainerHost host, ref string lockDir)
            {
                if (lockDir.Length == 0) return;
                try { host.Unlock(lockDir, CancellationToken.None); }
                catch (Exception ex) { _c.Say($"Could not remove the lock {lockDir} on {host.Name}: {ex.Message}"); }
                lockDir = "";
            }
        }
    }
}
