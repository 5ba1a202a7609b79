using System;
using System.Collections.Generic;
using System.IO;
using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    public sealed class PagemapTests
    {
        private const uint Parent = 1, Lazy = 2, Present = 4;

        // CRIU's layout: two magics, then length-prefixed protobuf messages (head, then one per entry).
        private static byte[] Image(int pagesId, params (ulong vaddr, uint pages, uint flags)[] entries)
        {
            var s = new MemoryStream();
            void U32(uint v) => s.Write(BitConverter.GetBytes(v), 0, 4);
            void Msg(List<byte> m) { U32((uint)m.Count); s.Write(m.ToArray(), 0, m.Count); }
            U32(0x54564319);
            U32(0x56084025);
            Msg(Field(1, (ulong)pagesId));
            foreach (var (vaddr, pages, flags) in entries)
            {
                var m = Field(1, vaddr);
                m.AddRange(Field(2, pages));
                if (flags != 0) m.AddRange(Field(4, flags));
                Msg(m);
            }
            return s.ToArray();
        }

        private static List<byte> Field(int number, ulong value)
        {
            var b = new List<byte>();
            foreach (var v in new[] { (ulong)(number << 3), value })
            {
                var x = v;
                while (x >= 0x80) { b.Add((byte)(x | 0x80)); x >>= 7; }
                b.Add((byte)x);
            }
            return b;
        }

        [Fact]
        public void Finds_the_eager_ranges_and_their_offsets_in_the_pages_file()
        {
            // Shaped like a real dump of the lab workload: a few eager pages around a large lazy heap.
            var map = Pagemap.Parse(Image(1,
                (0x401000, 1, Present),
                (0x4a5000, 5, Present),
                (0x4ae000, 2, Present | Lazy),
                (0x7f0000000000, 1020, Present | Lazy),
                (0x7f0000400000, 2, Present),
                (0x7f0000500000, 7, Parent),
                (0x7fff25d2d000, 3, Present | Lazy)));

            Assert.Equal(1, map.PagesId);
            Assert.Equal(1 + 5 + 2 + 1020 + 2 + 3, map.TotalPages);
            Assert.Collection(map.Eager,
                r => { Assert.Equal(0, r.Offset); Assert.Equal(6, r.Count); },
                r => { Assert.Equal(1 + 5 + 2 + 1020, r.Offset); Assert.Equal(2, r.Count); });
        }

        [Fact]
        public void Pages_kept_in_a_parent_image_take_no_room_in_this_one()
        {
            var map = Pagemap.Parse(Image(3, (0x1000, 4, Parent), (0x9000, 2, Present)));

            Assert.Equal(2, map.TotalPages);
            Assert.Equal(0, Assert.Single(map.Eager).Offset);
        }

        [Theory]
        [InlineData(new byte[] { 1, 2, 3 })]
        [InlineData(new byte[] { 0x19, 0x43, 0x56, 0x54, 0, 0, 0, 0 })]
        public void Refuses_what_is_not_a_pagemap(byte[] bytes)
        {
            Assert.Throws<FormatException>(() => Pagemap.Parse(bytes));
        }

        [Fact]
        public void Refuses_a_truncated_entry()
        {
            var image = Image(1, (0x401000, 1, Present));
            Assert.Throws<FormatException>(() => Pagemap.Parse(image[..^2]));
        }
    }
}
