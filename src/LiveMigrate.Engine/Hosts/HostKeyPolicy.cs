using System;
using System.Linq;

namespace LiveMigrate.Hosts
{
    /// <summary>
    /// Decides whether to trust the key a host presents. The first connection follows known_hosts (and
    /// -AcceptNewHostKey); from then on the key it verified is pinned, and every reconnect accepts only
    /// that exact key, whatever known_hosts or the accept switch would allow.
    /// </summary>
    public sealed class HostKeyPolicy
    {
        private readonly HostConnectionOptions _options;
        private byte[]? _pinned;

        public HostKeyPolicy(HostConnectionOptions options) { _options = options; }

        /// <summary>The key trusted so far (SSH wire blob), null before the first connection.</summary>
        public byte[]? Pinned => _pinned;

        /// <summary>Null when the key is trusted (and pinned); else why it is refused.</summary>
        public HostKeyException? Check(byte[] key)
        {
            var a = _options.Address;
            if (_pinned != null)
            {
                if (_pinned.SequenceEqual(key)) return null;
                // A reconnect that meets another key is refused even when it is recorded or unknown:
                // a changed key mid-migration is an interception, not a first contact.
                return new HostKeyException(a, HostKeyStatus.ChangedSinceConnected, KnownHosts.KeyType(key), KnownHosts.Fingerprint(key),
                    _options.KnownHostsSource, new[] { KnownHosts.KeyType(_pinned) + " key " + KnownHosts.Fingerprint(_pinned) });
            }
            var knownHosts = _options.LoadKnownHosts();
            var status = knownHosts.Check(a.KnownHostsName, key);
            if (status == HostKeyStatus.Known || (status == HostKeyStatus.Unknown && _options.AcceptNewHostKey))
            {
                if (status == HostKeyStatus.Unknown) knownHosts.Add(a.KnownHostsName, key);
                _pinned = (byte[])key.Clone();
                return null;
            }
            return new HostKeyException(a, status, KnownHosts.KeyType(key), KnownHosts.Fingerprint(key),
                _options.KnownHostsSource, knownHosts.FingerprintsFor(a.KnownHostsName));
        }
    }
}
