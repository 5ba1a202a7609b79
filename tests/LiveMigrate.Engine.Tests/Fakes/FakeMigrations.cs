using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Migration;
using LiveMigrate.Plans;
using LiveMigrate.Plans.Execution;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>
    /// Stands in for the migrate and roll-back delegates of a WaveScheduler: records what ran, in what order
    /// and how many at once, and fails the containers it is told to.
    /// </summary>
    internal sealed class FakeMigrations
    {
        private readonly object _gate = new object();
        private int _running;

        public HashSet<string> Failing { get; } = new HashSet<string>();
        public HashSet<string> FailingRollbacks { get; } = new HashSet<string>();
        public TimeSpan Duration { get; set; } = TimeSpan.FromMilliseconds(20);
        /// <summary>Replaces the fake's own work: called on the worker with the migration and the token.</summary>
        public Action<PlannedMigration, CancellationToken>? Body { get; set; }

        public int MaxConcurrent { get; private set; }
        /// <summary>"start x", "end x", "rollback x" in the order they happened.</summary>
        public ConcurrentQueue<string> Events { get; } = new ConcurrentQueue<string>();
        public ConcurrentBag<int> WorkerThreads { get; } = new ConcurrentBag<int>();

        public MigrationResult Migrate(PlannedMigration migration, CancellationToken token)
        {
            WorkerThreads.Add(Environment.CurrentManagedThreadId);
            lock (_gate) MaxConcurrent = Math.Max(MaxConcurrent, ++_running);
            Events.Enqueue("start " + migration.Container);
            try
            {
                if (Body != null) Body(migration, token);
                else Thread.Sleep(Duration);
                if (Failing.Contains(migration.Container)) throw new InvalidOperationException("fake failure of " + migration.Container);
                return new MigrationResult("id-" + migration.Name, migration.Container, migration.Source.Name, migration.Destination.Name);
            }
            finally
            {
                lock (_gate) _running--;
                Events.Enqueue("end " + migration.Container);
            }
        }

        public MigrationResult RollBack(PlannedMigrationOutcome outcome, CancellationToken token)
        {
            Events.Enqueue("rollback " + outcome.Migration.Container);
            if (FailingRollbacks.Contains(outcome.Migration.Container)) throw new InvalidOperationException("fake rollback failure");
            return new MigrationResult("back-" + outcome.Name, outcome.Migration.Container, outcome.Migration.Destination.Name, outcome.Migration.Source.Name);
        }
    }

    /// <summary>Records the scheduler's observer calls and the thread each came on.</summary>
    internal sealed class RecordingPlanObserver : IPlanRunObserver
    {
        public List<string> Calls { get; } = new List<string>();
        public HashSet<int> Threads { get; } = new HashSet<int>();
        public Action<PlannedMigrationOutcome>? OnCompleted { get; set; }

        public void WaveStarted(PlanWave wave) => Record("wave " + wave.Name);
        public void MigrationStarted(PlannedMigration migration) => Record("started " + migration.Container);
        public void RollbackStarted(PlannedMigrationOutcome outcome) => Record("rolling back " + outcome.Migration.Container);
        public void WaveCompleted(WaveOutcome wave) => Record($"wave {wave.Name} {wave.Status}");

        public void MigrationCompleted(PlannedMigrationOutcome outcome)
        {
            Record($"completed {outcome.Migration.Container} {outcome.Status}");
            OnCompleted?.Invoke(outcome);
        }

        private void Record(string call)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            Calls.Add(call);
        }
    }
}
