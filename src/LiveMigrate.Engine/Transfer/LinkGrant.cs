using System;
using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Transfer
{
    /// <summary>
    /// What one migration's link may do on its destination: unpack only under <see cref="Folders"/>, listen only on
    /// <see cref="ListenPort"/> (post-copy's pages) or reach only <see cref="OpenPort"/> (Stop's page server), and only for
    /// <see cref="Lifetime"/> unless revoked sooner.
    /// </summary>
    public sealed class LinkGrant
    {
        /// <summary>Added to the bounded steps a link serves, for the short ones between them (state checks, hooks, locks).</summary>
        public static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

        /// <param name="id">Names the link on both hosts (letters, digits, '-' and '_').</param>
        public LinkGrant(string id, IEnumerable<string> folders, int? listenPort, TimeSpan lifetime, int? openPort = null)
        {
            if (listenPort != null && openPort != null) throw new ArgumentException("A link either listens on the destination or reaches a port there, not both.", nameof(openPort));
            Id = id;
            Folders = folders.ToArray();
            ListenPort = listenPort;
            OpenPort = openPort;
            Lifetime = lifetime > TimeSpan.Zero ? lifetime : throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A link's lifetime must be positive.");
        }

        public string Id { get; }
        public IReadOnlyList<string> Folders { get; }
        public int? ListenPort { get; }
        public int? OpenPort { get; }
        public TimeSpan Lifetime { get; }
    }
}
