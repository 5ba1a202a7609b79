using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LiveMigrate.Hosts
{
    /// <summary>Where a host is: user, name and port, as in <c>root@10.1.2.3:2222</c> or <c>[::1]:22</c>.</summary>
    public sealed class HostAddress : IEquatable<HostAddress>
    {
        public const int DefaultPort = 22;
        public const string DefaultUser = "root";

        private static readonly Regex Form = new Regex(
            @"^(?:(?<user>[^@\s]+)@)?(?:\[(?<v6>[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.\-]+)?)\]|(?<name>[A-Za-z0-9.\-_]+))(?::(?<port>\d{1,5}))?$",
            RegexOptions.CultureInvariant);

        public HostAddress(string hostName, int port = DefaultPort, string userName = DefaultUser)
        {
            if (string.IsNullOrWhiteSpace(hostName)) throw new ArgumentException("A host name is required.", nameof(hostName));
            if (port < 1 || port > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "A port is between 1 and 65535.");
            if (string.IsNullOrWhiteSpace(userName)) throw new ArgumentException("A user name is required.", nameof(userName));
            HostName = hostName;
            Port = port;
            UserName = userName;
        }

        public string HostName { get; }
        public int Port { get; }
        public string UserName { get; }

        public static HostAddress Parse(string text)
        {
            if (TryParse(text, out var address, out var error)) return address!;
            throw new FormatException(error);
        }

        public static bool TryParse(string? text, out HostAddress? address, out string? error)
        {
            address = null;
            error = null;
            var m = Form.Match(text?.Trim() ?? "");
            if (!m.Success)
            {
                error = $"'{text}' is not a host. Write it as [user@]host[:port], for example root@10.1.2.3:2222 or [::1]:22.";
                return false;
            }
            var port = DefaultPort;
            if (m.Groups["port"].Success && (!int.TryParse(m.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535))
            {
                error = $"'{text}' has port {m.Groups["port"].Value}; a port is between 1 and 65535.";
                return false;
            }
            var host = m.Groups["v6"].Success ? m.Groups["v6"].Value : m.Groups["name"].Value;
            address = new HostAddress(host, port, m.Groups["user"].Success ? m.Groups["user"].Value : DefaultUser);
            return true;
        }

        /// <summary>
        /// Reads where the other hosts reach the host at <paramref name="main"/>: a user left out is the main address's
        /// (the same account on the same host), a port left out is 22.
        /// </summary>
        public static bool TryParseLink(string? text, HostAddress main, out HostAddress? address, out string? error)
        {
            if (!TryParse(text, out address, out error)) return false;
            if (!text!.Contains("@")) address = new HostAddress(address!.HostName, address.Port, main.UserName);
            return true;
        }

        /// <summary>The name OpenSSH's known_hosts uses: bare for port 22, else <c>[host]:port</c>.</summary>
        public string KnownHostsName => Port == DefaultPort ? HostName : $"[{HostName}]:{Port}";

        public override string ToString()
        {
            var host = HostName.Contains(":") ? "[" + HostName + "]" : HostName;
            return $"{UserName}@{host}:{Port}";
        }

        public bool Equals(HostAddress? other) =>
            other != null && Port == other.Port &&
            string.Equals(HostName, other.HostName, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(UserName, other.UserName, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as HostAddress);

        public override int GetHashCode() =>
            StringComparer.OrdinalIgnoreCase.GetHashCode(HostName) ^ Port ^ StringComparer.Ordinal.GetHashCode(UserName);
    }
}
