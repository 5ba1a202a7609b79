using System;
using LiveMigrate.Network;
using Xunit;

namespace LiveMigrate.Tests.Network
{
    public sealed class ContainerNetworkTests
    {
        // What container-net.sh inspect printed for a lab service (new-workload.sh --net) on lab host 1.
        private const string Inspected = "if=eth0 mac=02:4c:4d:12:09:32 mtu=1500 kind=veth hostend=v-web1 bridge=br0 addrs=198.18.9.50/24\n" +
            "route=default via 198.18.9.254 dev eth0\nestablished=8\n";

        [Fact]
        public void Reads_the_interface_its_host_end_and_routes()
        {
            var n = ContainerNetwork.Parse("/run/netns/web1", Inspected);

            var i = Assert.Single(n.Interfaces);
            Assert.Equal(("eth0", "02:4c:4d:12:09:32", 1500, "v-web1", "br0"), (i.Name, i.Mac, i.Mtu, i.HostEnd, i.Bridge));
            Assert.Equal(new[] { "198.18.9.50/24" }, i.Addresses);
            Assert.Equal(new[] { "default via 198.18.9.254 dev eth0" }, n.Routes);
            Assert.Equal(8, n.Established);
        }

        [Theory]
        [InlineData("if=eth0 mac=02:4c:4d:12:09:32 mtu=1500 kind=macvlan hostend= bridge= addrs=10.0.0.5/24", "is not a veth whose host end is on a bridge")]
        [InlineData("if=eth0 mac=02:4c:4d:12:09:32 mtu=1500 kind=veth hostend=v-web bridge= addrs=10.0.0.5/24", "is not a veth whose host end is on a bridge")]
        [InlineData("established=0", "has no interface but lo")]
        [InlineData("if=eth0 mac=zz mtu=1500 kind=veth hostend=v-web bridge=br0 addrs=10.0.0.5/24", "has no MAC address")]
        [InlineData("if=eth0 mac=02:4c:4d:12:09:32 mtu=1500 kind=veth hostend=v;rm bridge=br0 addrs=10.0.0.5/24", "a name LiveMigrate does not handle")]
        [InlineData("if=eth0 mac=02:4c:4d:12:09:32 mtu=1500 kind=veth hostend=v-web bridge=br0 addrs=10.0.0.5/24\nroute=default via $(reboot)", "is not one LiveMigrate can copy")]
        public void Refuses_what_it_cannot_rebuild_and_points_to_a_hook(string inspected, string why)
        {
            var ex = Assert.Throws<NotSupportedException>(() => ContainerNetwork.Parse("/run/netns/web", inspected));
            Assert.Contains(why, ex.Message);
            Assert.Contains("PreRestore hook", ex.Message);
        }

        [Fact]
        public void Keeps_the_peers_it_knew_and_drops_a_line_that_is_no_peer()
        {
            var n = ContainerNetwork.Parse("/run/netns/web1", Inspected + "neigh=198.18.9.200=02:aa:bb:cc:dd:ee\nneigh=198.18.9.7=$(reboot)\nneigh=x;y=02:aa:bb:cc:dd:ee\n");

            Assert.Equal(new[] { "198.18.9.200=02:aa:bb:cc:dd:ee" }, n.Neighbours);
            Assert.Equal(n.ToInspectText(), ContainerNetwork.Parse("/run/netns/web1", n.ToInspectText()).ToInspectText());
            Assert.Contains("neigh=198.18.9.200=02:aa:bb:cc:dd:ee", n.ToInspectText());
        }

        [Fact]
        public void Refuses_two_interfaces()
        {
            var two = Inspected + Inspected.Replace("eth0", "eth1").Split('\n')[0];
            Assert.Contains("2 interfaces", Assert.Throws<NotSupportedException>(() => ContainerNetwork.Parse("/run/netns/web", two)).Message);
        }

        [Theory]
        [InlineData("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/run/netns/web\"}]}}", "/run/netns/web")]
        [InlineData("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"}]}}", null)]
        [InlineData("{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"\"}]}}", null)]
        [InlineData("{\"process\":{}}", null)]
        public void Finds_the_network_namespace_path_of_config_json(string config, string? path)
        {
            Assert.Equal(path, ContainerNetwork.NamespacePathOf(config));
        }

        [Theory]
        [InlineData("{\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}", true)]
        [InlineData("{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/run/netns/web\"}]}}", false)]   // rebuilt, not made by runc
        [InlineData("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}", false)]                                   // the host's own network
        [InlineData("{\"annotations\":{\"org.criu.config\":\"/etc/own.conf\"},\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}", false)]
        public void Names_CRIU_s_configuration_only_for_a_namespace_runc_makes_and_never_over_the_container_s_own(string config, bool named)
        {
            var annotated = ContainerNetwork.WithCriuConfig(config, "/b/.livemigrate/criu.conf");
            Assert.Equal(named, annotated != null);
            if (named) Assert.Contains("\"org.criu.config\": \"/b/.livemigrate/criu.conf\"", annotated);
        }
    }
}
