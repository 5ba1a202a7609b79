using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using LiveMigrate.Readiness;

namespace LiveMigrate.PowerShell
{
    /// <summary>Runs the readiness checks on worker threads while the pipeline thread writes their progress.</summary>
    internal static class ReadinessRunner
    {
        public static IReadOnlyList<ReadinessResult> Run(Cmdlet cmdlet, ReadinessRequest request, ReadinessHost source, ReadinessHost destination, CancellationToken ct)
        {
            var checker = new ReadinessChecker(new ReadinessProbe(request));
            var activity = request.ContainerName == null
                ? $"Readiness of {source.Name} and {destination.Name}"
                : $"Readiness of {request.ContainerName} to move from {source.Name} to {destination.Name}";
            return BackgroundWork.Run(cmdlet, activity, "Readiness", () => checker.Run(request, source, destination, ct), checker.Finished);
        }
    }
}
