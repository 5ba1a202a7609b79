using System;
using LiveMigrate.Migration;
using LiveMigrate.Runc;

namespace LiveMigrate.Readiness
{
    /// <summary>What to check: a host pair, and the container that would move between them if one is named.</summary>
    public sealed class ReadinessRequest
    {
        /// <summary>Null checks the hosts only.</summary>
        public string? ContainerName { get; set; }
        /// <summary>The mode the migration will use; null reports what each mode would need.</summary>
        public MigrationMode? Mode { get; set; }
        /// <summary>A downtime estimate above this is a Warn.</summary>
        public TimeSpan? MaxDowntime { get; set; }
        public string ImageRoot { get; set; } = new MigrationOptions().ImageRoot;
        /// <summary>
        /// How the bundle will travel. None: on storage both hosts share, it must be there already. Auto: readiness
        /// picks (<see cref="BundleSyncChoice"/>) and judges the move as it will run.
        /// </summary>
        public BundleSync BundleSync { get; set; } = BundleSync.Auto;
        public RuntimeOptions Runtime { get; set; } = new RuntimeOptions();
        /// <summary>How the streams will be compressed. Auto: readiness samples the memory and picks (<see cref="CompressionChoice"/>).</summary>
        public Transfer.StreamCompression Compression { get; set; } = Transfer.StreamCompression.Auto;
        /// <summary>How much of the container's memory -Compress Auto compresses to judge it, in MiB.</summary>
        public int CompressionSampleMiB { get; set; } = 32;
        /// <summary>Stop and PreCopy: restore lazily (true), eagerly (false), or as readiness picks (null, <see cref="RestoreChoice"/>).</summary>
        public bool? LazyRestore { get; set; }
        /// <summary>Stop: stream the memory into the destination while dumping (true), dump it on the source (false), or as readiness picks (null, <see cref="StreamChoice"/>).</summary>
        public bool? StreamMemory { get; set; }
        /// <summary>Leave the canary out: no throwaway container is run, checkpointed and restored on the hosts.</summary>
        public bool NoCanary { get; set; }
        /// <summary>How long each step of the canary (run, checkpoint, restore) may take: CRIU can hang silently.</summary>
        public TimeSpan CanaryTimeout { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>Bytes streamed between the hosts to measure the bandwidth a transfer would get, relayed through the controller.</summary>
        public long BandwidthSampleBytes { get; set; } = 32L << 20;
        /// <summary>The same over a direct link: a faster route, where a small sample would mostly time the stream's start.</summary>
        public long DirectBandwidthSampleBytes { get; set; } = 64L << 20;
        /// <summary>How the move's streams would go: the bandwidth is measured that way (Auto: direct where a link can be made).</summary>
        public Transfer.TransferRoute TransferRoute { get; set; } = Transfer.TransferRoute.Auto;
    }
}
