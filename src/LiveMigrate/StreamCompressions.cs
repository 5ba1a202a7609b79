using System;
using LiveMigrate.Transfer;

namespace LiveMigrate
{
    /// <summary>-Compress's values as the cmdlets take them: strings, since PowerShell reads parameter types before the engine loads.</summary>
    internal static class StreamCompressions
    {
        public const string Auto = nameof(StreamCompression.Auto);
        public const string None = nameof(StreamCompression.None);
        public const string Zstd = nameof(StreamCompression.Zstd);
        public const string Lz4 = nameof(StreamCompression.Lz4);

        public static StreamCompression Parse(string value) => (StreamCompression)Enum.Parse(typeof(StreamCompression), value, ignoreCase: true);
    }
}
