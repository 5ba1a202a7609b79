using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Runc;

namespace LiveMigrate.Readiness
{
    /// <summary>What the checks read from hosts; faked in unit tests, shell scripts over SSH for real.</summary>
    public interface IReadinessProbe
    {
        /// <summary>A round trip on the open connection.</summary>
        void Ping(IHostSession host, CancellationToken ct);
        /// <summary>The login's user, and the uid host commands run as (through sudo -n where the host becomes root).</summary>
        RootAccess Access(IHostSession host, CancellationToken ct);
        HostFacts Facts(IHostSession host, CancellationToken ct);
        CanaryResult Canary(IHostSession host, CancellationToken ct);
        ContainerInfo? State(IHostSession host, string name, CancellationToken ct);
        ContainerFacts Inspect(IHostSession host, ContainerInfo container, CancellationToken ct);
        DestinationPaths CheckPaths(IHostSession host, string bundle, IReadOnlyList<string> paths, CancellationToken ct);
        /// <summary>The container's network namespace at a config.json path, checked against the destination; null when runc makes it.</summary>
        NetworkFacts? CheckNetwork(IHostSession source, IHostSession destination, string bundle, CancellationToken ct);
        /// <summary>Dumps the source's CPU description and has the destination's CRIU check it; null when compatible, else why not.</summary>
        string? CheckCpu(IHostSession source, IHostSession destination, CancellationToken ct);
        /// <summary>A sample of the container's memory compressed on the source with the streams' own programs.</summary>
        /// <param name="pids">The container's tasks, as its inspection listed them.</param>
        CompressionSample SampleCompression(IHostSession source, IReadOnlyList<int> pids, CancellationToken ct);
        /// <summary>What measures the bytes per second streamed from one host to the other the way the move's streams would go (the request's route).</summary>
        IBandwidthSample PrepareBandwidth(IHostSession source, IHostSession destination, CancellationToken ct);
    }
}
