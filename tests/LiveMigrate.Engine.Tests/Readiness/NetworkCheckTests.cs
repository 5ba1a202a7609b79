using System;
using System.Linq;
using LiveMigrate.Network;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>The Network rows: a namespace at a config.json path that the migration rebuilds on the destination.</summary>
    public sealed class NetworkCheckTests
    {
        private const string Inspected = "if=eth0 mac=02:4c:4d:12:00:32 mtu=1500 kind=veth hostend=v-web bridge=br0 addrs=198.18.0.50/24\nestablished=2\n";

        private static System.Collections.Generic.List<ReadinessResult> Rows(Outcome<NetworkFacts?> network)
        {
            var e = Container();
            e.Network = network;
            return e.Judge().Where(r => r.Check == ContainerChecks.Network).ToList();
        }

        private static NetworkFacts Facts(string inspected = Inspected, string[]? problems = null, string[]? inUse = null, bool asked = true) =>
            new NetworkFacts(ContainerNetwork.Parse("/var/run/netns/web", inspected), problems ?? new string[0], asked ? inUse ?? new string[0] : null);

        [Fact]
        public void A_namespace_the_destination_can_take_passes_saying_what_moves()
        {
            Assert.Single(Rows(Found<NetworkFacts?>(Facts()))).Is(ReadinessStatus.Pass,
                "/var/run/netns/web (eth0 02:4c:4d:12:00:32, 198.18.0.50/24, MTU 1500) is rebuilt there on bridge br0; its 2 established TCP connection(s) move with it");
        }

        [Fact]
        public void A_destination_without_the_bridge_fails_with_the_fix()
        {
            Assert.Single(Rows(Found<NetworkFacts?>(Facts(problems: new[] { "there is no bridge br0", "the bridge br0 has MTU 1400, below eth0's 1500" }))))
                .Is(ReadinessStatus.Fail, "cannot take the network namespace /var/run/netns/web: there is no bridge br0; the bridge br0 has MTU 1400", "Give dst the bridge br0");
        }

        [Fact]
        public void An_address_another_machine_answers_for_fails_naming_its_MAC()
        {
            Assert.Single(Rows(Found<NetworkFacts?>(Facts(inUse: new[] { "198.18.0.50 0a:00:00:00:00:09" }))))
                .Is(ReadinessStatus.Fail, "198.18.0.50 0a:00:00:00:00:09 (its own MAC is 02:4c:4d:12:00:32)", "free the address");
        }

        [Fact]
        public void Without_arping_it_warns_and_still_passes()
        {
            var rows = Rows(Found<NetworkFacts?>(Facts(asked: false)));

            Assert.Equal(2, rows.Count);
            rows[0].Is(ReadinessStatus.Warn, "was not checked: arping is not installed", "Install arping");
            rows[1].Is(ReadinessStatus.Pass);
        }

        [Fact]
        public void A_layout_it_cannot_rebuild_fails_before_the_freeze_pointing_to_a_hook()
        {
            var unsupported = Outcome<NetworkFacts?>.Of(() => Facts("if=eth0 mac=02:4c:4d:12:00:32 mtu=1500 kind=macvlan hostend= bridge= addrs=10.0.0.5/24"));
            Assert.Single(Rows(unsupported))
                .Is(ReadinessStatus.Fail, "is not a veth whose host end is on a bridge", "PreRestore hook");
        }

        [Fact]
        public void A_namespace_runc_makes_has_no_network_row()
        {
            Assert.Empty(Rows(Found<NetworkFacts?>(null)));
            Assert.Empty(Rows(Outcome<NetworkFacts?>.NotRun));
        }
    }
}
