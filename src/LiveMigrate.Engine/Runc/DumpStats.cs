using System;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// What CRIU says one dump or pre-dump did, read from the stats-dump image it writes into the image
    /// directory (images/stats.proto: stats_entry.dump). Times are CRIU's, in microseconds.
    /// </summary>
    public sealed class DumpStats
    {
        private const uint StatsMagic = 0x57093306;
        public const int PageSize = 4096;

        public DumpStats(long pagesScanned, long pagesSkippedParent, long pagesWritten, TimeSpan freezingTime, TimeSpan frozenTime)
        {
            PagesScanned = pagesScanned;
            PagesSkippedParent = pagesSkippedParent;
            PagesWritten = pagesWritten;
            FreezingTime = freezingTime;
            FrozenTime = frozenTime;
        }

        /// <summary>Pages of the processes' memory CRIU looked at.</summary>
        public long PagesScanned { get; }
        /// <summary>Pages left out because the parent images already hold them unchanged.</summary>
        public long PagesSkippedParent { get; }
        /// <summary>Pages written to this dump's pages files: what has to travel.</summary>
        public long PagesWritten { get; }
        public TimeSpan FreezingTime { get; }
        /// <summary>How long the container's tasks were frozen; in a pre-dump, only while its pages were collected.</summary>
        public TimeSpan FrozenTime { get; }

        public static DumpStats Parse(byte[] image)
        {
            var pos = CriuImage.Open(image, CriuImage.ServiceMagic, StatsMagic, "stats");
            var dump = CriuImage.Message(image, ref pos, "stats").Nested(1)
                ?? throw new FormatException("The CRIU stats image holds no dump statistics (a restore's stats?).");
            return new DumpStats((long)dump.Number(5), (long)dump.Number(6), (long)dump.Number(7),
                Microseconds(dump.Number(1)), Microseconds(dump.Number(2)));
        }

        private static TimeSpan Microseconds(ulong us) => TimeSpan.FromTicks((long)us * 10);
    }
}
