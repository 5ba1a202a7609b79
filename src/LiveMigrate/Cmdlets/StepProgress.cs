using System.Diagnostics;
using System.Management.Automation;
using System.Threading;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>
    /// One activity's Write-Progress records, from any thread: a status per step, a percent where it is known,
    /// Completed at the end. Work that reports steps as they end (several at once) counts them with <see cref="Finished"/>.
    /// </summary>
    internal sealed class StepProgress
    {
        private static int _lastActivityId = 100;
        private readonly LongRunningCmdlet _cmdlet;
        private readonly string _activity;
        private readonly string? _verbose;
        private readonly int _parentActivityId;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _finished;
        private const long FrequentEveryMs = 200;
        private long _lastFrequentMs = -FrequentEveryMs;

        /// <param name="verbose">What starts the verbose lines of <see cref="Finished"/> and <see cref="Complete"/>, e.g. "Readiness"; none without it.</param>
        /// <param name="parentActivityId">An activity that this one nests under; -1 for none.</param>
        public StepProgress(LongRunningCmdlet cmdlet, string activity, string? verbose = null, int parentActivityId = -1)
        {
            _cmdlet = cmdlet;
            _activity = activity;
            _verbose = verbose;
            _parentActivityId = parentActivityId;
        }

        public int ActivityId { get; } = Interlocked.Increment(ref _lastActivityId);

        public void Step(string status, int percent = -1, string? operation = null) =>
            _cmdlet.Progress(Record(status, percent, operation, ProgressRecordType.Processing));

        /// <summary>A step for what reports often (bytes sent): written at most every 200 ms, the rest dropped.</summary>
        public void Frequent(string status, int percent = -1, string? operation = null)
        {
            var now = _clock.ElapsedMilliseconds;
            var last = Interlocked.Read(ref _lastFrequentMs);
            if (now - last < FrequentEveryMs || Interlocked.CompareExchange(ref _lastFrequentMs, now, last) != last) return;
            Step(status, percent, operation);
        }

        /// <summary>A step that ended: the count so far, and the verbose line "VERBOSE: WHAT done after N ms."</summary>
        public void Finished(string what)
        {
            var ms = _clock.ElapsedMilliseconds;
            _cmdlet.Post(() =>
            {
                _finished++;
                if (_verbose != null) _cmdlet.WriteVerbose($"{_verbose}: {what} done after {ms} ms.");
                _cmdlet.WriteProgress(Record($"{_finished} step(s) done; last: {what}", -1, null, ProgressRecordType.Processing));
            });
        }

        public void Complete()
        {
            _cmdlet.Progress(Record("Done", 100, null, ProgressRecordType.Completed));
            if (_verbose != null) _cmdlet.Verbose($"{_verbose}: finished after {_clock.ElapsedMilliseconds} ms.");
        }

        // A new record each time: hosts and jobs may keep the records they were given.
        private ProgressRecord Record(string status, int percent, string? operation, ProgressRecordType type) =>
            new ProgressRecord(ActivityId, _activity, status)
            {
                PercentComplete = percent, CurrentOperation = operation, ParentActivityId = _parentActivityId, RecordType = type,
            };
    }
}
