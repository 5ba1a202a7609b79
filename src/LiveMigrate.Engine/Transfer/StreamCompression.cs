using System;

namespace LiveMigrate.Transfer
{
    /// <summary>How the tree streams of a migration are compressed on the way (the images and the bundle).</summary>
    public enum StreamCompression
    {
        /// <summary>Plain tar.</summary>
        None,
        /// <summary>zstd -1 using every core on the source; zstd -d before tar -x on the destination.</summary>
        Zstd,
        /// <summary>lz4 -1 on the source; lz4 -d before tar -x on the destination.</summary>
        Lz4,
        /// <summary>Chosen by readiness from a sample of the container's memory and the measured bandwidth (<see cref="Readiness.CompressionChoice"/>); left to the engine alone, None.</summary>
        Auto,
    }

    /// <summary>The programs a compression runs, as tar's --use-compress-program takes them (tar adds -d to decompress).</summary>
    public static class StreamCodec
    {
        /// <summary>The word that names the codec to the hosts' scripts: "none", "zstd" or "lz4".</summary>
        public static string Word(StreamCompression c) => c switch
        {
            StreamCompression.None => "none",
            StreamCompression.Zstd => "zstd",
            StreamCompression.Lz4 => "lz4",
            _ => throw new ArgumentException($"Compression {c} must be settled before a stream runs.", nameof(c)),
        };

        /// <summary>The compressor tar runs on the source; null for none. Fast levels: the stream must keep up with the link.</summary>
        public static string? Compressor(StreamCompression c) => c switch
        {
            StreamCompression.Zstd => "zstd -1 -T0 -q",
            StreamCompression.Lz4 => "lz4 -1 -q",
            StreamCompression.None => null,
            _ => throw new ArgumentException($"Compression {c} must be settled before a stream runs.", nameof(c)),
        };

        /// <summary>What a stream uses: Auto that nobody settled (no readiness) sends plain tar.</summary>
        public static StreamCompression Settled(StreamCompression c) => c == StreamCompression.Auto ? StreamCompression.None : c;
    }
}
