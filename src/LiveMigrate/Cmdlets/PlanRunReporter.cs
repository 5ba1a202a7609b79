using System;
using System.Management.Automation;
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
        private readonly Cmdlet _cmdlet;
        private readonly int _activityId;
        private readonly string _activity;
        private readonly int _waveCount;
        private int _waveIndex;

        public PlanRunReporter(Cmdlet cmdlet, MigrationPlan plan, int activityId)
        {
            _cmdlet = cmdlet;
            _activityId = activityId;
            _activity = $"Running {plan.Path}";
            _waveCount = plan.Waves.Count;
        }

        public void WaveStarted(PlanWave wave)
        {
            _waveIndex++;
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, $"Wave {_waveIndex} of {_waveCount}: {wave.Name}, {wave.Migrations.Count} migration(s), {wave.Throttle} at a time")
            {
                PercentComplete = (_waveIndex - 1) * 100 / Math.Max(1, _waveCount),
            });
        }

        public void MigrationStarted(PlannedMigration migration) => _cmdlet.WriteVerbose($"Starting {migration}.");

        public void MigrationCompleted(PlannedMigrationOutcome outcome) => _cmdlet.WriteVerbose($"{outcome.Name} ended: {outcome.Status}.");

        public void RollbackStarted(PlannedMigrationOutcome outcome) =>
            _cmdlet.WriteVerbose($"Wave {outcome.Wave} failed under its rollback policy: moving {outcome.Migration.Container} back to {outcome.Migration.Source.Name}.");

        public void WaveCompleted(WaveOutcome wave)
        {
            _cmdlet.WriteVerbose($"Wave {wave.Name}: {wave.Status}.");
            foreach (var outcome in wave.Migrations)
            {
                _cmdlet.WriteObject(outcome);
                if (outcome.Error != null && outcome.Status == PlannedMigrationStatus.Failed) _cmdlet.WriteError(ErrorRecords.From(outcome.Error, outcome));
                if (outcome.RollbackError != null) _cmdlet.WriteError(ErrorRecords.From(outcome.RollbackError, outcome));
            }
        }
    }
}
