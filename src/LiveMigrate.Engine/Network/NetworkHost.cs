using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Network
{
    /// <summary>A host's side of moving a container's network namespace, through container-net.sh.</summary>
    public sealed class NetworkHost : INetworkHost
    {
        // config.json is the user's (or the container's): read no more of it than a real one needs.
        private const int MaxConfigBytes = 1 << 20;
        private readonly IHostSession _host;
        private readonly TimeSpan _timeout;

        public NetworkHost(IHostSession host, TimeSpan timeout)
        {
            _host = host;
            _timeout = timeout;
        }

        public ContainerNetwork? Inspect(string bundle, CancellationToken ct)
        {
            var config = _host.RunChecked(new CommandLine("head", "-c", MaxConfigBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                HostPath.Combine(bundle, "config.json")), _timeout, ct).StandardOutput;
            var path = ContainerNetwork.NamespacePathOf(config);
            if (path == null) return null;
            if (!HostPath.IsSafeAbsolute(path))
                throw new NotSupportedException($"The container's network namespace path '{path}' is not an absolute path LiveMigrate can recreate.");
            return ContainerNetwork.Parse(path, Run(ct, "inspect", path));
        }

        public IReadOnlyList<string> Check(ContainerNetwork network, CancellationToken ct)
        {
            var problems = new List<string>();
            foreach (var i in network.Interfaces)
            {
                foreach (var line in Run(ct, "check", network.NamespacePath, i.HostEnd, i.Bridge).Split('\n'))
                {
                    if (line.StartsWith("problem=", StringComparison.Ordinal)) problems.Add(line.Substring(8).Trim());
                    else if (line.StartsWith("mtu=", StringComparison.Ordinal) && int.TryParse(line.Substring(4).Trim(), out var mtu) && mtu < i.Mtu)
                        problems.Add($"the bridge {i.Bridge} has MTU {mtu}, below {i.Name}'s {i.Mtu}");
                }
            }
            return problems.Distinct().ToList();
        }

        public bool PrepareLoopbackRestore(string bundle, CancellationToken ct)
        {
            var path = HostPath.Combine(bundle, "config.json");
            var config = _host.RunChecked(new CommandLine("head", "-c", MaxConfigBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), path), _timeout, ct).StandardOutput;
            if (ContainerNetwork.WithCriuConfig(config, HostPath.Combine(bundle, ".livemigrate/criu.conf")) == null) return false;
            var annotated = ContainerNetwork.WithCriuConfig(config, Configured(Run(ct, "loopback-restore", bundle)))!;
            if (annotated == config) return true;
            // A new file renamed over the old one: never a half-written config.json.
            _host.RunChecked(new CommandLine("sh", "-c", "printf %s \"$2\" | base64 -d > \"$1.lm-new\" && mv -f -- \"$1.lm-new\" \"$1\"", "write-config", path,
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(annotated))), _timeout, ct);
            return true;
        }

        public void FinishLoopbackRestore(string bundle, CancellationToken ct) => Run(ct, "loopback-restored", bundle);

        private static string Configured(string output) =>
            output.Split('\n').Where(l => l.StartsWith("config=", StringComparison.Ordinal)).Select(l => l.Substring(7).Trim()).LastOrDefault()
            ?? throw new InvalidOperationException("container-net.sh did not say where it wrote CRIU's configuration.");

        public IReadOnlyList<string>? AddressesInUse(ContainerNetwork network, CancellationToken ct)
        {
            var inUse = new List<string>();
            foreach (var i in network.Interfaces)
            {
                var lines = Run(ct, "probe-addresses", i.Bridge, i.Mac, string.Join(",", i.Addresses)).Split('\n');
                if (lines.Any(l => l.StartsWith("unchecked=", StringComparison.Ordinal))) return null;
                inUse.AddRange(lines.Where(l => l.StartsWith("in_use=", StringComparison.Ordinal)).Select(l => l.Substring(7).Trim()));
            }
            return inUse;
        }

        public void Build(ContainerNetwork network, CancellationToken ct)
        {
            var i = network.Interfaces.Single();
            Run(ct, "build", network.NamespacePath, i.Name, i.Mac, i.Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture),
                i.HostEnd, i.Bridge, string.Join(",", i.Addresses), string.Join(";", network.Routes), string.Join(";", network.Neighbours));
        }

        public void Announce(ContainerNetwork network, CancellationToken ct)
        {
            foreach (var i in network.Interfaces) Run(ct, "announce", network.NamespacePath, i.Name, i.HostEnd);
        }

        public void Isolate(ContainerNetwork network, CancellationToken ct)
        {
            foreach (var i in network.Interfaces) Run(ct, "isolate", i.HostEnd);
        }

        public void Rejoin(ContainerNetwork network, CancellationToken ct)
        {
            foreach (var i in network.Interfaces) Run(ct, "rejoin", network.NamespacePath, i.Name, i.HostEnd);
        }

        public void Remove(ContainerNetwork network, CancellationToken ct)
        {
            foreach (var i in network.Interfaces) Run(ct, "remove", network.NamespacePath, i.HostEnd);
        }

        private string Run(CancellationToken ct, params string[] args) =>
            HostScript.Run(_host, HostScript.Command("container-net.sh", args), _timeout, ct).StandardOutput;
    }
}
