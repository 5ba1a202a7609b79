using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LiveMigrate.Network
{
    /// <summary>One interface of a container's network namespace, with the host's end of its veth pair.</summary>
    public sealed class ContainerInterface
    {
        public ContainerInterface(string name, string mac, int mtu, string hostEnd, string bridge, IReadOnlyList<string> addresses)
        {
            Name = name;
            Mac = mac;
            Mtu = mtu;
            HostEnd = hostEnd;
            Bridge = bridge;
            Addresses = addresses;
        }

        public string Name { get; }
        public string Mac { get; }
        public int Mtu { get; }
        /// <summary>The veth's end in the host's namespace, named the same on the destination.</summary>
        public string HostEnd { get; }
        /// <summary>The host bridge the host end is a port of (the LAN's side).</summary>
        public string Bridge { get; }
        /// <summary>Addresses with their prefix, such as 198.18.0.50/24.</summary>
        public IReadOnlyList<string> Addresses { get; }

        public override string ToString() => $"{Name} {Mac} {string.Join(",", Addresses)} (host end {HostEnd} on {Bridge})";
    }

    /// <summary>
    /// A container's network namespace at a path of its config.json, as the common runc / CNI bridge layout makes it
    /// (a veth to a host bridge, static addresses): what must exist on the destination before the restore.
    /// </summary>
    public sealed class ContainerNetwork
    {
        private static readonly Regex LinkName = new Regex("^[A-Za-z0-9_.-]{1,15}$");
        private static readonly Regex Mac = new Regex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$");
        private static readonly Regex Address = new Regex(@"^[0-9a-fA-F.:]{2,39}/[0-9]{1,3}$");
        private static readonly Regex Route = new Regex(@"^[A-Za-z0-9 ./:_-]{1,200}$");

        public ContainerNetwork(string namespacePath, IReadOnlyList<ContainerInterface> interfaces, IReadOnlyList<string> routes, int established,
            IReadOnlyList<string>? neighbours = null)
        {
            Neighbours = neighbours ?? new string[0];
            NamespacePath = namespacePath;
            Interfaces = interfaces;
            Routes = routes;
            Established = established;
        }

        public string NamespacePath { get; }
        public IReadOnlyList<ContainerInterface> Interfaces { get; }
        /// <summary>Routes other than those the addresses bring, as <c>ip route</c> prints them.</summary>
        public IReadOnlyList<string> Routes { get; }
        /// <summary>Established TCP connections in the namespace when it was read.</summary>
        public int Established { get; }
        /// <summary>Peers whose MAC the namespace knew, as ADDRESS=MAC: copied so that the restored sockets reach them at once.</summary>
        public IReadOnlyList<string> Neighbours { get; }

        /// <summary>runc (1.1 and later) hands CRIU the configuration file this annotation names, instead of /etc/criu/runc.conf.</summary>
        public const string CriuConfigAnnotation = "org.criu.config";

        /// <summary>
        /// <paramref name="configJson"/> with its container's CRIU configuration at <paramref name="criuConfig"/>, when the
        /// container has a network namespace of its own that runc makes (no path); unchanged when it names that file
        /// already; null when it does not need it or names a configuration of its own (which is not replaced).
        /// </summary>
        public static string? WithCriuConfig(string configJson, string criuConfig)
        {
            using (var doc = JsonDocument.Parse(configJson, new JsonDocumentOptions { MaxDepth = 64 }))
            {
                var own = doc.RootElement.TryGetProperty("linux", out var linux) && linux.TryGetProperty("namespaces", out var nss) && nss.ValueKind == JsonValueKind.Array &&
                    nss.EnumerateArray().Any(n => n.ValueKind == JsonValueKind.Object && n.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "network");
                if (!own || NamespacePathOf(configJson) != null) return null;
            }
            var config = System.Text.Json.Nodes.JsonNode.Parse(configJson, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as System.Text.Json.Nodes.JsonObject
                ?? throw new InvalidOperationException("config.json is not a JSON object.");
            if (!(config["annotations"] is System.Text.Json.Nodes.JsonObject annotations)) config["annotations"] = annotations = new System.Text.Json.Nodes.JsonObject();
            if (annotations[CriuConfigAnnotation] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var named))
                return named == criuConfig ? configJson : null;
            annotations[CriuConfigAnnotation] = criuConfig;
            return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }

        /// <summary>The network namespace path of a bundle's config.json, or null when runc makes the namespace itself.</summary>
        public static string? NamespacePathOf(string configJson)
        {
            using var doc = JsonDocument.Parse(configJson, new JsonDocumentOptions { MaxDepth = 64 });
            if (!doc.RootElement.TryGetProperty("linux", out var linux) || !linux.TryGetProperty("namespaces", out var namespaces) ||
                namespaces.ValueKind != JsonValueKind.Array) return null;
            foreach (var ns in namespaces.EnumerateArray())
            {
                if (ns.ValueKind == JsonValueKind.Object && ns.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
                    type.GetString() == "network" && ns.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String)
                {
                    var p = path.GetString();
                    return string.IsNullOrEmpty(p) ? null : p;
                }
            }
            return null;
        }

        /// <summary>Reads what container-net.sh inspect printed, refusing what it cannot rebuild (with why, and the way out).</summary>
        public static ContainerNetwork Parse(string namespacePath, string text)
        {
            var interfaces = new List<ContainerInterface>();
            var routes = new List<string>();
            var established = 0;
            var neighbours = new List<string>();
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Trim();
                if (line.StartsWith("route=", StringComparison.Ordinal))
                {
                    var route = line.Substring(6);
                    if (!Route.IsMatch(route)) throw Unsupported(namespacePath, $"its route '{route}' is not one LiveMigrate can copy");
                    routes.Add(route);
                }
                else if (line.StartsWith("established=", StringComparison.Ordinal))
                    int.TryParse(line.Substring(12), NumberStyles.None, CultureInfo.InvariantCulture, out established);
                else if (line.StartsWith("neigh=", StringComparison.Ordinal))
                {
                    var n = line.Substring(6);
                    var eq = n.IndexOf('=');
                    // Only what the restore can use; anything else from the host is dropped, not passed on.
                    if (eq > 0 && Address.IsMatch(n.Substring(0, eq) + "/32") && Mac.IsMatch(n.Substring(eq + 1))) neighbours.Add(n);
                }
                else if (line.StartsWith("if=", StringComparison.Ordinal))
                    interfaces.Add(Interface(namespacePath, Fields(line)));
            }
            if (interfaces.Count == 0) throw Unsupported(namespacePath, "it has no interface but lo to move");
            if (interfaces.Count > 1) throw Unsupported(namespacePath, $"it has {interfaces.Count} interfaces, and LiveMigrate rebuilds one");
            return new ContainerNetwork(namespacePath, interfaces, routes, established, neighbours);
        }

        private static ContainerInterface Interface(string ns, Dictionary<string, string> f)
        {
            string Get(string key) => f.TryGetValue(key, out var v) ? v : "";
            var name = Get("if");
            if (Get("kind") != "veth" || Get("hostend").Length == 0 || Get("bridge").Length == 0)
                throw Unsupported(ns, $"its interface {name} is not a veth whose host end is on a bridge");
            if (!LinkName.IsMatch(name) || !LinkName.IsMatch(Get("hostend")) || !LinkName.IsMatch(Get("bridge")))
                throw Unsupported(ns, $"its interface {name} has a name LiveMigrate does not handle");
            if (!Mac.IsMatch(Get("mac"))) throw Unsupported(ns, $"its interface {name} has no MAC address");
            if (!int.TryParse(Get("mtu"), NumberStyles.None, CultureInfo.InvariantCulture, out var mtu) || mtu < 68 || mtu > 65535)
                throw Unsupported(ns, $"its interface {name} has no MTU");
            var addresses = Get("addrs").Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries);
            if (addresses.Any(a => !Address.IsMatch(a))) throw Unsupported(ns, $"its interface {name} has an address LiveMigrate cannot read");
            return new ContainerInterface(name, Get("mac"), mtu, Get("hostend"), Get("bridge"), addresses);
        }

        private static Dictionary<string, string> Fields(string line)
        {
            var fields = new Dictionary<string, string>();
            foreach (var part in line.Split(' '))
            {
                var eq = part.IndexOf('=');
                if (eq > 0) fields[part.Substring(0, eq)] = part.Substring(eq + 1);
            }
            return fields;
        }

        private static NotSupportedException Unsupported(string ns, string why) =>
            new NotSupportedException($"The container's network namespace {ns} cannot be rebuilt on the destination: {why}. " +
                "LiveMigrate moves namespaces made as the bridge layout makes them (veth pairs to a host bridge, static addresses); " +
                "for another set-up, rebuild the network with a PreRestore hook (see about_LiveMigrate_Networking).");

        /// <summary>The text <see cref="Parse"/> reads, as container-net.sh inspect prints it (the journal keeps it so).</summary>
        public string ToInspectText() =>
            string.Concat(Interfaces.Select(i => $"if={i.Name} mac={i.Mac} mtu={i.Mtu.ToString(CultureInfo.InvariantCulture)} kind=veth hostend={i.HostEnd} bridge={i.Bridge} addrs={string.Join(",", i.Addresses)}\n")) +
            string.Concat(Routes.Select(r => $"route={r}\n")) + string.Concat(Neighbours.Select(n => $"neigh={n}\n")) +
            $"established={Established.ToString(CultureInfo.InvariantCulture)}\n";

        public override string ToString() => $"{NamespacePath}: {string.Join("; ", Interfaces)}";
    }
}
