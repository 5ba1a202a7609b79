using System;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    /// <summary>A link carries post-copy's pages or Stop's memory, never both, and always through the page guard it names.</summary>
    public sealed class LinkGrantTests
    {
        private static readonly string[] Folders = { "/var/lib/livemigrate/images/web-m1" };

        [Fact]
        public void Carries_the_pages_or_the_memory_through_its_bridge()
        {
            var pages = new LinkGrant("m1", Folders, 26123, TimeSpan.FromMinutes(5), "/usr/lib/lm/page-guard");
            var memory = new LinkGrant("m1", Folders, null, TimeSpan.FromMinutes(5), "/usr/lib/lm/page-guard", openPort: 21123);

            Assert.Equal((26123, (int?)null), (pages.ListenPort!.Value, pages.OpenPort));
            Assert.Equal(((int?)null, 21123), (memory.ListenPort, memory.OpenPort!.Value));
            Assert.Null(new LinkGrant("m1", Folders, null, TimeSpan.FromMinutes(5)).PageBridge);
        }

        [Theory]
        [InlineData(26123, 21123, "/usr/lib/lm/page-guard", "not both")]
        [InlineData(null, 21123, null, "needs the page bridge")]
        [InlineData(26123, null, null, "needs the page bridge")]
        [InlineData(null, null, "/usr/lib/lm/page-guard", "needs the page bridge")]
        public void Refuses_both_ports_or_a_port_without_its_bridge(int? listen, int? open, string? bridge, string why)
        {
            var ex = Assert.Throws<ArgumentException>(() => new LinkGrant("m1", Folders, listen, TimeSpan.FromMinutes(5), bridge, open));

            Assert.Contains(why, ex.Message);
        }
    }
}
