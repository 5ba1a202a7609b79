using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Network;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>A host's network side that records each step, in one log shared with its host's runc calls.</summary>
    public sealed class FakeNetworkHost : INetworkHost
    {
        private readonly FakeContainerHost _host;

        public FakeNetworkHost(FakeContainerHost host, ContainerNetwork? network = null)
        {
            _host = host;
            Network = network;
            host.Network = this;
        }

        /// <summary>What Inspect answers: the container's network on the source, null where runc makes the namespace.</summary>
        public ContainerNetwork? Network { get; set; }
        public List<string> Problems { get; } = new List<string>();
        public List<string> Steps { get; } = new List<string>();
        /// <summary>The step that throws, such as "Build".</summary>
        public string? FailOn { get; set; }

        public static ContainerNetwork Sample() => ContainerNetwork.Parse("/run/netns/web",
            "if=eth0 mac=02:4c:4d:12:00:32 mtu=1500 kind=veth hostend=v-web bridge=br0 addrs=198.18.0.50/24\nroute=default via 198.18.0.254 dev eth0\nestablished=3\n");

        public ContainerNetwork? Inspect(string bundle, CancellationToken ct) { Step("Inspect"); return Network; }
        public IReadOnlyList<string> Check(ContainerNetwork network, CancellationToken ct) { Step("Check"); return Problems; }
        public List<string>? InUse { get; set; } = new List<string>();
        public IReadOnlyList<string>? AddressesInUse(ContainerNetwork network, CancellationToken ct) { Step("AddressesInUse"); return InUse; }
        public void Build(ContainerNetwork network, CancellationToken ct) => Step("Build");
        /// <summary>What PrepareLoopbackRestore answers (a namespace runc makes needs it).</summary>
        public bool LoopbackNeeded { get; set; }
        public bool PrepareLoopbackRestore(string bundle, CancellationToken ct) { Step("PrepareLoopbackRestore"); return LoopbackNeeded; }
        public void FinishLoopbackRestore(string bundle, CancellationToken ct) => Step("FinishLoopbackRestore");
        public void Announce(ContainerNetwork network, CancellationToken ct) => Step("Announce");
        public void Isolate(ContainerNetwork network, CancellationToken ct) => Step("Isolate");
        public void Rejoin(ContainerNetwork network, CancellationToken ct) => Step("Rejoin");
        public void Remove(ContainerNetwork network, CancellationToken ct) => Step("Remove");

        private void Step(string name)
        {
            Steps.Add(name);
            _host.Calls.Add(new HostCall(HostOp.Network, name));
            if (FailOn == name) throw new InjectedFault($"{name} failed on {_host.Name}");
        }
    }
}
