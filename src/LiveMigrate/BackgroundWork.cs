using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace LiveMigrate.PowerShell
{
    /// <summary>
    /// Runs engine work on a worker thread while the pipeline thread, the only one that may write to the cmdlet,
    /// turns what the work reports as finished into progress and verbose lines.
    /// </summary>
    internal static class BackgroundWork
    {
        private static int _nextActivityId = 500;

        /// <param name="verbose">What starts each verbose line, e.g. "Readiness".</param>
        public static T Run<T>(Cmdlet cmdlet, string activity, string verbose, Func<T> work, ConcurrentQueue<string> finished)
        {
            var activityId = Interlocked.Increment(ref _nextActivityId);
            var clock = Stopwatch.StartNew();
            var run = Task.Run(work);
            var done = 0;
            var stopped = false;
            bool ended;
            do
            {
                // A failed task ends the wait: GetResult below rethrows its own exception, not an AggregateException
                // (which would reach the user as UnexpectedError instead of its ErrorId).
                try { ended = run.Wait(100); }
                catch (AggregateException) { ended = true; }
                while (finished.TryDequeue(out var what))
                {
                    done++;
                    Write(() =>
                    {
                        cmdlet.WriteVerbose($"{verbose}: {what} done after {clock.ElapsedMilliseconds} ms.");
                        cmdlet.WriteProgress(new ProgressRecord(activityId, activity, $"{done} step(s) done; last: {what}"));
                    });
                }
            } while (!ended);
            Write(() =>
            {
                cmdlet.WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
                cmdlet.WriteVerbose($"{verbose}: finished after {clock.ElapsedMilliseconds} ms.");
            });
            var result = run.GetAwaiter().GetResult();
            if (stopped) throw new PipelineStoppedException();
            return result;

            // Once Ctrl+C stopped the pipeline, writing throws: the work still runs to its end (it cleans up after
            // itself, e.g. a canary container), so the cmdlet returns only when nothing is left running.
            void Write(Action write)
            {
                if (stopped) return;
                try { write(); }
                catch (PipelineStoppedException) { stopped = true; }
            }
        }
    }
}
