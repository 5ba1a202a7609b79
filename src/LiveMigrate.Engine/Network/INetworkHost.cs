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
        /// <summary>Addresses of <paramref name="network"/> that another machine on this host's LAN answers for ("ADDRESS MAC"); null when it cannot ask.</summary>
        IReadOnlyList<string>? AddressesInUse(ContainerNetwork network, CancellationToken ct);
        /// <summary>
        /// Before restoring a container whose namespace runc makes: runc makes it with lo down, so CRIU could not connect
        /// sockets on 127.0.0.1 back; CRIU's configuration for the container (an annotation of its config.json) brings lo up first.
        /// </summary>
        /// <returns>False when the container needs none (no namespace of its own, or one at a path) or names a configuration of its own.</returns>
        bool PrepareLoopbackRestore(string bundle, CancellationToken ct);
        /// <summary>After that restore: the container's CRIU configuration is the host's own again.</summary>
        void FinishLoopbackRestore(string bundle, CancellationToken ct);
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
