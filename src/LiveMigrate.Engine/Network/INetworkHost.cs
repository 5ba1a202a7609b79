using System.Collections.Generic;
using System.Threading;

namespace LiveMigrate.Network
{
    /// <summary>What a migration does to the network of a container whose namespace is a path of its config.json.</summary>
    public interface INetworkHost
    {
        /// <summary>The container's network as its bundle names it, or null when runc makes the namespace (CRIU carries that one whole).</summary>
        ContainerNetwork? Inspect(string bundle, CancellationToken ct);
        /// <summary>Why <paramref name="network"/> cannot be built here (empty when it can).</summary>
        IReadOnlyList<string> Check(ContainerNetwork network, CancellationToken ct);
        /// <summary>Makes the namespace with its interfaces, addresses and routes, cut off from the LAN until <see cref="Announce"/>.</summary>
        void Build(ContainerNetwork network, CancellationToken ct);
        /// <summary>Connects the namespace to the LAN: the kernel announces its addresses (gratuitous ARP, unsolicited NA).</summary>
        void Announce(ContainerNetwork network, CancellationToken ct);
        /// <summary>Cuts the namespace off the LAN: a frozen copy no longer answers for its addresses.</summary>
        void Isolate(ContainerNetwork network, CancellationToken ct);
        /// <summary>A rollback: connects the source's copy to the LAN again and announces its addresses.</summary>
        void Rejoin(ContainerNetwork network, CancellationToken ct);
        /// <summary>Removes the host ends and the namespace; nothing to do if they are gone.</summary>
        void Remove(ContainerNetwork network, CancellationToken ct);
    }
}
