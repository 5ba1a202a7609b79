using System;
using System.Linq;
using System.Text;
using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Runc
{
    /// <summary>Lazy pages counted from the pagemaps of a real lazy dump (a 64 MiB workload and its child, lab, CRIU 4.1.1).</summary>
    public sealed class PagemapTests
    {
        // Its dump.log said, per area, "Pagemap generated: N pages (M lazy)": 16390 and 6 lazy pages in all.
        internal static byte[] ParentImage => Parent;
        internal static byte[] ChildImage => Child;
        private static readonly byte[] Parent = Convert.FromBase64String("GUNWVCVACFYCAAAACAEJAAAACICggAIQASAECQAAAAiAoKkCEAUgBAkAAAAIgMCrAhACIAIKAAAACICgoOIDEAIgAg0AAAAIgICAyfH4HxD8ByACDQAAAAiAgP/K8fgfEIAIIAINAAAACICA/8zx+B8QgAggAg0AAAAIgID/zvH4HxCACCACDQAAAAiAgP/Q8fgfEIAIIAINAAAACICA/9Lx+B8QgAggAg0AAAAIgID/1PH4HxCACCACDQAAAAiAgP/W8fgfEIAIIAINAAAACICA/9jx+B8QgAggAg0AAAAIgID/2vH4HxCACCACDQAAAAiAgP/c8fgfEIAIIAINAAAACICA/97x+B8QgAggAg0AAAAIgID/4PH4HxCACCACDQAAAAiAgP/i8fgfEIAIIAINAAAACICA/+Tx+B8QgAggAg0AAAAIgID/5vH4HxCACCACDAAAAAiAgP/o8fgfEAQgAgwAAAAIgOCT6fH4HxACIAQMAAAACIDgud/v/x8QAiAC");
        private static readonly byte[] Child = Convert.FromBase64String("GUNWVCVACFYCAAAACAIJAAAACICggAIQASAECQAAAAiAoKkCEAUgBAkAAAAIgMCrAhACIAIKAAAACICgoOIDEAIgAgwAAAAIgOCT6fH4HxACIAQMAAAACIDgud/v/x8QAiAC");

        [Fact]
        public void Counts_the_pages_marked_lazy_as_CRIU_logged_them()
        {
            Assert.Equal(16390, Pagemap.LazyPages(Parent));
            Assert.Equal(6, Pagemap.LazyPages(Child));
        }

        // CRIU 4.2.1 (a 16 MiB workload and its child, lab): the count moved to pages_nr (field 5), nr_pages is zero.
        // Its dump.log said "Pagemap generated: 4096 pages (4096 lazy)" for the workload's memory, 4108 lazy pages in all.
        private static readonly byte[] Parent421 = Convert.FromBase64String("GUNWVCVACFYCAAAACAELAAAACICggAIQACAEKAELAAAACICgqQIQACAEKAULAAAACIDAqwIQACACKAIMAAAACIDgvcABEAAgAigCDwAAAAiAgICi1vEfEAAgAij8Bw8AAAAIgID/o9bxHxAAIAIogAgPAAAACICA/6XW8R8QACACKIAIDwAAAAiAgP+n1vEfEAAgAiiACA4AAAAIgID/qdbxHxAAIAIoBA4AAAAIgKC5qtbxHxAAIAQoAg4AAAAIgODIi9n/HxAAIAIoAg==");
        private static readonly byte[] Child421 = Convert.FromBase64String("GUNWVCVACFYCAAAACAILAAAACICggAIQACAEKAELAAAACICgqQIQACAEKAULAAAACIDAqwIQACACKAIMAAAACIDgvcABEAAgAigCDgAAAAiAoLmq1vEfEAAgBCgCDgAAAAiA4MiL2f8fEAAgAigC");

        [Fact]
        public void Counts_the_lazy_pages_of_CRIU_4_2_from_pages_nr()
        {
            Assert.Equal(4102, Pagemap.LazyPages(Parent421));
            Assert.Equal(6, Pagemap.LazyPages(Child421));
        }

        [Fact]
        public void Splits_the_framed_listing_of_every_pagemap()
        {
            var framed = Frame(Parent).Concat(Frame(Child)).ToArray();

            var files = Pagemap.SplitFramed(framed).ToList();

            Assert.Equal(new[] { Parent, Child }, files);
            Assert.Equal(16396, files.Sum(Pagemap.LazyPages));
            Assert.Empty(Pagemap.SplitFramed(Array.Empty<byte>()));
        }

        [Fact]
        public void Refuses_a_truncated_listing_or_another_image()
        {
            var framed = Frame(Parent);
            Assert.Throws<FormatException>(() => Pagemap.SplitFramed(framed.Take(framed.Length - 1).ToArray()).ToList());
            Assert.Throws<FormatException>(() => Pagemap.SplitFramed(Encoding.ASCII.GetBytes("12x\n")).ToList());
            var stats = DumpStatsTests.Image((5, 1));
            Assert.Contains("magic", Assert.Throws<FormatException>(() => Pagemap.LazyPages(stats)).Message);
            Assert.Throws<FormatException>(() => Pagemap.LazyPages(Parent.Take(Parent.Length - 3).ToArray()));
        }

        /// <summary>As the host's listing prints one file: wc -c, then the bytes.</summary>
        private static byte[] Frame(byte[] file) => Encoding.ASCII.GetBytes(file.Length + "\n").Concat(file).ToArray();
    }
}
