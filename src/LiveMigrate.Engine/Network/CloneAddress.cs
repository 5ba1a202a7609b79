using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace LiveMigrate.Network
{
    /// <summary>A clone's own address, as -Address gives it: IPv4 or IPv6, with or without a prefix length.</summary>
    public sealed class CloneAddress
    {
        private static readonly Regex Dotted = new Regex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}$");

        private CloneAddress(IPAddress address, int? prefix)
        {
            Address = address;
            Prefix = prefix;
        }

        public IPAddress Address { get; }
        /// <summary>The prefix length given, or null: the clone then takes the original interface's for that family.</summary>
        public int? Prefix { get; }
        public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

        public override string ToString() => Prefix == null ? Address.ToString() : $"{Address}/{Prefix.Value.ToString(CultureInfo.InvariantCulture)}";

        /// <summary>
        /// One address per clone, in -Destination's order; null when none was given. Refused (with what to give instead):
        /// a count that does not match the clones, an address that is not a host's unicast address, one address twice.
        /// </summary>
        public static IReadOnlyList<CloneAddress>? ParseAll(IReadOnlyList<string>? given, int clones)
        {
            if (given == null || given.Count == 0) return null;
            if (given.Count != clones)
                throw new ArgumentException($"-Address gives {given.Count} address(es) for {clones} clone(s): give one per destination, in -Destination's order.");
            var parsed = given.Select(Parse).ToList();
            var twice = parsed.GroupBy(a => a.Address).FirstOrDefault(g => g.Count() > 1);
            if (twice != null) throw new ArgumentException($"-Address gives {twice.Key} to more than one clone; each clone needs an address of its own.");
            return parsed;
        }

        public static CloneAddress Parse(string text)
        {
            var t = (text ?? "").Trim();
            if (t.Length == 0 || t.Length > 50) throw Bad(text, "it is empty or too long");
            var slash = t.IndexOf('/');
            var host = slash < 0 ? t : t.Substring(0, slash);
            int? prefix = null;
            IPAddress? address;
            if (Dotted.IsMatch(host)) address = IPAddress.TryParse(host, out var v4) ? v4 : null;
            else if (host.Contains(":") && !host.Contains("%")) address = IPAddress.TryParse(host, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
            else address = null;
            if (address == null) throw Bad(text, "it is not an IPv4 address (such as 198.18.0.51) or an IPv6 one (such as 2001:db8::51)");
            var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
            if (slash >= 0)
            {
                if (!int.TryParse(t.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > max)
                    throw Bad(text, $"its prefix length must be a number from 1 to {max}");
                prefix = p;
            }
            if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast) ||
                address.IsIPv6Multicast || address.IsIPv6LinkLocal || (address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] >= 224))
                throw Bad(text, "it is not a unicast address a host on a LAN can have");
            return new CloneAddress(address, prefix);
        }

        private static ArgumentException Bad(string? text, string why) =>
            new ArgumentException($"-Address '{text}' cannot be a clone's address: {why}.");
    }
}
