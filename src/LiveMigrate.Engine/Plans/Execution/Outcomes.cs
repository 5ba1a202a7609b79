using System;
using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;

namespace LiveMigrate.Plans.Execution
{
    public enum PlannedMigrationStatus
    {
        /// <summary>Moved, and not rolled back.</summary>
        Succeeded,
        /// <summary>The migration failed (<see cref="PlannedMigrationOutcome.Result"/> says where the container runs).</summary>
        Failed,
        /// <summary>Not started, or stopped through the cancellation token.</summary>
        Cancelled,
        /// <summary>Not started because of a failure policy.</summary>
        Skipped,
        /// <summary>Moved, then moved back because its wave failed under the rollback policy.</summary>
        RolledBack,
        /// <summary>Moved, and moving it back failed: <see cref="PlannedMigrationOutcome.RollbackError"/> says why.</summary>
        RollbackFailed,
    }

    public enum WaveStatus { Succeeded, Failed, RolledBack, Cancelled, Skipped }

    /// <summary>What became of one migration of a plan.</summary>
    public sealed class PlannedMigrationOutcome
    {
        internal PlannedMigrationOutcome(PlannedMigration migration, PlannedMigrationStatus status, MigrationResult? result = null, Exception? error = null)
        {
            Migration = migration;
            Status = status;
            Result = result;
            Error = error;
        }

        public PlannedMigration Migration { get; }
        public string Name => Migration.Name;
        public string Wave => Migration.Wave;
        public PlannedMigrationStatus Status { get; internal set; }
        /// <summary>The migration's result; for a failure, the one its MigrationException carried, if any.</summary>
        public MigrationResult? Result { get; }
        public Exception? Error { get; }
        public MigrationResult? RollbackResult { get; internal set; }
        public Exception? RollbackError { get; internal set; }

        public override string ToString() => $"{Wave}/{Name}: {Status}";
    }

    /// <summary>What became of one wave: its status and the outcome of each of its migrations, in plan order.</summary>
    public sealed class WaveOutcome
    {
        internal WaveOutcome(PlanWave wave, IReadOnlyList<PlannedMigrationOutcome> migrations, bool rolledBack)
        {
            Wave = wave;
            Migrations = migrations;
            Status = migrations.Any(m => m.Status == PlannedMigrationStatus.Failed) ? (rolledBack ? WaveStatus.RolledBack : WaveStatus.Failed)
                : migrations.Any(m => m.Status == PlannedMigrationStatus.Cancelled) ? WaveStatus.Cancelled
                : migrations.All(m => m.Status == PlannedMigrationStatus.Skipped) ? WaveStatus.Skipped
                : WaveStatus.Succeeded;
        }

        public PlanWave Wave { get; }
        public string Name => Wave.Name;
        public WaveStatus Status { get; }
        public IReadOnlyList<PlannedMigrationOutcome> Migrations { get; }
    }

    public sealed class PlanRunResult
    {
        internal PlanRunResult(IReadOnlyList<WaveOutcome> waves) { Waves = waves; }

        public IReadOnlyList<WaveOutcome> Waves { get; }
        public IEnumerable<PlannedMigrationOutcome> Migrations => Waves.SelectMany(w => w.Migrations);
        public bool Succeeded => Waves.All(w => w.Status == WaveStatus.Succeeded);
    }
}
