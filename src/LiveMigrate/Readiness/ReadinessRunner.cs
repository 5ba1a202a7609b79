using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using LiveMigrate.Commands.Hosts;
using LiveMigrate.Commands.Progress;
using LiveMigrate.Readiness;

namespace LiveMigrate.Commands.Readiness
{
    /// <summary>Runs the readiness checks on worker threads while the pipeline thread writes their progress.</summary>
    internal static class ReadinessRunner
    {
        public static IReadOnlyList<ReadinessResult> Run(Cmdlet cmdlet, ReadinessRequest request, ReadinessHost source, ReadinessHost destination, CancellationToken ct)
        {
            // Relayed through a PowerShell session a stream moves a few MB/s: a smaller sample measures that as well, sooner.
            if (source.Session is PowerShellSessionHost || destination.Session is PowerShellSessionHost)
                request.BandwidthSampleBytes = System.Math.Min(request.BandwidthSampleBytes, PowerShellSessionHost.BandwidthSampleBytes);
            var checker = new ReadinessChecker(new ReadinessProbe(request));
            var activity = request.ContainerName == null
                ? $"Readiness of {source.Name} and {destination.Name}"
                : $"Readiness of {request.ContainerName} to move from {source.Name} to {destination.Name}";
            return BackgroundWork.Run(cmdlet, activity, "Readiness", () => checker.Run(request, source, destination, ct), checker.Finished);
        }
    }
}
