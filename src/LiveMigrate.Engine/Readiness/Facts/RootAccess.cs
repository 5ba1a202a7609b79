using LiveMigrate.Hosts;

namespace LiveMigrate.Readiness.Facts
{
    /// <summary>Who a host's login is, and whether host commands reach root: as the login itself, or through sudo -n.</summary>
    public sealed class RootAccess
    {
        public RootAccess(string loginUser, BecomeMethod become, string? uid, string refusal)
        {
            LoginUser = loginUser;
            Become = become;
            Uid = uid;
            Refusal = refusal;
        }

        public string LoginUser { get; }
        public BecomeMethod Become { get; }
        /// <summary>The uid host commands run as; null when they could not run (sudo refused).</summary>
        public string? Uid { get; }
        /// <summary>What sudo said when it refused, else empty.</summary>
        public string Refusal { get; }
        public bool IsRoot => Uid == "0";

        /// <summary>
        /// The sudoers line a host needs for <see cref="BecomeMethod.Sudo"/>. Every command, not a list of them: LiveMigrate
        /// runs its scripts as <c>sh -c</c>, and a rule that lets sh run as root already lets anything run.
        /// </summary>
        public static string SudoersLine(string user) => $"{user} ALL=(root) NOPASSWD: ALL";
    }
}
