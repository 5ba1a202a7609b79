using System;
using System.Management.Automation;
using LiveMigrate.Migration;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>
    /// Turns engine events into Write-Progress and Write-Verbose. The engine calls it on the pipeline
    /// thread; once the pipeline is stopping it stays silent, because writing then would throw inside
    /// the rollback that Ctrl+C started.
    /// </summary>
    internal sealed class MigrationProgressWriter : IMigrationObserver
    {
        private static int _nextActivityId = 100;
        private readonly Cmdlet _cmdlet;
        private readonly Func<bool> _stopping;
        private readonly int _activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);
        private readonly string _activity;
        private string _operation = "";
        private int _percent;
        private DateTime _lastTransferUpdate = DateTime.MinValue;

        private readonly int _parentActivityId;

        /// <param name="parentActivityId">A plan's activity that this migration's progress nests under; -1 for none.</param>
        public MigrationProgressWriter(Cmdlet cmdlet, string container, string source, string destination, Func<bool> stopping, int parentActivityId = -1)
        {
            _cmdlet = cmdlet;
            _stopping = stopping;
            _parentActivityId = parentActivityId;
            _activity = $"Moving {container} from {source} to {destination}";
        }

        public void PhaseStarted(MigrationPhase phase, string description)
        {
            _operation = description;
            _percent = Math.Min(100, (int)phase * 100 / ((int)MigrationPhase.Cleanup + 1));
            Progress(phase.ToString());
            Message(description + "...");
        }

        public void PhaseCompleted(MigrationPhase phase, TimeSpan duration) =>
            Message($"{phase} took {duration.TotalMilliseconds:0} ms.");

        public void TransferProgress(long bytes)
        {
            var now = DateTime.UtcNow;
            if ((now - _lastTransferUpdate).TotalMilliseconds < 200) return;
            _lastTransferUpdate = now;
            Progress($"Transfer: {bytes / 1048576.0:0.0} MiB sent");
        }

        public void Message(string text) => Write(() => _cmdlet.WriteVerbose(text));

        public void Complete() => Progress("Done", ProgressRecordType.Completed);

        // A new record each time: hosts and jobs may keep the records they were given.
        private void Progress(string status, ProgressRecordType type = ProgressRecordType.Processing) =>
            Write(() => _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, status)
            {
                CurrentOperation = _operation,
                ParentActivityId = _parentActivityId,
                PercentComplete = type == ProgressRecordType.Completed ? 100 : _percent,
                RecordType = type,
            }));

        private void Write(Action write)
        {
            if (_stopping()) return;
            try { write(); }
            catch (PipelineStoppedException) { /* Ctrl+C raced us: the rollback must go on regardless */ }
        }
    }
}
