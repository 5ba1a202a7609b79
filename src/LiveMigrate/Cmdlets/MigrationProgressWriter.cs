using System;
using LiveMigrate.Migration;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Turns a migration's events into Write-Progress (one record per phase, the transfer's bytes) and Write-Verbose.</summary>
    internal sealed class MigrationProgressWriter : IMigrationObserver
    {
        private readonly LongRunningCmdlet _cmdlet;
        private readonly StepProgress _progress;
        private string _operation = "";
        private int _percent;

        /// <param name="parentActivityId">A plan's activity that this migration's progress nests under; -1 for none.</param>
        public MigrationProgressWriter(LongRunningCmdlet cmdlet, string container, string source, string destination, int parentActivityId = -1)
        {
            _cmdlet = cmdlet;
            _progress = new StepProgress(cmdlet, $"Moving {container} from {source} to {destination}", parentActivityId: parentActivityId);
        }

        public void PhaseStarted(MigrationPhase phase, string description)
        {
            _operation = description;
            _percent = Math.Min(100, (int)phase * 100 / ((int)MigrationPhase.Cleanup + 1));
            _progress.Step(phase.ToString(), _percent, _operation);
            Message(description + "...");
        }

        public void PhaseCompleted(MigrationPhase phase, TimeSpan duration) =>
            Message($"{phase} took {duration.TotalMilliseconds:0} ms.");

        public void TransferProgress(long bytes) => _progress.Frequent($"Transfer: {bytes / 1048576.0:0.0} MiB sent", _percent, _operation);

        public void Message(string text) => _cmdlet.Verbose(text);

        public void Complete() => _progress.Complete();
    }
}
