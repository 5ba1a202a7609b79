using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace LiveMigrate.Readiness.Facts
{
    /// <summary>What Scripts/container-inspect.sh found in a running container's processes.</summary>
    public sealed class ContainerFacts
    {
        public IReadOnlyList<int> Pids { get; private set; } = new int[0];
        /// <summary>Anonymous and shared memory of all its processes: about what a checkpoint writes.</summary>
        public long MemoryBytes { get; private set; }
        public long BundleBytes { get; private set; }
        /// <summary>Bytes of the bundle's files changed in the last minute: what -BundleSync Delta would send while frozen.</summary>
        public long BundleRecentBytes { get; private set; }
        /// <summary>Its config.json's inode, size and times, to compare with the destination's; null if unreadable.</summary>
        public string? BundleId { get; private set; }
        public string ConfigJson { get; private set; } = "";
        /// <summary>Open terminals: (pid, fd, path).</summary>
        public List<(int Pid, int Fd, string Path)> Terminals { get; } = new List<(int, int, string)>();
        /// <summary>Files opened outside the container's own mounts, such as stdio given a host file.</summary>
        public List<(int Pid, int Fd, string Path)> HostFiles { get; } = new List<(int, int, string)>();
        public List<(string Local, string Remote)> TcpConnections { get; } = new List<(string, string)>();
        public List<(int Pid, string Kind)> FileLocks { get; } = new List<(int, string)>();
        /// <summary>Periodic timerfds: (pid, fd).</summary>
        public List<(int Pid, int Fd)> PeriodicTimerfds { get; } = new List<(int, int)>();
        /// <summary>Stopped tasks (carried) and tasks CRIU cannot take: (pid, "stopped" | "traced" | "outside", the tracer or the parent outside).</summary>
        public List<(int Pid, string Kind, int Other)> Tasks { get; } = new List<(int, string, int)>();
        /// <summary>Connected UNIX sockets whose peer is outside the container: (inode, peer inode, path).</summary>
        public List<(string Inode, string PeerInode, string Path)> ExternalUnixSockets { get; } = new List<(string, string, string)>();
        /// <summary>Why UNIX sockets could not be checked, if they could not.</summary>
        public string? UnixSocketsUnchecked { get; private set; }

        internal static ContainerFacts Parse(string text)
        {
            var kv = new KeyValueLines(text);
            if (kv.Get("error") is string error) throw new InvalidOperationException(error);
            var facts = new ContainerFacts
            {
                Pids = (kv.Get("pids") ?? "").Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList(),
                MemoryBytes = (kv.Long("mem_kb") ?? 0) * 1024,
                BundleBytes = (kv.Long("bundle_kb") ?? 0) * 1024,
                BundleRecentBytes = kv.Long("bundle_recent_bytes") ?? 0,
                BundleId = kv.Get("bundle_id"),
                ConfigJson = kv.Get("config") is string b64 ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : "",
                UnixSocketsUnchecked = kv.Get("unix_unchecked"),
            };
            for (var n = 0; n < kv.Records.Count; n++)
            {
                var r = kv.Records[n];
                switch (r[0])
                {
                    case "fd" when r.Length >= 5:
                        var entry = (Int(r[1]), Int(r[2]), KeyValueLines.After(kv.RawRecords[n], 4));
                        (r[3] == "tty" ? facts.Terminals : facts.HostFiles).Add(entry);
                        break;
                    case "tcp" when r.Length >= 3:
                        facts.TcpConnections.Add((Endpoint(r[1]), Endpoint(r[2])));
                        break;
                    case "lock" when r.Length >= 3:
                        facts.FileLocks.Add((Int(r[1]), r[2]));
                        break;
                    case "timerfd" when r.Length >= 3:
                        facts.PeriodicTimerfds.Add((Int(r[1]), Int(r[2])));
                        break;
                    case "task" when r.Length >= 4:
                        facts.Tasks.Add((Int(r[1]), r[2], Int(r[3])));
                        break;
                    case "unix" when r.Length >= 3:
                        facts.ExternalUnixSockets.Add((r[1], r[2], r.Length > 3 ? r[3] : "*"));
                        break;
                }
            }
            return facts;
        }

        private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

        /// <summary>/proc/net/tcp{,6} writes "0100007F:1F90": the address as host-order 32-bit words in hex, then the port.</summary>
        internal static string Endpoint(string hex)
        {
            var parts = hex.Split(':');
            if (parts.Length != 2) return hex;
            var port = int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var bytes = new byte[parts[0].Length / 2];
            for (var word = 0; word < bytes.Length / 4; word++)
            {
                var value = uint.Parse(parts[0].Substring(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                // Each 32-bit word is in the kernel's (little-endian) order.
                for (var i = 0; i < 4; i++) bytes[word * 4 + i] = (byte)(value >> (8 * i));
            }
            var address = new IPAddress(bytes);
            return bytes.Length == 16 ? $"[{address}]:{port}" : $"{address}:{port}";
        }
    }
}
