using System;
using System.Collections.Generic;
using System.IO;
using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    public sealed class DumpStatsTests
    {
        // stats-dump of `runc checkpoint` of a 4 MiB lab workload (CRIU 4.1.1), byte for byte.
        private static readonly byte[] LabDump =
        {
            0x40, 0x59, 0x10, 0x55, 0x06, 0x33, 0x09, 0x57, 0x25, 0x00, 0x00, 0x00, 0x0a, 0x23, 0x08, 0xcd,
            0x06, 0x10, 0xcf, 0x98, 0x0e, 0x18, 0xde, 0x26, 0x20, 0xc3, 0x1c, 0x28, 0xae, 0x08, 0x30, 0x00,
            0x38, 0xa0, 0x08, 0x40, 0x00, 0x48, 0x00, 0x50, 0x09, 0x58, 0x09, 0x60, 0x00, 0x68, 0x00, 0x70,
            0x00,
        };

        // CRIU's layout: service magic, stats magic, one length-prefixed stats_entry whose field 1 is dump_stats_entry.
        internal static byte[] Image(params (int field, ulong value)[] dump)
        {
            var inner = new List<byte>();
            foreach (var (field, value) in dump) { inner.AddRange(Varint((ulong)(field << 3))); inner.AddRange(Varint(value)); }
            var entry = new List<byte> { 0x0a };
            entry.AddRange(Varint((ulong)inner.Count));
            entry.AddRange(inner);
            var s = new MemoryStream();
            foreach (var u in new uint[] { 0x55105940, 0x57093306, (uint)entry.Count }) s.Write(BitConverter.GetBytes(u), 0, 4);
            s.Write(entry.ToArray(), 0, entry.Count);
            return s.ToArray();
        }

        private static IEnumerable<byte> Varint(ulong x)
        {
            while (x >= 0x80) { yield return (byte)(x | 0x80); x >>= 7; }
            yield return (byte)x;
        }

        [Fact]
        public void Reads_a_real_dump_s_statistics()
        {
            var stats = DumpStats.Parse(LabDump);

            Assert.Equal(1070, stats.PagesScanned);
            Assert.Equal(0, stats.PagesSkippedParent);
            Assert.Equal(1056, stats.PagesWritten);
            Assert.Equal(TimeSpan.FromTicks(845 * 10), stats.FreezingTime);
            Assert.Equal(TimeSpan.FromTicks(232527 * 10), stats.FrozenTime);
        }

        [Fact]
        public void Reads_a_pre_dump_round_on_top_of_its_parent()
        {
            // Large counters take several varint bytes; fields it does not know are skipped.
            var stats = DumpStats.Parse(Image((1, 120), (2, 3_000_000), (5, 5_000_000), (6, 4_990_000), (7, 10_000), (9, 0), (14, 77)));

            Assert.Equal(5_000_000, stats.PagesScanned);
            Assert.Equal(4_990_000, stats.PagesSkippedParent);
            Assert.Equal(10_000, stats.PagesWritten);
            Assert.Equal(TimeSpan.FromSeconds(3), stats.FrozenTime);
        }

        [Fact]
        public void Refuses_another_image()
        {
            var pagemap = (byte[])LabDump.Clone();
            pagemap[0] = 0x19; pagemap[1] = 0x43; pagemap[2] = 0x56; pagemap[3] = 0x54;

            Assert.Contains("stats", Assert.Throws<FormatException>(() => DumpStats.Parse(pagemap)).Message);
        }

        [Fact]
        public void Refuses_a_truncated_image_and_one_without_dump_statistics()
        {
            Assert.Throws<FormatException>(() => DumpStats.Parse(LabDump[..^3]));
            var restoreOnly = new byte[] { 0x40, 0x59, 0x10, 0x55, 0x06, 0x33, 0x09, 0x57, 0x04, 0x00, 0x00, 0x00, 0x12, 0x02, 0x08, 0x01 };
            Assert.Contains("no dump statistics", Assert.Throws<FormatException>(() => DumpStats.Parse(restoreOnly)).Message);
        }
    }
}
