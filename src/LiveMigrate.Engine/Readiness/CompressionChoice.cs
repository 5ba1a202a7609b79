using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Transfer;
using static LiveMigrate.Readiness.Checks.ReadinessChecks;

namespace LiveMigrate.Readiness
{
    /// <summary>
    /// -Compress: whether the streams are compressed, and with what. Auto compresses only where it pays: from a sample
    /// of the container's memory compressed on the source with the streams' own programs, each codec's stream would go at
    /// most as fast as its compressor, its decompressor and the measured bandwidth divided by its ratio allow; the fastest
    /// is chosen if that is at least <see cref="Gain"/> times the bandwidth, else None. Readiness's "Compression" row
    /// carries the choice and its numbers to the cmdlet that settles the option.
    /// </summary>
    public static class CompressionChoice
    {
        public const string Check = "Compression";
        /// <summary>
        /// How much faster a compressed stream must promise to be: the compressor shares the source's cores with SSH's
        /// encryption, which the sample's timing does not see.
        /// </summary>
        public const double Gain = 1.25;
        /// <summary>Below this, a sample's timing is mostly the programs' start-up: too little memory for it to matter.</summary>
        public const long MinSampleBytes = 1L << 20;

        /// <summary>What readiness chose (or was told), or null when it could not tell: the engine then sends plain tar.</summary>
        public static StreamCompression? Chosen(IReadOnlyList<ReadinessResult> results)
        {
            var row = results.FirstOrDefault(r => r.Check == Check && r.Status != ReadinessStatus.Skipped);
            var colon = row?.Detail.IndexOf(':') ?? -1;
            return colon > 0 && Enum.TryParse<StreamCompression>(row!.Detail.Substring(0, colon), out var c) && c != StreamCompression.Auto ? c : (StreamCompression?)null;
        }

        /// <summary>A codec's promised stream rate in bytes of memory per second: the slowest of its three stages.</summary>
        public static double StreamRate(CodecSample codec, long sampleBytes, double linkBytesPerSecond)
        {
            var ratio = codec.CompressedBytes / (double)sampleBytes;
            return Math.Min(Math.Min(sampleBytes / Math.Max(codec.CompressSeconds, 1e-6), sampleBytes / Math.Max(codec.DecompressSeconds, 1e-6)),
                linkBytesPerSecond / Math.Max(ratio, 1e-6));
        }

        /// <summary>The Auto rule, from measured numbers only; <paramref name="codecs"/> are those installed on both hosts.</summary>
        public static StreamCompression Choose(double linkBytesPerSecond, long sampleBytes, IEnumerable<CodecSample> codecs)
        {
            if (sampleBytes < MinSampleBytes || linkBytesPerSecond <= 0) return StreamCompression.None;
            var best = codecs.Select(c => (c.Codec, Rate: StreamRate(c, sampleBytes, linkBytesPerSecond))).OrderByDescending(c => c.Rate).FirstOrDefault();
            return best.Rate >= Gain * linkBytesPerSecond ? best.Codec : StreamCompression.None;
        }

        /// <summary>Auto's codec from the measured sample and bandwidth, and the codecs both hosts have.</summary>
        private static (StreamCompression Codec, List<CodecSample> Usable) AutoChoice(ReadinessEvidence e)
        {
            var usable = e.Compression.Value.Codecs.Where(c => !Missing(e, c.Codec).Any()).ToList();
            return (Choose(e.Bandwidth.Value.BytesPerSecond, e.Compression.Value.SampleBytes, usable), usable);
        }

        /// <summary>
        /// How fast the memory would stream, in bytes of memory per second, and with what: the codec named or Auto's at the
        /// rate the sample promised for it, else the bandwidth (a codec without a sample is not guessed at).
        /// </summary>
        internal static (StreamCompression Codec, double BytesPerSecond) MemoryStream(ReadinessEvidence e)
        {
            var link = e.Bandwidth.Value.BytesPerSecond;
            var asked = e.Request.Compression;
            var sampled = e.Compression.Succeeded && e.Source.KnownFacts != null && e.Destination.KnownFacts != null;
            var codec = asked != StreamCompression.Auto ? asked : sampled ? AutoChoice(e).Codec : StreamCompression.None;
            var sample = sampled ? e.Compression.Value.Codecs.FirstOrDefault(c => c.Codec == codec) : null;
            return (codec, sample == null ? link : StreamRate(sample, Math.Max(e.Compression.Value.SampleBytes, 1), link));
        }

        /// <summary>Codecs the request or Auto could use that a host lacks.</summary>
        private static IEnumerable<string> Missing(ReadinessEvidence e, StreamCompression codec) =>
            new[] { e.Source, e.Destination }.Where(h => !h.KnownFacts!.Compressors.Contains(codec)).Select(h => h.Name);

        internal static ReadinessResult Row(ReadinessEvidence e)
        {
            var pair = e.Pair;
            var asked = e.Request.Compression;
            if (e.Source.KnownFacts == null || e.Destination.KnownFacts == null || (asked == StreamCompression.Auto && !e.ContainerFacts.Succeeded))
                return new ReadinessResult(Check, pair, ReadinessStatus.Skipped, "Not chosen: both hosts and the container must be inspected first (see the rows above).");
            if (asked == StreamCompression.None) return new ReadinessResult(Check, pair, ReadinessStatus.Pass, "None: as asked; the streams are plain tar.");
            if (asked != StreamCompression.Auto)
            {
                var program = StreamCodec.Word(asked);
                var lacking = Missing(e, asked).ToList();
                return lacking.Count == 0
                    ? new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"{asked}: as asked; the streams are compressed with {StreamCodec.Compressor(asked)}.")
                    : new ReadinessResult(Check, pair, ReadinessStatus.Fail, $"{asked}: {program} is not installed on {string.Join(" and ", lacking)}.",
                        $"Install {program} there (Debian: apt-get install {program}), or use -Compress Auto (which then sends plain tar) or None.");
            }
            if (!e.Compression.Succeeded || !e.Bandwidth.Succeeded)
            {
                var why = e.Compression.Error?.Message ?? e.Bandwidth.Error?.Message ?? "the container's memory or the bandwidth was not measured (see the rows above)";
                return new ReadinessResult(Check, pair, ReadinessStatus.Pass, $"None: -Compress Auto chose it, as nothing was measured to compress for: {why}");
            }
            var sample = e.Compression.Value;
            var link = e.Bandwidth.Value.BytesPerSecond;
            var (choice, usable) = AutoChoice(e);
            var numbers = string.Join("; ", usable.Select(c => string.Format(CultureInfo.InvariantCulture,
                "{0} {1:0}% of its size, compresses {2:0} MB/s, decompresses {3:0} MB/s, stream {4:0} MB/s", StreamCodec.Word(c.Codec),
                100.0 * c.CompressedBytes / Math.Max(sample.SampleBytes, 1), sample.SampleBytes / 1e6 / Math.Max(c.CompressSeconds, 1e-6),
                sample.SampleBytes / 1e6 / Math.Max(c.DecompressSeconds, 1e-6), StreamRate(c, Math.Max(sample.SampleBytes, 1), link) / 1e6)));
            var installed = usable.Count == 0 ? "neither zstd nor lz4 is installed on both hosts" : numbers;
            return new ReadinessResult(Check, pair, ReadinessStatus.Pass, string.Format(CultureInfo.InvariantCulture,
                "{0}: -Compress Auto chose it from a {1} sample of the memory and {2:0} MB/s between the hosts {5} ({3}); a codec is used when its stream promises {4}x the bandwidth.",
                choice, Size(sample.SampleBytes), link / 1e6, installed, Gain, e.Bandwidth.Value.Route));
        }
    }
}
