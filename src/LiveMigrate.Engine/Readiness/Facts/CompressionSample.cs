using System.Collections.Generic;
using LiveMigrate.Transfer;

namespace LiveMigrate.Readiness.Facts
{
    /// <summary>How one compressor did on a sample of the container's memory, on the source.</summary>
    public sealed class CodecSample
    {
        public CodecSample(StreamCompression codec, long compressedBytes, double compressSeconds, double decompressSeconds)
        {
            Codec = codec;
            CompressedBytes = compressedBytes;
            CompressSeconds = compressSeconds;
            DecompressSeconds = decompressSeconds;
        }

        public StreamCompression Codec { get; }
        public long CompressedBytes { get; }
        public double CompressSeconds { get; }
        public double DecompressSeconds { get; }
    }

    /// <summary>memory-sample.sh's answer: the sample's size and each installed compressor's result on it.</summary>
    public sealed class CompressionSample
    {
        public CompressionSample(long sampleBytes, IReadOnlyList<CodecSample> codecs)
        {
            SampleBytes = sampleBytes;
            Codecs = codecs;
        }

        public long SampleBytes { get; }
        public IReadOnlyList<CodecSample> Codecs { get; }

        internal static CompressionSample Parse(string text)
        {
            var kv = new KeyValueLines(text);
            var codecs = new List<CodecSample>();
            foreach (var codec in new[] { StreamCompression.Zstd, StreamCompression.Lz4 })
            {
                var word = StreamCodec.Word(codec);
                if (kv.Long(word + "_bytes") is long bytes && kv.Long(word + "_us") is long us && kv.Long(word + "_d_us") is long dus)
                    codecs.Add(new CodecSample(codec, bytes, us / 1e6, dus / 1e6));
            }
            return new CompressionSample(kv.Long("sample_bytes") ?? 0, codecs);
        }
    }
}
