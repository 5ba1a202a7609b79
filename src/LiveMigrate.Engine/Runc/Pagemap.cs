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
            var pos = CriuImage.Open(image, CriuImage.CommonMagic, PagemapMagic, "pagemap");
            var pagesId = (int)CriuImage.Message(image, ref pos, "pagemap").Number(1);
            var eager = new List<PageRange>();
            long offset = 0;
            while (pos < image.Length)
            {
                var entry = CriuImage.Message(image, ref pos, "pagemap");
                var pages = (long)entry.Number(2);
                var flags = (uint)entry.Number(4);
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
    }
}
