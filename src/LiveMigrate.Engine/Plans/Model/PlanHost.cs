using LiveMigrate.Hosts;

namespace LiveMigrate.Plans
{
    /// <summary>A host as a plan names it. Credentials are never in the plan: a key file, or a SecretManagement secret.</summary>
    public sealed class PlanHost
    {
        internal PlanHost(string name, HostAddress address, string? keyPath, string? knownHostsPath, string? secret, string? vault, HostAddress? linkAddress = null,
            string? keySecret = null, string? knownHostsSecret = null, BecomeMethod become = BecomeMethod.None)
        {
            KeySecret = keySecret;
            KnownHostsSecret = knownHostsSecret;
            Become = become;
            Name = name;
            Address = address;
            KeyPath = keyPath;
            KnownHostsPath = knownHostsPath;
            Secret = secret;
            Vault = vault;
            LinkAddress = linkAddress;
        }

        public string Name { get; }
        public HostAddress Address { get; }
        public string? KeyPath { get; }
        public string? KnownHostsPath { get; }
        /// <summary>The name of a SecretManagement secret that holds the private key's text (a runbook has no key file).</summary>
        public string? KeySecret { get; }
        /// <summary>The name of a SecretManagement secret that holds known_hosts lines, checked instead of a file.</summary>
        public string? KnownHostsSecret { get; }
        /// <summary>How the login runs host commands as root when it is not root.</summary>
        public BecomeMethod Become { get; }
        /// <summary>The name of a SecretManagement secret that holds the key's passphrase or the password.</summary>
        public string? Secret { get; }
        /// <summary>The vault to read <see cref="Secret"/> from; null searches every registered vault.</summary>
        public string? Vault { get; }
        /// <summary>Where the other hosts reach this one for the direct route, when not at <see cref="Address"/>.</summary>
        public HostAddress? LinkAddress { get; }

        public override string ToString() => $"{Name} ({Address})";
    }
}
