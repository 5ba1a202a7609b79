using System;
using System.Globalization;
using System.IO;
using System.Threading;

namespace LiveMigrate.Hosts
{
    /// <summary>
    /// Who may use a port the controller listens on for a relayed forward (post-copy's pages): exactly one
    /// connection, and on Linux only one whose socket belongs to the controller's own user (the SSH
    /// connection's own remote forward). Another local user who finds the port is closed at once.
    /// A process of the same user is let through: it can read the controller's memory and keys anyway.
    /// </summary>
    public sealed class ForwardAdmission
    {
        private readonly string[] _socketTables;
        private readonly int? _ownUid;
        private int _listenerPort;
        private int _admitted;

        /// <param name="procNet">Where the kernel lists sockets (tcp and tcp6: a dual-mode socket reaching 127.0.0.1 is listed in tcp6).</param>
        public ForwardAdmission(string procNet = "/proc/net", string procSelfStatus = "/proc/self/status")
        {
            _socketTables = new[] { Path.Combine(procNet, "tcp"), Path.Combine(procNet, "tcp6") };
            _ownUid = File.Exists(procSelfStatus) ? EffectiveUid(File.ReadAllText(procSelfStatus)) : null;
        }

        /// <summary>The port the forward listens on, known once it is bound; nothing is admitted before.</summary>
        public int ListenerPort
        {
            get => Volatile.Read(ref _listenerPort);
            set => Volatile.Write(ref _listenerPort, value);
        }

        /// <summary>True for the first connection from a socket of this user to the listener; false for any other.</summary>
        public bool TryAdmit(int peerPort)
        {
            var listener = ListenerPort;
            if (listener == 0) return false;
            if (_ownUid is int uid && OwnerOf(peerPort, listener) != uid) return false;
            return Interlocked.Exchange(ref _admitted, 1) == 0;
        }

        private int? OwnerOf(int localPort, int remotePort)
        {
            foreach (var table in _socketTables)
            {
                if (File.Exists(table) && SocketOwner(File.ReadAllText(table), localPort, remotePort) is int uid) return uid;
            }
            return null;
        }

        /// <summary>The uid of the socket whose local port is <paramref name="localPort"/> and remote port <paramref name="remotePort"/>, in /proc/net/tcp's form.</summary>
        public static int? SocketOwner(string procNetTcp, int localPort, int remotePort)
        {
            foreach (var line in procNetTcp.Split('\n'))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
                var f = line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 8 || !f[0].EndsWith(":", StringComparison.Ordinal)) continue;
                if (Port(f[1]) == localPort && Port(f[2]) == remotePort && int.TryParse(f[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)) return uid;
            }
            return null;
        }

        /// <summary>The effective uid from /proc/self/status ("Uid: real effective saved fs").</summary>
        public static int? EffectiveUid(string procSelfStatus)
        {
            foreach (var line in procSelfStatus.Split('\n'))
            {
                if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
                var f = line.Substring(4).Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 1 && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)) return uid;
            }
            return null;
        }

        private static int Port(string hexAddress)
        {
            var colon = hexAddress.LastIndexOf(':');
            return colon > 0 && int.TryParse(hexAddress.Substring(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port) ? port : -1;
        }
    }
}
