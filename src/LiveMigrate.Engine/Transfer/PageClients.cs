using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// Post-copy's page ports admit only processes whose group is <see cref="Group"/> (port-guard.sh); the migration runs
    /// its own page clients so, and no other process of the host, root's included, is.
    /// </summary>
    public static class PageClients
    {
        public const string Group = "livemigrate-pages";

        /// <summary><paramref name="command"/> run with <see cref="Group"/> as its group (setpriv, from util-linux).</summary>
        public static IEnumerable<string> As(IEnumerable<string> command) =>
            new[] { "setpriv", "--regid", Group, "--keep-groups" }.Concat(command);

        /// <summary><paramref name="command"/> run with <see cref="Group"/> as its only supplementary group, its own group
        /// kept: for CRIU's dump, which reads the container's limits only with credentials the same as its tasks'.</summary>
        public static IEnumerable<string> WithGroup(IEnumerable<string> command) =>
            new[] { "setpriv", "--groups", Group }.Concat(command);
    }
}
