using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using LiveMigrate.Readiness;

namespace LiveMigrate.Commands.Readiness
{
    /// <summary>
    /// Runs the readiness checks on worker threads while the pipeline thread writes progress, since only
    /// the pipeline thread may write to the cmdlet.
    /// </summary>
    internal static class ReadinessRunner
    {
        private static int _nextActivityId = 500;

        public static IReadOnlyList<ReadinessResult> Run(Cmdlet cmdlet, ReadinessRequest request, ReadinessHost source, ReadinessHost destination, CancellationToken ct)
        {
            var checker = new ReadinessChecker(new ReadinessProbe(request));
            var activityId = Interlocked.Increment(ref _nextActivityId);
            var activity = request.ContainerName == null
                ? $"Checking {source.Name} and {destination.Name}"
                : $"Checking whether {request.ContainerName} can move from {source.Name} to {destination.Name}";
            var clock = Stopwatch.StartNew();
            var run = Task.Run(() => checker.Run(request, source, destination, ct));
            var done = 0;
            bool finished;
            do
            {
                finished = run.Wait(100);
                while (checker.Finished.TryDequeue(out var what))
                {
                    done++;
                    cmdlet.WriteVerbose($"Readiness: {what} done after {clock.ElapsedMilliseconds} ms.");
                    cmdlet.WriteProgress(new ProgressRecord(activityId, activity, $"{done} probes done; last: {what}"));
                }
            } while (!finished);
            cmdlet.WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            try
            {
                return run.GetAwaiter().GetResult();
            }
            finally
            {
                cmdlet.WriteVerbose($"Readiness checks took {clock.ElapsedMilliseconds} ms.");
            }
        }
    }
}
