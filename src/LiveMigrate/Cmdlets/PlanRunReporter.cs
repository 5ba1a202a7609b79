using System;
using LiveMigrate.Plans;
using LiveMigrate.Plans.Execution;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>
    /// Writes a running plan to the cmdlet: progress per wave, verbose per migration, and at each wave's end one
    /// outcome per migration (and an error for each failure). The scheduler calls it on the pipeline thread.
    /// Kept out of the cmdlet class: PowerShell loads cmdlet types before the engine's folder is known.
    /// </summary>
    internal sealed class PlanRunReporter : IPlanRunObserver
    {
        private readonly LongRunningCmdlet _cmdlet;
        private readonly StepProgress _progress;
        private readonly int _waveCount;
        private int _waveIndex;

        public PlanRunReporter(LongRunningCmdlet cmdlet, MigrationPlan plan)
        {
            _cmdlet = cmdlet;
            _progress = new StepProgress(cmdlet, $"Running {plan.Path}");
            _waveCount = plan.Waves.Count;
        }

        /// <summary>The plan's progress activity, for each migration's to nest under.</summary>
        public int ActivityId => _progress.ActivityId;

        public void WaveStarted(PlanWave wave)
        {
            _waveIndex++;
            _progress.Step($"Wave {_waveIndex} of {_waveCount}: {wave.Name}, {wave.Migrations.Count} migration(s), {wave.Throttle} at a time",
                (_waveIndex - 1) * 100 / Math.Max(1, _waveCount));
        }

        public void MigrationStarted(PlannedMigration migration) => _cmdlet.Verbose($"Starting {migration}.");

        public void MigrationCompleted(PlannedMigrationOutcome outcome) => _cmdlet.Verbose($"{outcome.Name} ended: {outcome.Status}.");

        public void RollbackStarted(PlannedMigrationOutcome outcome) =>
            _cmdlet.Verbose($"Wave {outcome.Wave} failed under its rollback policy: moving {outcome.Migration.Container} back to {outcome.Migration.Source.Name}.");

        public void WaveCompleted(WaveOutcome wave)
        {
            _cmdlet.Verbose($"Wave {wave.Name}: {wave.Status}.");
            foreach (var outcome in wave.Migrations)
            {
                _cmdlet.Output(outcome);
                if (outcome.Error != null && outcome.Status == PlannedMigrationStatus.Failed) _cmdlet.Post(() => _cmdlet.WriteError(ErrorRecords.From(outcome.Error, outcome)));
                if (outcome.RollbackError != null) _cmdlet.Post(() => _cmdlet.WriteError(ErrorRecords.From(outcome.RollbackError, outcome)));
            }
        }

        public void Complete() => _progress.Complete();
    }
}
