namespace LiveMigrate.Hosts
{
    /// <summary>
    /// A remote host that the other hosts can reach over SSH, so that a migration's streams may go to it directly: where
    /// its sshd listens for them, and the host key they are to trust there.
    /// </summary>
    public interface IDirectLinkTarget : IHostSession
    {
        /// <summary>user@host:port as the other hosts reach this host's sshd.</summary>
        HostAddress ReachableAt { get; }

        /// <summary>Its host key as known_hosts writes it ("type base64"); empty when none is known.</summary>
        string HostKey { get; }
    }
}
