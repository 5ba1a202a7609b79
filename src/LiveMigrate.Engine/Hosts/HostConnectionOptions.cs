using System;
using System.Collections.Generic;
using System.Linq;

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
        /// <summary>The private key's text (OpenSSH, PEM or PuTTY), held only here: for a runbook, whose key is an asset, not a file.</summary>
        public string? PrivateKey { get; set; }
        /// <summary>The key's passphrase, or the password when no key is given.</summary>
        public string? Secret { get; set; }
        /// <summary>
        /// known_hosts lines held in memory, checked instead of <see cref="KnownHostsPath"/> (a runbook's host keys come
        /// from an asset); -AcceptNewHostKey then records a new key here, for this connection only.
        /// </summary>
        public IReadOnlyList<string>? KnownHostLines
        {
            get => _knownHostLines;
            set
            {
                _knownHostLines = value?.ToArray();
                _inMemory = null;
            }
        }
        /// <summary>How commands reach root when the login is not root.</summary>
        public BecomeMethod Become { get; set; }
        /// <summary>Record an unknown host's key (OpenSSH's accept-new); a changed key is refused regardless.</summary>
        public bool AcceptNewHostKey { get; set; }
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);
        /// <summary>
        /// Where the other hosts reach this host's sshd for the direct route, when not at <see cref="Address"/>: hosts
        /// on a migration network of their own, or a controller that reaches them through a jump or a forward.
        /// </summary>
        public HostAddress? LinkAddress { get; set; }

        private IReadOnlyList<string>? _knownHostLines;
        private KnownHosts? _inMemory;

        /// <summary>Where host keys are checked, as messages name it.</summary>
        public string KnownHostsSource => _knownHostLines != null ? KnownHosts.InMemorySource : KnownHostsPath;

        /// <summary>The known hosts to check against now: the file read afresh, or the one in-memory set (with what was accepted since).</summary>
        public KnownHosts LoadKnownHosts()
        {
            if (_knownHostLines == null) return KnownHosts.Load(KnownHostsPath);
            lock (_knownHostLines) return _inMemory ??= KnownHosts.FromLines(_knownHostLines);
        }

        public override string ToString() => Address.ToString();
    }
}
