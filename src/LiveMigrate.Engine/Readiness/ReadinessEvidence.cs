using System;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Runc;

namespace LiveMigrate.Readiness
{
    /// <summary>Everything the probes found about one host.</summary>
    public sealed class HostEvidence
    {
        public HostEvidence(ReadinessHost host) { Host = host; }

        public ReadinessHost Host { get; }
        public string Name => Host.Name;
        public Outcome<TimeSpan> Ping { get; set; } = Outcome<TimeSpan>.NotRun;
        public Outcome<RootAccess> Access { get; set; } = Outcome<RootAccess>.NotRun;
        public Outcome<HostFacts> Facts { get; set; } = Outcome<HostFacts>.NotRun;
        public Outcome<CanaryResult> Canary { get; set; } = Outcome<CanaryResult>.NotRun;
        /// <summary>The named container on this host (null value: no such container).</summary>
        public Outcome<ContainerInfo?> Container { get; set; } = Outcome<ContainerInfo?>.NotRun;

        /// <summary>Reachable, and the facts script ran.</summary>
        public HostFacts? KnownFacts => Facts.Succeeded ? Facts.Value : null;
    }

    /// <summary>Everything the probes found, from which the checks are judged.</summary>
    public sealed class ReadinessEvidence
    {
        public ReadinessEvidence(ReadinessRequest request, ReadinessHost source, ReadinessHost destination)
        {
            Request = request;
            Source = new HostEvidence(source);
            Destination = new HostEvidence(destination);
        }

        public ReadinessRequest Request { get; }
        public HostEvidence Source { get; }
        public HostEvidence Destination { get; }
        public string Pair => $"{Source.Name} -> {Destination.Name}";
        public Outcome<ContainerFacts> ContainerFacts { get; set; } = Outcome<ContainerFacts>.NotRun;
        public BundleSpec? Bundle { get; set; }
        public Outcome<DestinationPaths> DestinationPaths { get; set; } = Outcome<DestinationPaths>.NotRun;
        /// <summary>Null value: runc makes the container's network namespace, which CRIU carries whole.</summary>
        public Outcome<NetworkFacts?> Network { get; set; } = Outcome<NetworkFacts?>.NotRun;
        /// <summary>Null value: the destination's CRIU accepts the source's CPU; else why not.</summary>
        public Outcome<string?> Cpu { get; set; } = Outcome<string?>.NotRun;
        public Outcome<Bandwidth> Bandwidth { get; set; } = Outcome<Bandwidth>.NotRun;
        /// <summary>Not run for -Compress None.</summary>
        public Outcome<CompressionSample> Compression { get; set; } = Outcome<CompressionSample>.NotRun;
    }
}
