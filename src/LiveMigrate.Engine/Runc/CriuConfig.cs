using System.Linq;
using System.Text;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// CRIU's options that runc has no flag for, given to every final dump through CRIU_CONFIG_FILE (runc hands its
    /// environment to criu; CRIU reads that file besides runc's own /etc/criu/runc.conf).
    /// </summary>
    internal static class CriuConfig
    {
        /// <summary>
        /// The action script the configuration names, a host script installed beside it: it lets CRIU seize a frozen
        /// container's stopped tasks (see its header), and stops them again before a rollback thaws them ("restop").
        /// </summary>
        public const string ActionScript = "stopped-tasks.sh";

        /// <summary>
        /// A file open after its last link was removed is copied into the images ("ghost" file) only up to CRIU's limit
        /// (1 MiB by default, and the dump fails above it); link-remap would instead link it back into the container's
        /// file system, which a move does not carry. It costs nothing where there are none.
        /// A client's connection still in a listening socket's backlog when the container froze would fail the dump with
        /// --tcp-established; skipped, the client retries its connect (runc has no flag for it).
        /// <paramref name="actionScript"/> is where the host keeps <see cref="ActionScript"/>.
        /// </summary>
        public static byte[] Content(string actionScript) =>
            Encoding.ASCII.GetBytes($"# Written by LiveMigrate: CRIU's options for its dumps.\nghost-limit 1G\nskip-in-flight\naction-script {actionScript}\n");

        /// <summary>Named after its content, so that a host keeps one copy per version and a changed one is sent again.</summary>
        public static string RemoteName(string stem, byte[] content, string extension)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            return stem + "-" + string.Concat(sha.ComputeHash(content).Take(8).Select(b => b.ToString("x2"))) + extension;
        }
    }
}
