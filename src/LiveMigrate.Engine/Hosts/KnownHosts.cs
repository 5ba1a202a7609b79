using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace LiveMigrate.Hosts
{
    public enum HostKeyStatus
    {
        Known,
        Unknown,
        Changed,
        Revoked,
        /// <summary>A reconnect met another key than the one its first connection verified.</summary>
        ChangedSinceConnected,
    }

    /// <summary>
    /// Reads and appends OpenSSH known_hosts files: plain and hashed (<c>|1|salt|hash</c>) names,
    /// <c>[host]:port</c> forms, comma lists and the <c>@revoked</c> marker.
    /// </summary>
    public sealed class KnownHosts
    {
        private readonly List<Entry> _entries;

        /// <summary>How messages name known_hosts lines given in memory (New-MigrationHost -KnownHost, a plan's knownHosts).</summary>
        public const string InMemorySource = "the known_hosts lines given in memory (-KnownHost)";
        /// <summary>Bounds on lines given in memory: a known_hosts file of a large site is far below.</summary>
        public const int MaxLines = 10000, MaxLineLength = 16384;

        private KnownHosts(string? path, List<Entry> entries)
        {
            Path = path;
            _entries = entries;
        }

        /// <summary>The file, or null for lines held in memory.</summary>
        public string? Path { get; }

        public static KnownHosts Load(string path) =>
            new KnownHosts(path, File.Exists(path) ? Parse(File.ReadAllLines(path)) : new List<Entry>());

        /// <summary>Lines as a known_hosts file holds them; <see cref="Add"/> then records in memory only.</summary>
        public static KnownHosts FromLines(IEnumerable<string> lines)
        {
            var all = (lines ?? throw new ArgumentNullException(nameof(lines))).SelectMany(l => (l ?? "").Split('\n')).ToList();
            if (all.Count > MaxLines) throw new ArgumentException($"{all.Count} known_hosts lines were given; at most {MaxLines} are read.");
            var tooLong = all.FindIndex(l => l.Length > MaxLineLength);
            if (tooLong >= 0) throw new ArgumentException($"known_hosts line {tooLong + 1} is {all[tooLong].Length} characters long; a host key line is at most {MaxLineLength}.");
            return new KnownHosts(null, Parse(all.Select(l => l.TrimEnd('\r'))));
        }

        private static List<Entry> Parse(IEnumerable<string> lines) => lines.Select(Entry.Parse).Where(e => e != null).Select(e => e!).ToList();

        /// <summary>What the file says of this key for this host name (OpenSSH form, see <see cref="HostAddress.KnownHostsName"/>).</summary>
        public HostKeyStatus Check(string knownHostsName, byte[] keyBlob)
        {
            var keyType = KeyType(keyBlob);
            if (_entries.Any(e => e.Revoked && e.Key.SequenceEqual(keyBlob))) return HostKeyStatus.Revoked;
            var forHost = _entries.Where(e => !e.Revoked && !e.CertAuthority && e.Matches(knownHostsName)).ToList();
            if (forHost.Any(e => e.Key.SequenceEqual(keyBlob))) return HostKeyStatus.Known;
            // A different key of the same type is a changed key; one of another type only means the
            // server offered an algorithm we had not recorded, which OpenSSH also treats as unknown.
            return forHost.Any(e => e.KeyType == keyType) ? HostKeyStatus.Changed : HostKeyStatus.Unknown;
        }

        /// <summary>The key types this file records for a host (e.g. ssh-ed25519), empty when it knows none.</summary>
        public IReadOnlyCollection<string> KeyTypesFor(string knownHostsName) =>
            new HashSet<string>(_entries.Where(e => !e.Revoked && !e.CertAuthority && e.Matches(knownHostsName)).Select(e => e.KeyType));

        /// <summary>The keys this file trusts for a host (none revoked), as known_hosts writes them: "type base64".</summary>
        public IReadOnlyList<string> KeysFor(string knownHostsName) =>
            _entries.Where(e => !e.Revoked && !e.CertAuthority && e.Matches(knownHostsName))
                .Where(e => !_entries.Any(r => r.Revoked && r.Key.SequenceEqual(e.Key)))
                .Select(e => e.KeyType + " " + Convert.ToBase64String(e.Key)).Distinct().ToList();

        /// <summary>The fingerprints this file holds for a host, for error messages.</summary>
        public IReadOnlyList<string> FingerprintsFor(string knownHostsName) =>
            _entries.Where(e => !e.Revoked && !e.CertAuthority && e.Matches(knownHostsName)).Select(e => Fingerprint(e.Key)).ToList();

        /// <summary>Records a key the way OpenSSH's accept-new does: one plain line appended.</summary>
        public void Add(string knownHostsName, byte[] keyBlob)
        {
            if (Path == null)
            {
                lock (_entries) _entries.Add(new Entry(new[] { knownHostsName }, null, keyBlob, false, false));
                return;
            }
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            var prefix = File.Exists(Path) && !EndsWithNewline(Path) ? "\n" : "";
            File.AppendAllText(Path, prefix + knownHostsName + " " + KeyType(keyBlob) + " " + Convert.ToBase64String(keyBlob) + "\n");
            _entries.Add(new Entry(new[] { knownHostsName }, null, keyBlob, false, false));
        }

        /// <summary>OpenSSH's <c>SHA256:</c> fingerprint form, the one users compare.</summary>
        public static string Fingerprint(byte[] keyBlob)
        {
            using var sha = SHA256.Create();
            return "SHA256:" + Convert.ToBase64String(sha.ComputeHash(keyBlob)).TrimEnd('=');
        }

        /// <summary>The algorithm name that starts every SSH public key blob.</summary>
        public static string KeyType(byte[] blob)
        {
            if (blob.Length < 4) return "";
            var len = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
            return len > 0 && len <= blob.Length - 4 ? Encoding.ASCII.GetString(blob, 4, len) : "";
        }

        private static bool EndsWithNewline(string path)
        {
            using var fs = File.OpenRead(path);
            if (fs.Length == 0) return true;
            fs.Seek(-1, SeekOrigin.End);
            return fs.ReadByte() == '\n';
        }

        private sealed class Entry
        {
            public Entry(string[] names, (byte[] salt, byte[] hash)? hashed, byte[] key, bool revoked, bool certAuthority)
            {
                Names = names;
                Hashed = hashed;
                Key = key;
                Revoked = revoked;
                CertAuthority = certAuthority;
                KeyType = KnownHosts.KeyType(key);
            }

            public string[] Names { get; }
            public (byte[] salt, byte[] hash)? Hashed { get; }
            public byte[] Key { get; }
            public string KeyType { get; }
            public bool Revoked { get; }
            public bool CertAuthority { get; }

            public bool Matches(string name)
            {
                if (Hashed is (byte[] salt, byte[] hash))
                {
                    // ssh-keygen -H hashes host names in lower case.
                    using var hmac = new HMACSHA1(salt);
                    return hmac.ComputeHash(Encoding.UTF8.GetBytes(name.ToLowerInvariant())).SequenceEqual(hash);
                }
                var matched = false;
                foreach (var pattern in Names)
                {
                    var negated = pattern.StartsWith("!", StringComparison.Ordinal);
                    if (Wildcard(negated ? pattern.Substring(1) : pattern, name))
                    {
                        if (negated) return false;
                        matched = true;
                    }
                }
                return matched;
            }

            private static bool Wildcard(string pattern, string name)
            {
                if (pattern.IndexOfAny(new[] { '*', '?' }) < 0) return string.Equals(pattern, name, StringComparison.OrdinalIgnoreCase);
                var rx = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$";
                return System.Text.RegularExpressions.Regex.IsMatch(name, rx, System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            }

            public static Entry? Parse(string line)
            {
                var t = line.Trim();
                if (t.Length == 0 || t.StartsWith("#", StringComparison.Ordinal)) return null;
                var parts = t.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                var revoked = false;
                var ca = false;
                var i = 0;
                if (parts.Length > 0 && parts[0].StartsWith("@", StringComparison.Ordinal))
                {
                    revoked = parts[0] == "@revoked";
                    ca = parts[0] == "@cert-authority";
                    if (!revoked && !ca) return null; // OpenSSH skips a line with a marker it does not know
                    i = 1;
                }
                if (parts.Length < i + 3) return null;
                byte[] key;
                try { key = Convert.FromBase64String(parts[i + 2]); }
                catch (FormatException) { return null; }
                var hostField = parts[i];
                if (hostField.StartsWith("|1|", StringComparison.Ordinal))
                {
                    var h = hostField.Split('|');
                    if (h.Length != 4) return null;
                    try { return new Entry(Array.Empty<string>(), (Convert.FromBase64String(h[2]), Convert.FromBase64String(h[3])), key, revoked, ca); }
                    catch (FormatException) { return null; }
                }
                return new Entry(hostField.Split(','), null, key, revoked, ca);
            }
        }
    }
}
