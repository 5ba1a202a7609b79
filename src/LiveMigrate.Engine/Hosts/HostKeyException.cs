using System;
using System.Collections.Generic;

namespace LiveMigrate.Hosts
{
    /// <summary>The host's key is not one the known_hosts file trusts; nothing was sent to the host.</summary>
    public sealed class HostKeyException : Exception
    {
        public HostKeyException(HostAddress address, HostKeyStatus status, string keyType, string fingerprint, string knownHostsPath, IReadOnlyList<string> knownFingerprints)
            : base(Describe(address, status, keyType, fingerprint, knownHostsPath, knownFingerprints))
        {
            Address = address;
            Status = status;
            Fingerprint = fingerprint;
            KnownHostsPath = knownHostsPath;
        }

        public HostAddress Address { get; }
        public HostKeyStatus Status { get; }
        public string Fingerprint { get; }
        public string KnownHostsPath { get; }

        private static string Describe(HostAddress a, HostKeyStatus status, string keyType, string fp, string path, IReadOnlyList<string> known)
        {
            switch (status)
            {
                case HostKeyStatus.Unknown:
                    return $"The host key of {a.KnownHostsName} is not in {path}. It offered {keyType} key {fp}. " +
                           $"Check that fingerprint out of band (on the host: ssh-keygen -lf /etc/ssh/ssh_host_{ShortType(keyType)}_key.pub), " +
                           (path == KnownHosts.InMemorySource
                               ? "then add the host's known_hosts line to those lines (an automation variable or secret holds them)."
                               : "then trust it with New-MigrationHost ... -AcceptNewHostKey, which records it in that file.");
                case HostKeyStatus.ChangedSinceConnected:
                    return $"THE HOST KEY OF {a.KnownHostsName} CHANGED WHILE CONNECTED: the connection was opened with {string.Join(", ", known)}, " +
                           $"and a reconnect was offered {keyType} key {fp}. Someone may be intercepting the connection; it was refused. " +
                           "Check the host's key out of band, then open the host again with New-MigrationHost.";
                case HostKeyStatus.Revoked:
                    return $"The host key {fp} of {a.KnownHostsName} is marked @revoked in {path}; the connection was refused.";
                default:
                    return $"THE HOST KEY OF {a.KnownHostsName} HAS CHANGED: it offered {keyType} key {fp}, but {path} records " +
                           $"{string.Join(", ", known)}. Someone may be intercepting the connection, or the host was reinstalled. " +
                           "The connection was refused. If the change is expected, " +
                           (path == KnownHosts.InMemorySource
                               ? $"replace the line of {a.KnownHostsName} in those lines with the host's new key."
                               : $"remove the old entry (ssh-keygen -R '{a.KnownHostsName}' -f '{path}') and connect again with -AcceptNewHostKey.");
            }
        }

        private static string ShortType(string keyType) => keyType switch
        {
            "ssh-ed25519" => "ed25519",
            "ssh-rsa" => "rsa",
            _ when keyType.StartsWith("ecdsa", StringComparison.Ordinal) => "ecdsa",
            _ => "*",
        };
    }
}
