using System.Linq;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Transfer;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>-Compress: Auto compresses only when a codec's stream beats the bandwidth by the margin; an explicit codec needs its program on both hosts.</summary>
    public sealed class CompressionChoiceTests
    {
        private const long Sample = 32L << 20;

        // Compresses at 400 MB/s, decompresses at 1 GB/s, to the given fraction of the sample.
        private static CodecSample Codec(StreamCompression codec, double ratio, double compressMBps = 400, double decompressMBps = 1000) =>
            new CodecSample(codec, (long)(Sample * ratio), Sample / (compressMBps * 1e6), Sample / (decompressMBps * 1e6));

        [Theory]
        // Incompressible memory (random pages): the stream is no faster than the link.
        [InlineData(300, 1.0, 1.0, "None")]
        // Half the size over a 300 MB/s link: the link allows 600 MB/s, the compressors 400, which is >= 1.25 x 300; a tie keeps zstd.
        [InlineData(300, 0.5, 0.6, "Zstd")]
        // Zeros, a fast link: both compress far beyond it, but only up to their compressors' speed, which is not 1.25 x 1000.
        [InlineData(1000, 0.01, 0.01, "None")]
        // A slow link: the better ratio wins (333 MB/s against lz4's 200).
        [InlineData(100, 0.3, 0.5, "Zstd")]
        public void Auto_picks_the_fastest_stream_only_when_it_beats_the_bandwidth_by_the_margin(double linkMBps, double zstdRatio, double lz4Ratio, string expected)
        {
            var codecs = new[] { Codec(StreamCompression.Zstd, zstdRatio), Codec(StreamCompression.Lz4, lz4Ratio) };

            Assert.Equal(expected, CompressionChoice.Choose(linkMBps * 1e6, Sample, codecs).ToString());
        }

        [Fact]
        public void A_faster_compressor_wins_where_the_compressor_is_the_bottleneck()
        {
            var codecs = new[] { Codec(StreamCompression.Zstd, 0.2, compressMBps: 350), Codec(StreamCompression.Lz4, 0.3, compressMBps: 900) };

            Assert.Equal(StreamCompression.Lz4, CompressionChoice.Choose(300e6, Sample, codecs));
            Assert.Equal(900e6, CompressionChoice.StreamRate(codecs[1], Sample, 300e6), 0);
        }

        [Fact]
        public void Too_small_a_sample_or_no_codec_picks_None()
        {
            Assert.Equal(StreamCompression.None, CompressionChoice.Choose(100e6, CompressionChoice.MinSampleBytes - 1, new[] { Codec(StreamCompression.Zstd, 0.01) }));
            Assert.Equal(StreamCompression.None, CompressionChoice.Choose(100e6, Sample, new CodecSample[0]));
        }

        private static ReadinessEvidence Evidence(StreamCompression asked, string sample, double bandwidth, params StreamCompression[] installed)
        {
            var e = Container(new ReadinessRequest { Compression = asked });
            e.Source.Facts = Found(Facts(f => { foreach (var c in installed) f.Compressors.Add(c); }));
            e.Destination.Facts = Found(Facts(f => { foreach (var c in installed) f.Compressors.Add(c); }));
            e.Bandwidth = Found(new Bandwidth(bandwidth, "over a direct link"));
            e.Compression = Found(CompressionSample.Parse(sample));
            return e;
        }

        // 32 MiB of text-like memory: zstd to 10% in 0.1 s, lz4 to 25% in 0.05 s; both decompress in 0.02 s.
        private const string Compressible = "sample_bytes=33554432\nzstd_bytes=3355443\nzstd_us=100000\nzstd_d_us=20000\nlz4_bytes=8388608\nlz4_us=50000\nlz4_d_us=20000\n";

        [Fact]
        public void Auto_reports_its_choice_and_the_numbers_it_chose_from()
        {
            // zstd promises min(336, 1678, 30 / 0.1) = 300 MB/s, lz4 min(671, 1678, 30 / 0.25) = 120 MB/s.
            var rows = Evidence(StreamCompression.Auto, Compressible, 30e6, StreamCompression.Zstd, StreamCompression.Lz4).Judge();

            rows.Row(CompressionChoice.Check, Pair).Is(ReadinessStatus.Pass, "Zstd: -Compress Auto chose it from a 32 MiB sample of the memory and 30 MB/s between the hosts")
                .Is(ReadinessStatus.Pass, "zstd 10% of its size, compresses 336 MB/s");
            Assert.Equal(StreamCompression.Zstd, CompressionChoice.Chosen(rows));
        }

        [Fact]
        public void Auto_leaves_out_a_codec_one_host_lacks()
        {
            var e = Evidence(StreamCompression.Auto, Compressible, 30e6, StreamCompression.Zstd, StreamCompression.Lz4);
            e.Destination.Facts = Found(Facts(f => f.Compressors.Add(StreamCompression.Lz4)));

            Assert.Equal(StreamCompression.Lz4, CompressionChoice.Chosen(e.Judge()));
            Assert.Equal(StreamCompression.None, CompressionChoice.Chosen(Evidence(StreamCompression.Auto, Compressible, 100e6).Judge()));
        }

        [Fact]
        public void Auto_without_a_measurement_sends_plain_tar()
        {
            var e = Evidence(StreamCompression.Auto, Compressible, 100e6, StreamCompression.Zstd);
            e.Compression = Broken<CompressionSample>("cannot read /proc/4242/mem");

            var rows = e.Judge();

            rows.Row(CompressionChoice.Check, Pair).Is(ReadinessStatus.Pass, "None: -Compress Auto chose it, as nothing was measured to compress for: cannot read /proc/4242/mem");
            Assert.Equal(StreamCompression.None, CompressionChoice.Chosen(rows));
        }

        [Fact]
        public void An_explicit_codec_a_host_lacks_fails_readiness_with_the_fix()
        {
            var e = Evidence(StreamCompression.Zstd, Compressible, 100e6, StreamCompression.Zstd);
            e.Destination.Facts = Found(Facts());

            var rows = e.Judge();

            rows.Row(CompressionChoice.Check, Pair).Is(ReadinessStatus.Fail, $"Zstd: zstd is not installed on {Dst}.", "apt-get install zstd");
            Assert.Equal(StreamCompression.Zstd, CompressionChoice.Chosen(rows));
        }

        [Fact]
        public void The_sample_script_s_answer_is_read_per_installed_codec()
        {
            var sample = CompressionSample.Parse("sample_bytes=1048576\nlz4_bytes=1000\nlz4_us=2000\nlz4_d_us=1000\n");

            Assert.Equal(1048576, sample.SampleBytes);
            var lz4 = Assert.Single(sample.Codecs);
            Assert.Equal((StreamCompression.Lz4, 1000L, 0.002, 0.001), (lz4.Codec, lz4.CompressedBytes, lz4.CompressSeconds, lz4.DecompressSeconds));
        }
    }
}
