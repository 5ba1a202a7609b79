namespace LiveMigrate.Hosts
{
    /// <summary>How a login that is not root runs host commands as root (Ansible's "become").</summary>
    public enum BecomeMethod
    {
        /// <summary>Commands run as the user who logged in: root, for runc and CRIU.</summary>
        None,
        /// <summary>Every command runs as <c>sudo -n -- ARGV</c>: root without a password prompt, and no shell in between.</summary>
        Sudo,
    }
}
