using System.Threading;
using LiveMigrate.Hosts;

namespace LiveMigrate.Transfer
{
    /// <summary>Who a guarded page port admits besides processes whose group is <see cref="PageClients.Group"/>.</summary>
    public enum PortAdmission
    {
        PageClientsOnly,
        /// <summary>And processes with that group among their supplementary groups (<see cref="PageClients.WithGroup"/>):
        /// CRIU's dump, which must keep root's own group to read the container's limits. Refused where only nftables guards.</summary>
        SupplementaryGroup,
    }

    /// <summary>Who may connect to the page ports on one host.</summary>
    public interface IPortGuard : INamedHost
    {
        /// <summary>
        /// Lets only the page clients (<see cref="PageClients"/>) connect to 127.0.0.1:<paramref name="port"/> here (post-copy's
        /// pages carry the container's memory, and their ports ask nobody), until <see cref="UnguardPorts"/> with the same tag.
        /// </summary>
        /// <param name="admits">Who else it admits (Stop's page server: see <see cref="PortAdmission"/>).</param>
        void GuardPort(int port, string tag, PortAdmission admits, CancellationToken ct);
        void UnguardPorts(string tag, CancellationToken ct);
    }
}
