using System;
using System.Management.Automation;
using System.Threading;
using LiveMigrate.Threading;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>
    /// The base of every cmdlet that works on hosts. It owns the cancellation: a token made in BeginProcessing,
    /// cancelled by Ctrl+C (StopProcessing), disposed at the end. And it is the one way back to the pipeline thread,
    /// the only thread on which PowerShell lets a cmdlet write or run a script block: <see cref="RunWork{T}"/> runs
    /// the work on a worker thread, which hands its output, progress, verbose lines, warnings, hooks and prompts
    /// to a dispatcher that the pipeline thread executes meanwhile.
    /// Once the pipeline stops, writes are dropped (writing would throw inside the work's rollback) and the work
    /// runs to its own end, so that its rollback leaves the container running somewhere; then the stop goes on.
    /// </summary>
    public abstract class LongRunningCmdlet : PSCmdlet, IDisposable
    {
        private readonly object _gate = new object();
        private CancellationTokenSource? _stop;
        private bool _writeFailed;

        /// <summary>Cancelled by Ctrl+C, or when a write fails; all host work takes it.</summary>
        protected CancellationToken StopToken { get; private set; }

        protected bool IsStopRequested => StopToken.IsCancellationRequested;

        /// <summary>Made on the pipeline thread, for work (such as a plan's scheduler) that pumps it itself.</summary>
        internal CallerThreadDispatcher Dispatcher { get; private set; } = null!;

        protected sealed override void BeginProcessing()
        {
            _stop = new CancellationTokenSource();
            StopToken = _stop.Token;
            Dispatcher = new CallerThreadDispatcher();
        }

        protected sealed override void StopProcessing() => Cancel();

        protected override void EndProcessing() => Dispose();

        public void Dispose()
        {
            // StopProcessing comes on another thread, possibly after the end.
            lock (_gate)
            {
                _stop?.Dispose();
                _stop = null;
            }
        }

        /// <summary>
        /// Runs <paramref name="work"/> on a worker thread while this (the pipeline) thread executes what it hands back,
        /// and returns its result or throws its exception here. Once the pipeline is stopping it throws
        /// <see cref="PipelineStoppedException"/> instead, after the work has ended.
        /// </summary>
        internal T RunWork<T>(Func<CancellationToken, T> work)
        {
            T result;
            try { result = Dispatcher.Run(() => work(StopToken)); }
            catch (Exception) when (IsStopRequested && !_writeFailed) { throw new PipelineStoppedException(); }
            if (IsStopRequested) throw new PipelineStoppedException();
            return result;
        }

        /// <summary>As <see cref="RunWork{T}"/>, and ends <paramref name="progress"/>'s activity however the work ends.</summary>
        internal T RunWork<T>(StepProgress progress, Func<CancellationToken, T> work)
        {
            try { return RunWork(work); }
            finally { progress.Complete(); }
        }

        /// <summary>
        /// A write (output, verbose, warning, progress, error) from any thread: at once on the pipeline thread, else
        /// queued for it. Dropped once the pipeline is stopping. A write that throws (a stopped or failing command
        /// downstream) stops the work too, and <see cref="RunWork{T}"/> rethrows it once the work has ended.
        /// </summary>
        internal void Post(Action write) => Dispatcher.Post(() =>
        {
            if (IsStopRequested) return;
            try { write(); }
            catch (Exception)
            {
                _writeFailed = true;
                Cancel();
                throw;
            }
        });

        internal void Output(object? item) => Post(() => WriteObject(item));

        internal void Verbose(string text) => Post(() => WriteVerbose(text));

        internal void Progress(ProgressRecord record) => Post(() => WriteProgress(record));

        /// <summary>Runs a hook's script block or a prompt on the pipeline thread; the worker waits for its answer or exception.</summary>
        internal void OnPipelineThread(Action action) => Dispatcher.Invoke(action);

        private void Cancel()
        {
            lock (_gate) _stop?.Cancel();
        }
    }
}
