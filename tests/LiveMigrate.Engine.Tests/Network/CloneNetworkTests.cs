using System;
using System.Linq;
using LiveMigrate.Network;
using Xunit;

namespace LiveMigrate.Tests.Network
{
    /// <summary>A clone's network: the original's layout with an address, namespace, MAC and host end of its own.</summary>
    public sealed class CloneNetworkTests
    {
        private static readonly ContainerNetwork Original = ContainerNetwork.Parse("/run/netns/web",
            "if=eth0 mac=02:4c:4d:12:00:32 mtu=1450 kind=veth hostend=v-web bridge=br0 addrs=198.18.0.50/24,2001:db8::50/64\n" +
            "route=default via 198.18.0.254 dev eth0\nroute=10.9.0.0/16 via 198.18.0.253 dev eth0 src 198.18.0.50\nestablished=3\n");

        [Fact]
        public void Keeps_the_layout_and_gives_the_clone_its_own_address_namespace_MAC_and_host_end()
        {
            var clone = CloneNetwork.For(Original, "web-1", CloneAddress.Parse("198.18.0.51"));
            var i = clone.Interfaces.Single();

            Assert.Equal("/run/netns/web-1", clone.NamespacePath);
            Assert.Equal("eth0", i.Name);
            Assert.Equal(1450, i.Mtu);
            Assert.Equal("br0", i.Bridge);
            Assert.Equal("v-web-1", i.HostEnd);
            Assert.Equal("02:4c:4d:12:00:33", i.Mac);
            Assert.Equal(new[] { "198.18.0.51/24" }, i.Addresses);
            Assert.Equal(new[] { "default via 198.18.0.254 dev eth0", "10.9.0.0/16 via 198.18.0.253 dev eth0 src 198.18.0.51" }, clone.Routes);
        }

        [Fact]
        public void A_given_prefix_wins_over_the_originals()
        {
            Assert.Equal(new[] { "198.18.0.51/16" }, CloneNetwork.For(Original, "web-1", CloneAddress.Parse("198.18.0.51/16")).Interfaces[0].Addresses);
        }

        [Fact]
        public void An_IPv6_clone_takes_the_IPv6_prefix_and_no_IPv4_route()
        {
            var clone = CloneNetwork.For(Original, "web-1", CloneAddress.Parse("2001:db8::a:51"));

            Assert.Equal(new[] { "2001:db8::a:51/64" }, clone.Interfaces[0].Addresses);
            Assert.Equal("02:4c:4d:0a:00:51", clone.Interfaces[0].Mac);
            Assert.Empty(clone.Routes);
        }

        [Fact]
        public void Without_a_prefix_of_that_family_on_the_original_it_asks_for_one()
        {
            var v4only = ContainerNetwork.Parse("/run/netns/web", "if=eth0 mac=02:4c:4d:12:00:32 mtu=1500 kind=veth hostend=v-web bridge=br0 addrs=198.18.0.50/24\n");

            var ex = Assert.Throws<ArgumentException>(() => CloneNetwork.For(v4only, "web-1", CloneAddress.Parse("2001:db8::51")));

            Assert.Contains("has no IPv6 address to take the prefix length from; give it, such as 2001:db8::51/64", ex.Message);
        }

        [Theory]
        [InlineData("198.18.0.50")]
        [InlineData("2001:db8:0::50/64")]
        public void Never_takes_the_originals_address(string address)
        {
            var ex = Assert.Throws<ArgumentException>(() => CloneNetwork.For(Original, "web-1", CloneAddress.Parse(address)));

            Assert.Contains("is the original's own address", ex.Message);
        }

        [Fact]
        public void A_namespace_elsewhere_gets_the_clones_name_in_the_same_folder()
        {
            Assert.Equal("/var/run/cni/netns/web-2", CloneNetwork.NamespacePathFor("/var/run/cni/netns/web", "web-2"));
        }

        [Theory]
        [InlineData("web-1", "v-web-1")]
        [InlineData("a234567890123", "v-a234567890123")]
        public void A_short_name_is_its_host_ends_name(string name, string hostEnd) => Assert.Equal(hostEnd, CloneNetwork.HostEndFor(name));

        [Theory]
        [InlineData("a2345678901234")]
        [InlineData("checkout-service-1")]
        [InlineData("web+1")]
        public void A_long_or_unusual_name_gives_a_valid_host_end_of_at_most_15_characters(string name)
        {
            var hostEnd = CloneNetwork.HostEndFor(name);

            Assert.Matches("^v-[A-Za-z0-9_.-]{1,8}-[0-9a-f]{4}$", hostEnd);
            Assert.True(hostEnd.Length <= 15);
            Assert.Equal(hostEnd, CloneNetwork.HostEndFor(name));
        }

        [Fact]
        public void Long_names_that_start_alike_get_different_host_ends()
        {
            var ends = Enumerable.Range(1, 50).Select(i => CloneNetwork.HostEndFor($"checkout-service-{i}")).ToList();

            Assert.Equal(50, ends.Distinct().Count());
            Assert.NotEqual(CloneNetwork.HostEndFor("web+1"), CloneNetwork.HostEndFor("web,1"));
        }

        [Fact]
        public void The_MAC_is_locally_administered_and_comes_from_the_address()
        {
            Assert.Equal("02:4c:4d:12:0b:47", CloneNetwork.MacFor(CloneAddress.Parse("198.18.11.71/24")));
            Assert.Equal(CloneNetwork.MacFor(CloneAddress.Parse("198.18.11.71")), CloneNetwork.MacFor(CloneAddress.Parse("198.18.11.71/16")));
        }
    }
}
