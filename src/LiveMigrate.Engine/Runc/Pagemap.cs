using System;
using System.Collections.Generic;
using System.IO;

namespace LiveMigrate.Runc
{
    /// <summary>A run of pages in a pages-N.img file: where it starts and how long it is, in pages.</summary>
    public readonly struct PageRange
    {
        public PageRange(long offset, long count)
        {
            Offset = offset;
            Count = count;
        }

        public long Offset { get; }
        public long Count { get; }
    }

    /// <summary>
    /// Reads CRIU's pagemap-N.img: which pages of a process the dump holds, and which of them may be filled
    /// lazily after restore. A lazy restore still reads the other pages (stacks, a few file-backed ones) from
    /// the pages file itself, so only those must travel before the restore; the rest follow on demand.
    /// </summary>
    public sealed class Pagemap
    {
        private const uint CommonMagic = 0x54564319;
        private const uint PagemapMagic = 0x56084025;
        // PagemapEntry.flags (images/pagemap.proto)
        private const uint PeParent = 1, PeLazy = 2, PePresent = 4;

        private Pagemap(int pagesId, IReadOnlyList<PageRange> eager, long totalPages)
        {
            PagesId = pagesId;
            Eager = eager;
            TotalPages = totalPages;
        }

        /// <summary>N of the pages-N.img file these entries describe.</summary>
        public int PagesId { get; }
        /// <summary>Ranges of the pages file that a lazy restore reads itself, merged.</summary>
        public IReadOnlyList<PageRange> Eager { get; }
        /// <summary>Pages stored in the pages file, so its size is TotalPages * 4096.</summary>
        public long TotalPages { get; }

        public static Pagemap Parse(byte[] image)
        {
            if (image.Length < 8 || BitConverter.ToUInt32(image, 0) != CommonMagic || BitConverter.ToUInt32(image, 4) != PagemapMagic)
                throw new FormatException("Not a CRIU pagemap image (wrong magic).");
            var pos = 8;
            var head = Message(image, ref pos);
            var pagesId = (int)Field(head, 1);
            var eager = new List<PageRange>();
            long offset = 0;
            while (pos < image.Length)
            {
                var entry = Message(image, ref pos);
                var pages = (long)Field(entry, 2);
                var flags = (uint)Field(entry, 4);
                if ((flags & PeParent) != 0 || (flags & PePresent) == 0) continue;
                if ((flags & PeLazy) == 0)
                {
                    if (eager.Count > 0 && eager[eager.Count - 1].Offset + eager[eager.Count - 1].Count == offset)
                        eager[eager.Count - 1] = new PageRange(eager[eager.Count - 1].Offset, eager[eager.Count - 1].Count + pages);
                    else
                        eager.Add(new PageRange(offset, pages));
                }
                offset += pages;
            }
            return new Pagemap(pagesId, eager, offset);
        }

        // One protobuf message, prefixed by its length as a 32-bit little-endian number; varint fields only.
        private static Dictionary<int, ulong> Message(byte[] b, ref int pos)
        {
            if (pos + 4 > b.Length) throw new FormatException("Truncated pagemap image.");
            var size = (int)BitConverter.ToUInt32(b, pos);
            pos += 4;
            var end = pos + size;
            if (size < 0 || end > b.Length) throw new FormatException("Truncated pagemap entry.");
            var fields = new Dictionary<int, ulong>();
            while (pos < end)
            {
                var key = Varint(b, ref pos, end);
                var wire = (int)(key & 7);
                if (wire == 0) fields[(int)(key >> 3)] = Varint(b, ref pos, end);
                else if (wire == 2) pos += (int)Varint(b, ref pos, end);
                else if (wire == 5) pos += 4;
                else if (wire == 1) pos += 8;
                else throw new FormatException($"Unexpected protobuf wire type {wire} in a pagemap entry.");
            }
            pos = end;
            return fields;
        }

        private static ulong Varint(byte[] b, ref int pos, int end)
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (pos >= end) throw new FormatException("Truncated varint in a pagemap entry.");
                var c = b[pos++];
                value |= (ulong)(c & 0x7f) << shift;
                if (c < 0x80) return value;
            }
            throw new FormatException("Overlong varint in a pagemap entry.");
        }

        private static ulong Field(Dictionary<int, ulong> fields, int number) => fields.TryGetValue(number, out var v) ? v : 0;
    }
}
