using System.Collections.Generic;
using LiveMigrate.Network;

namespace LiveMigrate.Readiness.Facts
{
    /// <summary>A container's network namespace at a config.json path, and what the destination would make of it.</summary>
    public sealed class NetworkFacts
    {
        public NetworkFacts(ContainerNetwork network, IReadOnlyList<string> problems, IReadOnlyList<string>? addressesInUse)
        {
            Network = network;
            Problems = problems;
            AddressesInUse = addressesInUse;
        }

        public ContainerNetwork Network { get; }
        /// <summary>Why the destination cannot build it (its bridge, folder, names, MTU).</summary>
        public IReadOnlyList<string> Problems { get; }
        /// <summary>"ADDRESS MAC" answered by another machine on the destination's LAN; null when it could not be asked.</summary>
        public IReadOnlyList<string>? AddressesInUse { get; }
    }
}
