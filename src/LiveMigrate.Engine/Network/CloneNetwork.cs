using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LiveMigrate.Network
{
    /// <summary>
    /// A clone's network: the original's layout (interface name, MTU, bridge, routes) with what must be its own: the
    /// address, a namespace beside the original's named after the clone, a MAC from the address, a host end from its name.
    /// </summary>
    public static class CloneNetwork
    {
        private const int MaxLinkName = 15;
        private const string HostEndPrefix = "v-";
        private static readonly Regex LinkSafe = new Regex("^[A-Za-z0-9_.-]+$");

        public static ContainerNetwork For(ContainerNetwork original, string cloneName, CloneAddress address)
        {
            var i = original.Interfaces.Single();
            var theirs = i.Addresses.Select(a => IPAddress.Parse(a.Substring(0, a.IndexOf('/')))).ToList();
            if (theirs.Contains(address.Address))
                throw new ArgumentException($"-Address {address.Address} for {cloneName} is the original's own address; a clone needs one of its own.");
            var prefix = address.Prefix ?? i.Addresses.Where(a => a.Contains(":") == address.IsIPv6)
                .Select(a => (int?)int.Parse(a.Substring(a.IndexOf('/') + 1), CultureInfo.InvariantCulture)).FirstOrDefault()
                ?? throw new ArgumentException($"-Address {address} for {cloneName}: the original's {i.Name} has no {(address.IsIPv6 ? "IPv6" : "IPv4")} address to take the prefix length from; give it, such as {address.Address}/{(address.IsIPv6 ? 64 : 24)}.");
            var own = new ContainerInterface(i.Name, MacFor(address), i.Mtu, HostEndFor(cloneName), i.Bridge,
                new[] { $"{address.Address}/{prefix.ToString(CultureInfo.InvariantCulture)}" });
            return new ContainerNetwork(NamespacePathFor(original.NamespacePath, cloneName), new[] { own }, RoutesFor(original.Routes, theirs, address), 0);
        }

        /// <summary>The original's namespace folder, with the clone's name: /run/netns/web gives /run/netns/web-1.</summary>
        public static string NamespacePathFor(string original, string cloneName) => original.Substring(0, original.LastIndexOf('/') + 1) + cloneName;

        /// <summary>
        /// "v-" and the clone's name when it fits a link name (15 characters) and holds only a link name's characters
        /// (v-web-1); otherwise "v-", its first 8 characters made safe, "-" and 4 hex digits of its SHA-256, so that
        /// two long names that start alike still differ.
        /// </summary>
        public static string HostEndFor(string cloneName)
        {
            var plain = HostEndPrefix + cloneName;
            if (plain.Length <= MaxLinkName && LinkSafe.IsMatch(cloneName)) return plain;
            var head = new string(cloneName.Take(8).Select(c => LinkSafe.IsMatch(c.ToString()) ? c : '_').ToArray());
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(cloneName));
            return $"{HostEndPrefix}{head}-{hash[0]:x2}{hash[1]:x2}";
        }

        /// <summary>
        /// A locally administered unicast MAC from the address, as the lab's services have: 02:4c:4d and the address's
        /// last three bytes (IPv4: its octets 2 to 4). The same address always gets the same MAC, so peers' neighbour
        /// caches stay right when a clone is made again with that address; clones on one /24 (or one IPv6 /104) never share one.
        /// </summary>
        public static string MacFor(CloneAddress address)
        {
            var b = address.Address.GetAddressBytes();
            return string.Format(CultureInfo.InvariantCulture, "02:4c:4d:{0:x2}:{1:x2}:{2:x2}", b[b.Length - 3], b[b.Length - 2], b[b.Length - 1]);
        }

        /// <summary>The original's routes (IPv4, as inspect reads them) with its own address as a "src" replaced by the clone's; none for an IPv6 clone.</summary>
        private static IReadOnlyList<string> RoutesFor(IReadOnlyList<string> routes, IReadOnlyList<IPAddress> theirs, CloneAddress address)
        {
            if (address.IsIPv6) return Array.Empty<string>();
            var replaced = theirs.Select(a => a.ToString()).ToList();
            return routes.Select(r => string.Join(" ", r.Split(' ').Select(w => replaced.Contains(w) ? address.Address.ToString() : w))).ToList();
        }
    }
}
