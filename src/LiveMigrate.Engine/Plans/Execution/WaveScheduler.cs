using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using LiveMigrate.Migration;
using LiveMigrate.Threading;

namespace LiveMigrate.Plans.Execution
{
    /// <summary>
    /// Runs a plan's waves in order. Inside a wave, at most <see cref="PlanWave.Throttle"/> migrations run at once,
    /// each on a worker thread of its own through the migrate delegate; the wave's <see cref="FailurePolicy"/>
    /// decides what happens after a failure. The thread that calls <see cref="Run"/> meanwhile executes what the
    /// workers hand to the <see cref="CallerThreadDispatcher"/>, and receives every observer call.
    /// </summary>
    public sealed class WaveScheduler
    {
        private readonly Func<PlannedMigration, CancellationToken, MigrationResult> _migrate;
        private readonly Func<PlannedMigrationOutcome, CancellationToken, MigrationResult> _rollBack;
        private readonly CallerThreadDispatcher _dispatcher;
        private readonly IPlanRunObserver _observer;
        private ExceptionDispatchInfo? _observerFault;

        /// <param name="migrate">Moves one container; returns its result or throws (MigrationException carries the result). Runs on a worker thread.</param>
        /// <param name="rollBack">Moves a succeeded migration back to its source. Runs on a worker thread.</param>
        /// <param name="dispatcher">Created on the thread that will call <see cref="Run"/>.</param>
        public WaveScheduler(Func<PlannedMigration, CancellationToken, MigrationResult> migrate,
            Func<PlannedMigrationOutcome, CancellationToken, MigrationResult> rollBack,
            CallerThreadDispatcher dispatcher, IPlanRunObserver observer)
        {
            _migrate = migrate;
            _rollBack = rollBack;
            _dispatcher = dispatcher;
            _observer = observer;
        }

        /// <summary>
        /// Runs the waves and returns every migration's outcome. Cancelling starts nothing more (no migration, no
        /// rollback) and hands the token to what runs; a cancelled migration is not a failure. When an observer
        /// call throws (a stopped pipeline), nothing more starts and Run throws it once the workers have finished.
        /// </summary>
        public PlanRunResult Run(IReadOnlyList<PlanWave> waves, CancellationToken cancellationToken)
        {
            if (!_dispatcher.IsCallerThread) throw new InvalidOperationException("Run must be called on the thread that created the dispatcher.");
            _observerFault = null;
            var outcomes = new List<WaveOutcome>();
            var stopped = false;
            foreach (var wave in waves)
            {
                WaveOutcome outcome;
                if (stopped || cancellationToken.IsCancellationRequested)
                {
                    var status = stopped ? PlannedMigrationStatus.Skipped : PlannedMigrationStatus.Cancelled;
                    outcome = new WaveOutcome(wave, wave.Migrations.Select(m => new PlannedMigrationOutcome(m, status)).ToList(), rolledBack: false);
                }
                else
                {
                    _observer.WaveStarted(wave);
                    outcome = RunWave(wave, cancellationToken);
                }
                outcomes.Add(outcome);
                _observer.WaveCompleted(outcome);
                stopped |= outcome.Status == WaveStatus.RolledBack || (outcome.Status == WaveStatus.Failed && wave.FailurePolicy != FailurePolicy.Continue);
            }
            return new PlanRunResult(outcomes);
        }

        private WaveOutcome RunWave(PlanWave wave, CancellationToken cancellationToken)
        {
            var outcomes = new PlannedMigrationOutcome[wave.Migrations.Count];
            var succeeded = new ConcurrentStack<PlannedMigrationOutcome>();
            var next = -1;
            var failed = 0;

            void Work()
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < outcomes.Length)
                {
                    var migration = wave.Migrations[i];
                    if (cancellationToken.IsCancellationRequested) outcomes[i] = new PlannedMigrationOutcome(migration, PlannedMigrationStatus.Cancelled);
                    else if (Faulted || (Volatile.Read(ref failed) != 0 && wave.FailurePolicy != FailurePolicy.Continue)) outcomes[i] = new PlannedMigrationOutcome(migration, PlannedMigrationStatus.Skipped);
                    else
                    {
                        Notify(() => _observer.MigrationStarted(migration));
                        var outcome = outcomes[i] = Migrate(migration, cancellationToken);
                        if (outcome.Status == PlannedMigrationStatus.Failed) Volatile.Write(ref failed, 1);
                        if (outcome.Status == PlannedMigrationStatus.Succeeded) succeeded.Push(outcome);
                        Notify(() => _observer.MigrationCompleted(outcome));
                    }
                }
            }

            RunOnWorkers(Enumerable.Range(0, Math.Min(wave.Throttle, outcomes.Length)).Select(_ => (Action)Work));
            _observerFault?.Throw();
            var rollBack = wave.FailurePolicy == FailurePolicy.Rollback && failed != 0;
            if (rollBack && !cancellationToken.IsCancellationRequested)
            {
                // Newest success first: the reverse of the order in which they completed.
                RunOnWorkers(new Action[] { () => { foreach (var outcome in succeeded) RollBack(outcome, cancellationToken); } });
            }
            return new WaveOutcome(wave, outcomes, rollBack);
        }

        private PlannedMigrationOutcome Migrate(PlannedMigration migration, CancellationToken cancellationToken)
        {
            try
            {
                return new PlannedMigrationOutcome(migration, PlannedMigrationStatus.Succeeded, _migrate(migration, cancellationToken));
            }
            catch (Exception ex)
            {
                var status = cancellationToken.IsCancellationRequested ? PlannedMigrationStatus.Cancelled : PlannedMigrationStatus.Failed;
                return new PlannedMigrationOutcome(migration, status, (ex as MigrationException)?.Result, ex);
            }
        }

        private void RollBack(PlannedMigrationOutcome outcome, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested) return;
            Notify(() => _observer.RollbackStarted(outcome));
            try
            {
                outcome.RollbackResult = _rollBack(outcome, cancellationToken);
                outcome.Status = PlannedMigrationStatus.RolledBack;
            }
            catch (Exception ex)
            {
                outcome.RollbackError = ex;
                outcome.Status = PlannedMigrationStatus.RollbackFailed;
            }
        }

        private bool Faulted => _dispatcher.IsFaulted || Volatile.Read(ref _observerFault) != null;

        // From a worker: waits until the caller thread has made the call, so that a failure stops the next start.
        private void Notify(Action call)
        {
            try { _dispatcher.Invoke(call); }
            catch (Exception ex) { Interlocked.CompareExchange(ref _observerFault, ExceptionDispatchInfo.Capture(ex), null); }
        }

        // Dedicated threads (migrations block for minutes); the caller thread pumps the dispatcher until they end.
        private void RunOnWorkers(IEnumerable<Action> workers)
        {
            var all = Task.WhenAll(workers.Select(w => Task.Factory.StartNew(w, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray());
            _dispatcher.RunUntil(all);
            all.GetAwaiter().GetResult();
        }
    }
}
