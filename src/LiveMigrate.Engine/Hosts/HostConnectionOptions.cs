using System;

namespace LiveMigrate.Hosts
{
    /// <summary>How to reach and authenticate to a host over SSH. Secrets are held here and never printed.</summary>
    public sealed class HostConnectionOptions
    {
        public HostConnectionOptions(HostAddress address, string knownHostsPath)
        {
            Address = address ?? throw new ArgumentNullException(nameof(address));
            KnownHostsPath = knownHostsPath ?? throw new ArgumentNullException(nameof(knownHostsPath));
        }

        public HostAddress Address { get; }
        public string KnownHostsPath { get; }
        public string? KeyFilePath { get; set; }
        /// <summary>The key's passphrase, or the password when no key file is given.</summary>
        public string? Secret { get; set; }
        /// <summary>Record an unknown host's key (OpenSSH's accept-new); a changed key is refused regardless.</summary>
        public bool AcceptNewHostKey { get; set; }
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);
        /// <summary>
        /// Where the other hosts reach this host's sshd for the direct route, when not at <see cref="Address"/>: hosts
        /// on a migration network of their own, or a controller that reaches them through a jump or a forward.
        /// </summary>
        public HostAddress? LinkAddress { get; set; }

        public override string ToString() => Address.ToString();
    }
}
