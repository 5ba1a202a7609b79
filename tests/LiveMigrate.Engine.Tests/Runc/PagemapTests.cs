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
