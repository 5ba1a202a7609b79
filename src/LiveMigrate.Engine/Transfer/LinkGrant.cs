using System;
using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// What one migration's link may do on its destination: unpack only under <see cref="Folders"/>, carry post-copy's
    /// pages to the one client of <see cref="ListenPort"/> or Stop's memory to the page server on <see cref="OpenPort"/>
    /// (through <see cref="PageBridge"/>, never an SSH forward), and only for <see cref="Lifetime"/> unless revoked sooner.
    /// </summary>
    public sealed class LinkGrant
    {
        /// <summary>Added to the bounded steps a link serves, for the short ones between them (state checks, hooks, locks).</summary>
        public static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

        /// <param name="id">Names the link on both hosts (letters, digits, '-' and '_').</param>
        /// <param name="pageBridge">The page guard installed on the destination, which listens on <paramref name="listenPort"/>
        /// or connects to <paramref name="openPort"/>; one port and the bridge, or neither.</param>
        public LinkGrant(string id, IEnumerable<string> folders, int? listenPort, TimeSpan lifetime, string? pageBridge = null, int? openPort = null)
        {
            if (listenPort != null && openPort != null)
                throw new ArgumentException("A link either carries post-copy's pages or Stop's memory, not both.", nameof(openPort));
            if ((listenPort == null && openPort == null) != (pageBridge == null))
                throw new ArgumentException("A link's page port needs the page bridge that serves it, and a bridge its port.", nameof(pageBridge));
            Id = id;
            Folders = folders.ToArray();
            ListenPort = listenPort;
            OpenPort = openPort;
            PageBridge = pageBridge;
            Lifetime = lifetime > TimeSpan.Zero ? lifetime : throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A link's lifetime must be positive.");
        }

        public string Id { get; }
        public IReadOnlyList<string> Folders { get; }
        public int? ListenPort { get; }
        /// <summary>Stop: the destination's page server, which the link's memory session connects to.</summary>
        public int? OpenPort { get; }
        public string? PageBridge { get; }
        public TimeSpan Lifetime { get; }
    }
}
