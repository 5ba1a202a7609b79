using System.Collections.Generic;
using LiveMigrate.Readiness;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Runs the readiness checks on worker threads while the pipeline thread writes their progress.</summary>
    internal static class ReadinessRunner
    {
        public static IReadOnlyList<ReadinessResult> Run(LongRunningCmdlet cmdlet, ReadinessRequest request, ReadinessHost source, ReadinessHost destination)
        {
            // Relayed through a PowerShell session a stream moves a few MB/s: a smaller sample measures that as well, sooner.
            if (source.Session is PowerShellSessionHost || destination.Session is PowerShellSessionHost)
                request.BandwidthSampleBytes = System.Math.Min(request.BandwidthSampleBytes, PowerShellSessionHost.BandwidthSampleBytes);
            var checker = new ReadinessChecker(new ReadinessProbe(request));
            var progress = new StepProgress(cmdlet, request.ContainerName == null
                ? $"Readiness of {source.Name} and {destination.Name}"
                : $"Readiness of {request.ContainerName} to move from {source.Name} to {destination.Name}", "Readiness");
            checker.ProbeFinished += progress.Finished;
            return cmdlet.RunWork(progress, ct => checker.Run(request, source, destination, ct));
        }
    }
}
