using System;
using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// What one migration's link may do on its destination: unpack only under <see cref="Folders"/>, carry post-copy's
    /// pages to the one client of <see cref="ListenPort"/> (through <see cref="PageBridge"/>, never an SSH forward), and
    /// only for <see cref="Lifetime"/> unless revoked sooner.
    /// </summary>
    public sealed class LinkGrant
    {
        /// <summary>Added to the bounded steps a link serves, for the short ones between them (state checks, hooks, locks).</summary>
        public static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

        /// <param name="id">Names the link on both hosts (letters, digits, '-' and '_').</param>
        /// <param name="pageBridge">The page guard installed on the destination, which listens on <paramref name="listenPort"/>; both or neither.</param>
        public LinkGrant(string id, IEnumerable<string> folders, int? listenPort, TimeSpan lifetime, string? pageBridge = null)
        {
            if ((listenPort == null) != (pageBridge == null))
                throw new ArgumentException("A link's page port needs the page bridge that listens there, and a bridge its port.", nameof(pageBridge));
            Id = id;
            Folders = folders.ToArray();
            ListenPort = listenPort;
            PageBridge = pageBridge;
            Lifetime = lifetime > TimeSpan.Zero ? lifetime : throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A link's lifetime must be positive.");
        }

        public string Id { get; }
        public IReadOnlyList<string> Folders { get; }
        public int? ListenPort { get; }
        public string? PageBridge { get; }
        public TimeSpan Lifetime { get; }
    }
}
