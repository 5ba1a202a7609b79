using System;
using LiveMigrate.Clone;
using Xunit;

namespace LiveMigrate.Tests.Clone
{
    public sealed class NamePatternTests
    {
        private static readonly string[] Hosts = { "root@10.0.0.5:2222", "admin@[fd00::7]:22", "web3.example.com" };

        [Fact]
        public void The_default_numbers_the_clones_in_destination_order() =>
            Assert.Equal(new[] { "web-1", "web-2", "web-3" }, NamePattern.Expand(NamePattern.Default, "web", Hosts));

        [Fact]
        public void Host_is_the_host_part_of_each_destination() =>
            Assert.Equal(new[] { "web.10.0.0.5", "web.web3.example.com" }, NamePattern.Expand("{Name}.{Host}", "web", new[] { Hosts[0], Hosts[2] }));

        [Fact]
        public void An_IPv6_host_cannot_be_part_of_a_name()
        {
            var ex = Assert.Throws<ArgumentException>(() => NamePattern.Expand("{Name}-{Host}", "web", new[] { Hosts[1] }));
            Assert.Contains("'web-fd00::7'", ex.Message);
        }

        [Fact]
        public void A_name_without_a_placeholder_for_several_destinations_is_refused_naming_the_fix()
        {
            var ex = Assert.Throws<ArgumentException>(() => NamePattern.Expand("web-copy", "web", Hosts));
            Assert.Contains("'web-copy' for more than one destination", ex.Message);
            Assert.Contains("{Index}", ex.Message);
        }

        [Fact]
        public void A_name_without_a_placeholder_is_fine_for_one_destination() =>
            Assert.Equal(new[] { "web-copy" }, NamePattern.Expand("web-copy", "web", new[] { Hosts[0] }));

        [Theory]
        [InlineData("{Name}/{Index}")]
        [InlineData("{Name} {Index}")]
        [InlineData("..")]
        public void A_pattern_that_gives_an_invalid_runc_name_is_refused(string pattern)
        {
            var ex = Assert.Throws<ArgumentException>(() => NamePattern.Expand(pattern, "web", new[] { Hosts[0] }));
            Assert.Contains("not a valid container name", ex.Message);
        }
    }
}
