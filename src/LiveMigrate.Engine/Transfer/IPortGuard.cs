using System.Threading;
using LiveMigrate.Hosts;

namespace LiveMigrate.Transfer
{
    /// <summary>Who may connect to post-copy's page ports on one host.</summary>
    public interface IPortGuard : INamedHost
    {
        /// <summary>
        /// Lets only the page clients (<see cref="PageClients"/>) connect to 127.0.0.1:<paramref name="port"/> here (post-copy's
        /// pages carry the container's memory, and their ports ask nobody), until <see cref="UnguardPorts"/> with the same tag.
        /// </summary>
        /// <param name="admitLoginUser">Admits the login user's processes too: the sshd of a direct link, which connects to a
        /// port the link reaches on its destination (Stop's page server), runs as that user and cannot run as a page client.</param>
        void GuardPort(int port, string tag, bool admitLoginUser, CancellationToken ct);
        void UnguardPorts(string tag, CancellationToken ct);
    }
}
