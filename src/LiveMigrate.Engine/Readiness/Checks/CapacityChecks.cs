using System;
using System.Collections.Generic;
using LiveMigrate.Migration;
using LiveMigrate.Readiness.Facts;
using static LiveMigrate.Readiness.Checks.ReadinessChecks;

namespace LiveMigrate.Readiness.Checks
{
    /// <summary>Checks 10-11: room for the images and bundle, and how long the container would be frozen.</summary>
    internal static class CapacityChecks
    {
        public const string FreeSpace = "Free space", Downtime = "Downtime";

        /// <summary>Images run a little over the memory counted (page maps, files, metadata); a margin, not a precise bound.</summary>
        public const double Margin = 1.2;
        public const long Slack = 64L << 20;
        /// <summary>Setting up the page tunnel and the lazy-pages daemon before a lazy restore, as measured in the lab.</summary>
        public static readonly TimeSpan PostCopySetup = TimeSpan.FromMilliseconds(300);

        public static IEnumerable<ReadinessResult> Judge(ReadinessEvidence e)
        {
            if (!e.ContainerFacts.Succeeded || e.Source.KnownFacts is null || e.Destination.KnownFacts is null)
            {
                yield return new ReadinessResult(FreeSpace, e.Pair, ReadinessStatus.Skipped, "Not checked: the container's size is not known.");
                yield return new ReadinessResult(Downtime, e.Pair, ReadinessStatus.Skipped, "Not estimated: the container's size is not known.");
                yield break;
            }
            var c = e.ContainerFacts.Value;
            var s = e.Source.KnownFacts;
            var d = e.Destination.KnownFacts;
            // Post-copy's images hold no memory on either host: the frozen tasks serve it straight into the destination's.
            var images = e.Request.Mode == MigrationMode.PostCopy ? 0 : c.MemoryBytes;
            var sync = e.DestinationPaths.Succeeded ? BundleSyncChoice.Effective(e) : e.Request.BundleSync;
            var bundle = sync == BundleSync.None ? 0 : c.BundleBytes;
            yield return Room(e.Source.Name, "the checkpoint images", s.ImagesDirectory, s.ImagesFreeBytes, Need(images));
            if (e.DestinationPaths.Succeeded && e.DestinationPaths.Value.BundleDevice is { } dev && dev != d.ImagesDevice)
            {
                yield return Room(e.Destination.Name, "the checkpoint images", d.ImagesDirectory, d.ImagesFreeBytes, Need(images));
                yield return Room(e.Destination.Name, "the bundle", e.DestinationPaths.Value.BundleDirectory, e.DestinationPaths.Value.BundleFreeBytes, Need(bundle));
            }
            else
            {
                yield return Room(e.Destination.Name, "the images and the bundle", d.ImagesDirectory, d.ImagesFreeBytes, Need(images + bundle));
            }
            yield return DowntimeRow(e, c, s, d, sync);
        }

        internal static long Need(long bytes) => (long)(bytes * Margin) + Slack;

        private static ReadinessResult Room(string host, string what, string directory, long? free, long need)
        {
            if (free is not long bytes)
                return new ReadinessResult(FreeSpace, host, ReadinessStatus.Warn, $"The free space in {directory} could not be read (df failed).", "Check by hand that it has room.");
            return bytes >= need
                ? new ReadinessResult(FreeSpace, host, ReadinessStatus.Pass, $"{Size(bytes)} free in {directory} for {what} (about {Size(need)} needed).")
                : new ReadinessResult(FreeSpace, host, ReadinessStatus.Fail,
                    $"Only {Size(bytes)} free in {directory}; about {Size(need)} is needed for {what} (their size x{Margin.ToString(System.Globalization.CultureInfo.InvariantCulture)} + {Size(Slack)}).",
                    $"Free {Size(need - bytes)} there, or give -ImageRoot a folder on a larger file system.");
        }

        private static ReadinessResult DowntimeRow(ReadinessEvidence e, ContainerFacts c, HostFacts s, HostFacts d, BundleSync sync)
        {
            if (!e.Bandwidth.Succeeded || !e.Source.Canary.Succeeded || !e.Destination.Canary.Succeeded ||
                !e.Source.Canary.Value.Succeeded || !e.Destination.Canary.Value.Succeeded || s.WriteBytesPerSecond is null || d.WriteBytesPerSecond is null)
                return new ReadinessResult(Downtime, e.Pair, ReadinessStatus.Skipped, "Not estimated: it needs the bandwidth, both canaries and both write rates.");
            var frozenBundle = BundleSyncChoice.FrozenBytes(sync, c);
            var (codec, memoryRate) = CompressionChoice.MemoryStream(e);
            var lazy = RestoreChoice.IsLazy(e);
            var streamed = StreamChoice.IsStreamed(e);
            var estimate = Estimate(c, frozenBundle, e.Source.Canary.Value.Checkpoint!.Value + e.Destination.Canary.Value.Restore!.Value,
                e.Bandwidth.Value.BytesPerSecond, memoryRate, s.WriteBytesPerSecond.Value, d.WriteBytesPerSecond.Value, lazy, streamed);
            var compressed = codec == Transfer.StreamCompression.None ? "" : $" ({codec}: the memory streams at {memoryRate / 1e6:0} MB/s)";
            var inputs = $"{Size(c.MemoryBytes)} of memory, {Size(frozenBundle)} of the bundle's {Size(c.BundleBytes)} sent while frozen (-BundleSync {sync}), {e.Bandwidth.Value.BytesPerSecond / 1e6:0} MB/s between the hosts {e.Bandwidth.Value.Route}{compressed}, " +
                         $"writes at {s.WriteBytesPerSecond.Value / 1e6:0}/{d.WriteBytesPerSecond.Value / 1e6:0} MB/s, {(streamed ? "the memory streamed while dumping, " : "")}{(lazy ? "a lazy restore" : "an eager restore")}, canary {Seconds(e.Source.Canary.Value.Checkpoint.Value + e.Destination.Canary.Value.Restore.Value)}";
            var mode = e.Request.Mode;
            // Pre-copy's final dump never carries more than a stop-and-copy dump: Stop's estimate bounds it.
            var chosen = mode == MigrationMode.PostCopy ? estimate.PostCopy : mode == MigrationMode.Stop || mode == MigrationMode.PreCopy ? estimate.Stop : Min(estimate.Stop, estimate.PostCopy);
            var detail = mode == null
                ? $"About {Seconds(estimate.Stop)} with -Mode Stop, {Seconds(estimate.PostCopy)} with -Mode PostCopy ({inputs})."
                : $"About {Seconds(chosen)} with -Mode {mode} ({inputs}).";
            if (e.Request.MaxDowntime is TimeSpan max && chosen > max)
                return new ReadinessResult(Downtime, e.Pair, ReadinessStatus.Warn, $"{detail} That is over -MaxDowntime {Seconds(max)}.",
                    mode != MigrationMode.PostCopy && estimate.PostCopy <= max
                        ? "Use -Mode PostCopy (the container runs again before its memory has moved), or shrink its memory first."
                        : "Shrink the container's memory, or move it over a faster link or to faster image storage.");
            return new ReadinessResult(Downtime, e.Pair, ReadinessStatus.Pass, detail);
        }

        /// <summary>
        /// Stop: the fixed cost of a checkpoint and restore (the canaries), plus writing the memory as images,
        /// streaming them (compressed, at the codec's rate) and what of the bundle goes while frozen, and reading them
        /// back into fresh memory, or, restored lazily, only starting the page daemon that does that after the freeze.
        /// Streamed while dumping, the dump and the memory's transfer overlap: the slower of the two counts.
        /// PostCopy: the fixed cost, that part of the bundle, and the page tunnel's setup; memory is neither written
        /// nor moved until the container runs again.
        /// </summary>
        /// <param name="frozenBundleBytes">Of the bundle, what travels while frozen (<see cref="BundleSyncChoice.FrozenBytes"/>).</param>
        /// <param name="memoryRate">Bytes of memory streamed per second: the bandwidth, or a codec's rate (<see cref="CompressionChoice.MemoryStream"/>).</param>
        internal static (TimeSpan Stop, TimeSpan PostCopy) Estimate(ContainerFacts c, long frozenBundleBytes, TimeSpan fixedCost, double bandwidth, double memoryRate,
            double sourceWrite, double destinationWrite, bool lazyRestore, bool streamed = false)
        {
            var dump = c.MemoryBytes / sourceWrite;
            var send = c.MemoryBytes / memoryRate;
            var bundle = frozenBundleBytes / bandwidth;
            var restore = lazyRestore ? PostCopySetup : TimeSpan.FromSeconds(c.MemoryBytes / destinationWrite);
            var stop = fixedCost + TimeSpan.FromSeconds((streamed ? Math.Max(dump, send) : dump + send) + bundle) + restore;
            var post = fixedCost + TimeSpan.FromSeconds(bundle) + PostCopySetup;
            return (stop, post);
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }
}
