using System;
using LiveMigrate.Migration;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Transfer;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>-StreamMemory: left out, streamed where both hosts have <see cref="StreamChoice.MinCpus"/> CPUs and nothing stands in the way; asked, checked; refused, dumped.</summary>
    public sealed class StreamChoiceTests
    {
        private static ReadinessEvidence Evidence(bool? asked = null, int? cpus = 8, MigrationMode? mode = null, Action<HostFacts>? source = null, Action<HostFacts>? destination = null,
            TransferRoute route = TransferRoute.Auto, StreamCompression compression = StreamCompression.None)
        {
            var e = Container(new ReadinessRequest { Mode = mode, StreamMemory = asked, TransferRoute = route, Compression = compression });
            e.Source.Facts = Found(Facts(f => { f.Cpus = cpus; source?.Invoke(f); }));
            e.Destination.Facts = Found(Facts(f => { f.Cpus = cpus; destination?.Invoke(f); }));
            return e;
        }

        [Theory]
        [InlineData(8, "Streamed: -StreamMemory Auto chose it (src has 8 CPUs and dst has 8 CPUs); CRIU sends it into a page server on dst as it dumps", true)]
        [InlineData(4, "Streamed: -StreamMemory Auto chose it (src has 4 CPUs", true)]
        [InlineData(3, "Dumped: -StreamMemory Auto chose it, as src has 3 CPUs and dst has 3 CPUs: streaming keeps", false)]
        [InlineData(null, "Dumped: -StreamMemory Auto chose it, as src's CPUs were not counted and dst's CPUs were not counted", false)]
        public void Auto_streams_from_the_CPUs_a_host_needs(int? cpus, string detail, bool streamed)
        {
            var rows = Evidence(cpus: cpus).Judge();

            rows.Row(StreamChoice.Check, Pair).Is(ReadinessStatus.Pass, detail);
            Assert.Equal(streamed, StreamChoice.Chosen(rows));
        }

        [Fact]
        public void One_host_short_of_CPUs_is_enough_to_dump()
        {
            var rows = Evidence(destination: f => f.Cpus = 2).Judge();

            rows.Row(StreamChoice.Check, Pair).Is(ReadinessStatus.Pass, "Dumped: -StreamMemory Auto chose it, as src has 8 CPUs and dst has 2 CPUs");
        }

        [Fact]
        public void Auto_dumps_compressed_memory_which_the_page_server_would_take_plain()
        {
            var rows = Evidence(compression: StreamCompression.Zstd, source: f => f.Compressors.Add(StreamCompression.Zstd), destination: f => f.Compressors.Add(StreamCompression.Zstd)).Judge();

            rows.Row(StreamChoice.Check, Pair).Is(ReadinessStatus.Pass, "Dumped: -StreamMemory Auto chose it, as the memory goes compressed (Zstd)");
        }

        [Theory]
        [InlineData(null, "Dumped: -StreamMemory Auto chose it, as the memory cannot stream here: the streams are relayed (-TransferRoute Relay)", ReadinessStatus.Pass)]
        [InlineData(true, "Streamed: asked, and the memory cannot stream here: the streams are relayed (-TransferRoute Relay)", ReadinessStatus.Fail)]
        public void Relayed_it_cannot_stream_and_asked_it_fails_with_the_way_out(bool? asked, string detail, ReadinessStatus status)
        {
            var rows = Evidence(asked, route: TransferRoute.Relay).Judge();

            rows.Row(StreamChoice.Check, Pair).Is(status, detail);
            if (status == ReadinessStatus.Fail) Assert.StartsWith("Leave -StreamMemory out", rows.Row(StreamChoice.Check, Pair).Remedy);
        }

        [Fact]
        public void Names_every_reason_it_cannot_stream()
        {
            var e = Evidence(true, mode: MigrationMode.PreCopy, source: f => f.IptablesWorks = false, destination: f => f.Architecture = "aarch64");
            e.Bandwidth = Found(new Bandwidth(100e6, "relayed through this controller"));

            var row = e.Judge().Row(StreamChoice.Check, Pair);

            row.Is(ReadinessStatus.Fail, "Streamed: asked, and the memory cannot stream here: -Mode PreCopy's final dump needs its parent images, which are on the source; " +
                "no direct link could be made from src to dst (the bandwidth was measured relayed; -Verbose says why); dst is aarch64, and the page guard that bridges the stream is an x86_64 program; " +
                "src has no working iptables");
        }

        [Fact]
        public void Asked_streams_whatever_the_CPUs_and_refused_dumps()
        {
            Assert.True(StreamChoice.Chosen(Evidence(true, cpus: 1).Judge()));
            var refused = Evidence(false).Judge();
            refused.Row(StreamChoice.Check, Pair).Is(ReadinessStatus.Pass, "Dumped: as asked (-StreamMemory:$false)");
            Assert.False(StreamChoice.Chosen(refused));
        }

        [Fact]
        public void Post_copy_and_uninspected_hosts_choose_nothing()
        {
            Assert.Null(StreamChoice.Chosen(Evidence(mode: MigrationMode.PostCopy).Judge()));
            var e = Evidence();
            e.Destination.Facts = Broken<HostFacts>("no answer");
            Assert.Null(StreamChoice.Chosen(e.Judge()));
        }

        [Fact]
        public void Streamed_the_downtime_counts_the_slower_of_the_dump_and_the_send_not_both()
        {
            var c = ContainerFacts.Parse(InspectOutput(memKb: 1 << 20));
            var dumped = CapacityChecks.Estimate(c, 0, TimeSpan.FromSeconds(1), 500e6, 500e6, 1e9, 1e9, lazyRestore: true, streamed: false);
            var streamed = CapacityChecks.Estimate(c, 0, TimeSpan.FromSeconds(1), 500e6, 500e6, 1e9, 1e9, lazyRestore: true, streamed: true);

            // 1 GiB: dumped at 1 GB/s (1.07 s), sent at 500 MB/s (2.15 s).
            Assert.Equal(1.07, (dumped.Stop - streamed.Stop).TotalSeconds, 2);
            Assert.Contains("the memory streamed while dumping", Evidence().Judge().Row(CapacityChecks.Downtime, Pair).Detail);
            Assert.DoesNotContain("streamed while dumping", Evidence(cpus: 2).Judge().Row(CapacityChecks.Downtime, Pair).Detail);
        }
    }
}
