using System;
using System.Collections.Generic;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// Counts in CRIU's pagemap-N.img. A lazy dump's statistics leave its page counters at zero (CRIU 4.1.1), so
    /// the pages a post-copy sent after the restore are counted where the dump recorded them: entries marked lazy.
    /// </summary>
    public static class Pagemap
    {
        private const uint PagemapMagic = 0x56084025;
        // PagemapEntry (images/pagemap.proto): nr_pages is field 2, flags field 4; CRIU 4.2 counts in pages_nr
        // (field 5, 64 bits) and leaves nr_pages at zero.
        private const uint PeParent = 1, PeLazy = 2;

        /// <summary>Pages of one pagemap image that a lazy restore fetches on demand.</summary>
        public static long LazyPages(byte[] image)
        {
            var pos = CriuImage.Open(image, CriuImage.CommonMagic, PagemapMagic, "pagemap");
            CriuImage.Message(image, ref pos, "pagemap");  // the head: which pages-N.img holds the pages
            long lazy = 0;
            while (pos < image.Length)
            {
                var entry = CriuImage.Message(image, ref pos, "pagemap");
                var flags = (uint)entry.Number(4);
                var pages = entry.Number(5) != 0 ? entry.Number(5) : entry.Number(2);
                if ((flags & PeLazy) != 0 && (flags & PeParent) == 0) lazy += (long)pages;
            }
            return lazy;
        }

        /// <summary>Splits what <c>for f in ...; do wc -c; cat; done</c> printed: a decimal length line, then that many bytes, per file.</summary>
        public static IEnumerable<byte[]> SplitFramed(byte[] output)
        {
            var pos = 0;
            while (pos < output.Length)
            {
                var eol = Array.IndexOf(output, (byte)'\n', pos);
                if (eol < 0 || !int.TryParse(System.Text.Encoding.ASCII.GetString(output, pos, eol - pos).Trim(), out var size) || size < 0 || eol + 1 + size > output.Length)
                    throw new FormatException("Truncated list of pagemap images.");
                var file = new byte[size];
                Array.Copy(output, eol + 1, file, 0, size);
                yield return file;
                pos = eol + 1 + size;
            }
        }
    }
}
