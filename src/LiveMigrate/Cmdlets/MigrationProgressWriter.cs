using System;
using System.Management.Automation;
using LiveMigrate.Migration;

namespace LiveMigrate.Commands.Cmdlets
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
        private readonly ProgressRecord _record;
        private DateTime _lastTransferUpdate = DateTime.MinValue;

        public MigrationProgressWriter(Cmdlet cmdlet, string container, string source, string destination, Func<bool> stopping)
        {
            _cmdlet = cmdlet;
            _stopping = stopping;
            _record = new ProgressRecord(System.Threading.Interlocked.Increment(ref _nextActivityId),
                $"Moving {container} from {source} to {destination}", "Starting");
        }

        public void PhaseStarted(MigrationPhase phase, string description)
        {
            _record.CurrentOperation = description;
            _record.StatusDescription = phase.ToString();
            _record.PercentComplete = Math.Min(100, (int)phase * 100 / ((int)MigrationPhase.Cleanup + 1));
            Write(() => _cmdlet.WriteProgress(_record));
            Message(description + "...");
        }

        public void PhaseCompleted(MigrationPhase phase, TimeSpan duration) =>
            Message($"{phase} took {duration.TotalMilliseconds:0} ms.");

        public void TransferProgress(long bytes)
        {
            var now = DateTime.UtcNow;
            if ((now - _lastTransferUpdate).TotalMilliseconds < 200) return;
            _lastTransferUpdate = now;
            _record.StatusDescription = $"Transfer: {bytes / 1048576.0:0.0} MiB sent";
            Write(() => _cmdlet.WriteProgress(_record));
        }

        public void Message(string text) => Write(() => _cmdlet.WriteVerbose(text));

        public void Complete()
        {
            _record.RecordType = ProgressRecordType.Completed;
            Write(() => _cmdlet.WriteProgress(_record));
        }

        private void Write(Action write)
        {
            if (_stopping()) return;
            try { write(); }
            catch (PipelineStoppedException) { /* Ctrl+C raced us: the rollback must go on regardless */ }
        }
    }
}
