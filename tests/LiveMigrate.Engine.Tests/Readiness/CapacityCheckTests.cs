using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>
    /// Free space and Downtime for a container of 1,048,576,000 bytes of memory and 52,428,800 of bundle, between hosts
    /// that stream 262,144,000 B/s and write 524,288,000 (source) and 1,048,576,000 (destination) B/s: memory takes 4 s on
    /// the wire, 2 s to dump, 1 s to read back; the bundle 0.2 s. The canaries cost 0.4 s + 0.3 s.
    /// Stop: 0.7 + 2 + 4 + 0.2 + 1 = 7.9 s. PostCopy (no memory written or sent while frozen): 0.7 + 0.2 + 0.3 (setup) = 1.2 s.
    /// That is with -BundleSync Full; with Delta the bundle's files changed in the last minute (5 MiB: 0.02 s) go frozen, with None nothing.
    /// Restored eagerly (-LazyRestore:$false) unless a test says otherwise: lazily, the 1 s of reading back becomes the
    /// page daemon's 0.3 s setup.
    /// </summary>
    public sealed class CapacityCheckTests
    {
        private const long MemKb = 1024000, BundleKb = 51200;

        private static ReadinessEvidence Sized(MigrationMode? mode = null, TimeSpan? max = null, string? paths = null, BundleSync sync = BundleSync.Full, bool? lazy = false,
            LiveMigrate.Transfer.StreamCompression compression = LiveMigrate.Transfer.StreamCompression.Auto)
        {
            var e = Container(new ReadinessRequest { Mode = mode, MaxDowntime = max, BundleSync = sync, LazyRestore = lazy, Compression = compression },
                inspect: InspectOutput(MemKb, BundleKb, Config, "bundle_recent_bytes=5242880"), paths: paths);
            e.Source.Facts = Found(Facts(f => f.WriteBytesPerSecond = 524288000));
            e.Destination.Facts = Found(Facts(f => f.WriteBytesPerSecond = 1048576000));
            e.Bandwidth = Found(new Bandwidth(262144000.0, "over a direct link"));
            return e;
        }

        [Fact]
        public void Estimate_adds_dump_wire_and_read_back_for_stop_and_only_bundle_and_setup_for_post_copy()
        {
            var facts = ContainerFacts.Parse(InspectOutput(MemKb, BundleKb));

            var (stop, post) = CapacityChecks.Estimate(facts, facts.BundleBytes, TimeSpan.FromSeconds(0.5), 262144000, 262144000, 524288000, 1048576000, lazyRestore: false);

            Assert.Equal(7.7, stop.TotalSeconds, 6);
            Assert.Equal(1.0, post.TotalSeconds, 6);
        }

        [Fact]
        public void Estimate_of_a_lazy_restore_counts_the_page_daemon_s_setup_instead_of_reading_the_memory_back()
        {
            var facts = ContainerFacts.Parse(InspectOutput(MemKb, BundleKb));

            var (stop, _) = CapacityChecks.Estimate(facts, facts.BundleBytes, TimeSpan.FromSeconds(0.5), 262144000, 262144000, 524288000, 1048576000, lazyRestore: true);

            Assert.Equal(0.5 + 2 + 4 + 0.2 + 0.3, stop.TotalSeconds, 6);
        }

        [Fact]
        public void Estimate_streams_the_memory_at_the_codec_s_rate_and_the_bundle_at_the_bandwidth()
        {
            var facts = ContainerFacts.Parse(InspectOutput(MemKb, BundleKb));

            var (stop, _) = CapacityChecks.Estimate(facts, facts.BundleBytes, TimeSpan.FromSeconds(0.5), 262144000, 524288000, 524288000, 1048576000, lazyRestore: false);

            Assert.Equal(0.5 + 2 + 2 + 0.2 + 1, stop.TotalSeconds, 6);
        }

        [Fact]
        public void Left_to_readiness_a_large_memory_is_estimated_with_a_lazy_restore()
        {
            Sized(MigrationMode.Stop, lazy: null).Judge().Row(CapacityChecks.Downtime, Pair)
                .Is(ReadinessStatus.Pass, "About 7.20 s with -Mode Stop").Is(ReadinessStatus.Pass, "a lazy restore");
        }

        [Theory]
        [InlineData(LiveMigrate.Transfer.StreamCompression.Auto)]
        [InlineData(LiveMigrate.Transfer.StreamCompression.Zstd)]
        public void Compression_chosen_or_named_shortens_the_stream_in_the_estimate(LiveMigrate.Transfer.StreamCompression asked)
        {
            // zstd: 10% of the sample, compresses at 336 MB/s, decompresses at 1678: over 262 MB/s it promises 336 MB/s.
            var e = Sized(MigrationMode.Stop, compression: asked);
            e.Source.Facts = Found(Facts(f => { f.WriteBytesPerSecond = 524288000; f.Compressors.Add(LiveMigrate.Transfer.StreamCompression.Zstd); }));
            e.Destination.Facts = Found(Facts(f => { f.WriteBytesPerSecond = 1048576000; f.Compressors.Add(LiveMigrate.Transfer.StreamCompression.Zstd); }));
            e.Compression = Found(CompressionSample.Parse("sample_bytes=33554432\nzstd_bytes=3355443\nzstd_us=100000\nzstd_d_us=20000\n"));

            // 0.7 + 2 + 1048576000 / 335544320 (3.125) + 0.2 + 1 = 7.025
            e.Judge().Row(CapacityChecks.Downtime, Pair).Is(ReadinessStatus.Pass, "About 7.03 s with -Mode Stop").Is(ReadinessStatus.Pass, "(Zstd: the memory streams at 336 MB/s)");
        }

        [Fact]
        public void Need_is_the_size_with_a_fifth_more_and_64_MiB()
        {
            Assert.Equal(64L << 20, CapacityChecks.Need(0));
            Assert.Equal(1258291200L + 67108864L, CapacityChecks.Need(1048576000));
        }

        [Fact]
        public void Room_on_both_hosts_passes()
        {
            var rows = Sized().Judge();

            rows.Row(CapacityChecks.FreeSpace, Src).Is(ReadinessStatus.Pass, "100.0 GiB free in /var/lib/livemigrate for the checkpoint images (about 1.2 GiB needed)");
            // Bundle and images on one device (2049): one row for both.
            rows.Row(CapacityChecks.FreeSpace, Dst).Is(ReadinessStatus.Pass, "for the images and the bundle");
        }

        [Fact]
        public void Too_little_room_for_the_images_fails_with_the_numbers()
        {
            var e = Sized();
            e.Source.Facts = Found(Facts(f => { f.ImagesFreeBytes = 1L << 30; f.WriteBytesPerSecond = 524288000; }));

            e.Judge().Row(CapacityChecks.FreeSpace, Src).Is(ReadinessStatus.Fail,
                "Only 1.0 GiB free in /var/lib/livemigrate; about 1.2 GiB is needed for the checkpoint images (their size x1.2 + 64 MiB)",
                "Free 240 MiB there, or give -ImageRoot");
        }

        [Theory]
        [InlineData(MigrationMode.PostCopy, ReadinessStatus.Pass)]
        [InlineData(MigrationMode.Stop, ReadinessStatus.Fail)]
        public void The_source_needs_room_for_the_memory_unless_post_copy_serves_it_from_the_frozen_tasks(MigrationMode mode, ReadinessStatus expected)
        {
            var e = Sized(mode);
            e.Source.Facts = Found(Facts(f => { f.ImagesFreeBytes = 1L << 30; f.WriteBytesPerSecond = 524288000; }));

            e.Judge().Row(CapacityChecks.FreeSpace, Src).Is(expected, "1.0 GiB free in /var/lib/livemigrate");
        }

        [Theory]
        [InlineData(MigrationMode.PostCopy, ReadinessStatus.Pass)]
        [InlineData(MigrationMode.Stop, ReadinessStatus.Fail)]
        public void On_another_device_the_destination_s_images_need_room_unless_post_copy_streams_them(MigrationMode mode, ReadinessStatus expected)
        {
            var e = Sized(mode, paths: PathsOutput(device: "64768"));
            e.Destination.Facts = Found(Facts(f => { f.ImagesFreeBytes = 500L << 20; f.WriteBytesPerSecond = 1048576000; }));

            var rows = e.Judge().Rows(CapacityChecks.FreeSpace, Dst);

            Assert.Equal(2, rows.Count);
            rows.Single(r => r.Detail.Contains("the checkpoint images")).Is(expected, "500 MiB");
            rows.Single(r => r.Detail.Contains("the bundle")).Is(ReadinessStatus.Pass, "/var/lib/livemigrate/bundles");
        }

        [Fact]
        public void Unreadable_free_space_warns()
        {
            var e = Sized();
            e.Destination.Facts = Found(Facts(f => { f.ImagesFreeBytes = null; f.WriteBytesPerSecond = 1048576000; }));

            e.Judge().Row(CapacityChecks.FreeSpace, Dst).Is(ReadinessStatus.Warn, "df failed", "by hand");
        }

        [Fact]
        public void Without_a_mode_the_downtime_of_both_is_shown()
        {
            Sized(max: TimeSpan.FromSeconds(5)).Judge().Row(CapacityChecks.Downtime, Pair)
                .Is(ReadinessStatus.Pass, "About 7.90 s with -Mode Stop, 1.20 s with -Mode PostCopy (1000 MiB of memory, 50 MiB of the bundle's 50 MiB sent while frozen (-BundleSync Full), 262 MB/s");
        }

        [Theory]
        [InlineData(BundleSync.Auto, "7.72", "1.02", "5 MiB of the bundle's 50 MiB sent while frozen (-BundleSync Delta)")]
        [InlineData(BundleSync.Delta, "7.72", "1.02", "5 MiB of the bundle's 50 MiB sent while frozen (-BundleSync Delta)")]
        [InlineData(BundleSync.None, "7.70", "1.00", "0 MiB of the bundle's 50 MiB sent while frozen (-BundleSync None)")]
        public void The_downtime_counts_only_what_of_the_bundle_travels_while_frozen(BundleSync sync, string stop, string post, string inputs)
        {
            var e = Sized(sync: sync, paths: sync == BundleSync.None ? "bundle_exists=1\n" + PathsOutput() : null);

            e.Judge().Row(CapacityChecks.Downtime, Pair).Is(ReadinessStatus.Pass,
                $"About {stop} s with -Mode Stop, {post} s with -Mode PostCopy").Is(ReadinessStatus.Pass, inputs);
        }

        [Fact]
        public void Stop_over_max_downtime_warns_and_suggests_post_copy()
        {
            Sized(MigrationMode.Stop, TimeSpan.FromSeconds(5)).Judge().Row(CapacityChecks.Downtime, Pair)
                .Is(ReadinessStatus.Warn, "About 7.90 s with -Mode Stop", "Use -Mode PostCopy")
                .Is(ReadinessStatus.Warn, "That is over -MaxDowntime 5.00 s.");
        }

        [Fact]
        public void Post_copy_over_max_downtime_warns_and_suggests_less_memory()
        {
            var row = Sized(MigrationMode.PostCopy, TimeSpan.FromSeconds(1)).Judge().Row(CapacityChecks.Downtime, Pair)
                .Is(ReadinessStatus.Warn, "About 1.20 s with -Mode PostCopy", "Shrink the container's memory");
            Assert.DoesNotContain("-Mode PostCopy", row.Remedy);
        }

        [Fact]
        public void Stop_under_max_downtime_passes()
        {
            Sized(MigrationMode.Stop, TimeSpan.FromSeconds(8)).Judge().Row(CapacityChecks.Downtime, Pair).Is(ReadinessStatus.Pass, "7.90 s");
        }

        [Fact]
        public void Without_the_bandwidth_the_downtime_is_not_estimated()
        {
            var e = Sized();
            e.Bandwidth = Broken<Bandwidth>("Nothing arrived");

            e.Judge().Row(CapacityChecks.Downtime, Pair).Is(ReadinessStatus.Skipped, "bandwidth");
        }
    }
}
