using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>memory-sample.sh run by a real /bin/sh on this test's own process, whose memory spans many mappings.</summary>
    public sealed class MemorySampleScriptTests
    {
        private static CompressionSample Sample(int budgetMib, params string[] codecs)
        {
            var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            var args = new[] { "sh", "-c", HostScript.Text("memory-sample.sh"), "memory-sample.sh", budgetMib.ToString(CultureInfo.InvariantCulture) }
                .Concat(codecs).Concat(new[] { "--", pid });
            var result = new LocalHostSession().Run(new CommandLine(args), TimeSpan.FromSeconds(60), CancellationToken.None);
            Assert.True(result.Succeeded, result.StandardOutput + result.StandardError);
            return CompressionSample.Parse(result.StandardOutput);
        }

        [Fact]
        public void Reads_at_most_its_budget_in_pieces_spread_over_every_mapping_and_times_each_codec()
        {
            var sample = Sample(4, "zstd", StreamCodec.Compressor(StreamCompression.Zstd)!, "lz4", StreamCodec.Compressor(StreamCompression.Lz4)!);

            // Hundreds of mappings, most far smaller than a piece: still no more than 4 pieces of 1 MiB.
            Assert.InRange(sample.SampleBytes, 1L << 20, 4L << 20);
            Assert.Equal(new[] { StreamCompression.Zstd, StreamCompression.Lz4 }, sample.Codecs.Select(c => c.Codec));
            Assert.All(sample.Codecs, c => Assert.True(c.CompressedBytes > 0 && c.CompressedBytes < sample.SampleBytes && c.CompressSeconds > 0, $"{c.Codec}"));
        }

        [Theory]
        [InlineData("gzip", "gzip -1")]
        [InlineData("zstd", "zstd -1")]
        public void Refuses_a_codec_it_does_not_know_or_no_separator(string codec, string program)
        {
            var args = new[] { "sh", "-c", HostScript.Text("memory-sample.sh"), "memory-sample.sh", "4", codec, program };
            if (codec != "zstd") args = args.Concat(new[] { "--", "1" }).ToArray();

            var result = new LocalHostSession().Run(new CommandLine(args), TimeSpan.FromSeconds(60), CancellationToken.None);

            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith("error=", result.StandardOutput);
        }
    }
}
