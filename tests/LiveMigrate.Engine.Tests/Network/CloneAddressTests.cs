using System;
using LiveMigrate.Network;
using Xunit;

namespace LiveMigrate.Tests.Network
{
    /// <summary>-Address of Copy-Container: one host address per clone, refused before anything is paused otherwise.</summary>
    public sealed class CloneAddressTests
    {
        [Theory]
        [InlineData("198.18.0.51", "198.18.0.51", null)]
        [InlineData("198.18.0.51/16", "198.18.0.51", 16)]
        [InlineData(" 2001:db8::51 ", "2001:db8::51", null)]
        [InlineData("2001:DB8:0::51/64", "2001:db8::51", 64)]
        public void Takes_IPv4_and_IPv6_with_or_without_a_prefix(string text, string address, int? prefix)
        {
            var a = CloneAddress.Parse(text);

            Assert.Equal(address, a.Address.ToString());
            Assert.Equal(prefix, a.Prefix);
        }

        [Theory]
        [InlineData("web", "not an IPv4 address")]
        [InlineData("1", "not an IPv4 address")]
        [InlineData("198.18.0", "not an IPv4 address")]
        [InlineData("198.18.0.300", "not an IPv4 address")]
        [InlineData("fe80::1%eth0", "not an IPv4 address")]
        [InlineData("198.18.0.51/33", "from 1 to 32")]
        [InlineData("198.18.0.51/0", "from 1 to 32")]
        [InlineData("198.18.0.51/x", "from 1 to 32")]
        [InlineData("2001:db8::51/129", "from 1 to 128")]
        [InlineData("127.0.0.1", "not a unicast address")]
        [InlineData("0.0.0.0", "not a unicast address")]
        [InlineData("224.0.0.5", "not a unicast address")]
        [InlineData("255.255.255.255", "not a unicast address")]
        [InlineData("::1", "not a unicast address")]
        [InlineData("fe80::1", "not a unicast address")]
        [InlineData("ff02::1", "not a unicast address")]
        [InlineData("", "empty or too long")]
        [InlineData("198.18.0.51;reboot", "not an IPv4 address")]
        public void Refuses_what_a_clone_cannot_have_and_says_why(string text, string why)
        {
            var ex = Assert.Throws<ArgumentException>(() => CloneAddress.Parse(text));

            Assert.Contains($"-Address '{text}' cannot be a clone's address", ex.Message);
            Assert.Contains(why, ex.Message);
        }

        [Fact]
        public void Refuses_a_bounded_length()
        {
            var ex = Assert.Throws<ArgumentException>(() => CloneAddress.Parse(new string('1', 10_000)));
            Assert.Contains("too long", ex.Message);
        }

        [Fact]
        public void Gives_one_address_per_clone_in_order()
        {
            var all = CloneAddress.ParseAll(new[] { "198.18.0.51", "198.18.0.52/24" }, 2)!;

            Assert.Equal(new[] { "198.18.0.51", "198.18.0.52/24" }, new[] { all[0].ToString(), all[1].ToString() });
        }

        [Fact]
        public void Without_addresses_there_is_nothing_to_give()
        {
            Assert.Null(CloneAddress.ParseAll(null, 2));
            Assert.Null(CloneAddress.ParseAll(Array.Empty<string>(), 2));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void Refuses_a_count_that_does_not_match_the_clones(int clones)
        {
            var ex = Assert.Throws<ArgumentException>(() => CloneAddress.ParseAll(new[] { "198.18.0.51", "198.18.0.52" }, clones));

            Assert.Contains($"-Address gives 2 address(es) for {clones} clone(s): give one per destination", ex.Message);
        }

        [Fact]
        public void Refuses_one_address_for_two_clones_however_it_is_written()
        {
            var ex = Assert.Throws<ArgumentException>(() => CloneAddress.ParseAll(new[] { "2001:db8::51", "2001:DB8:0:0::51/64" }, 2));

            Assert.Contains("2001:db8::51 to more than one clone", ex.Message);
        }
    }
}
