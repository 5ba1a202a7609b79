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
            var path = ContainerNetwork.NamespacePathOf(ReadConfig(bundle, ct));
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
            var config = ReadConfig(bundle, ct);
            // Where container-net.sh loopback-restore writes it.
            var annotated = ContainerNetwork.WithCriuConfig(config, HostPath.Combine(bundle, ".livemigrate/criu.conf"));
            if (annotated == null) return false;
            Run(ct, "loopback-restore", bundle);
            if (annotated != config) _host.WriteText(HostPath.Combine(bundle, "config.json"), annotated, _timeout, ct);
            return true;
        }

        public void FinishLoopbackRestore(string bundle, CancellationToken ct) => Run(ct, "loopback-restored", bundle);

        private string ReadConfig(string bundle, CancellationToken ct) =>
            _host.RunChecked(new CommandLine("head", "-c", MaxConfigBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                HostPath.Combine(bundle, "config.json")), _timeout, ct).StandardOutput;

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
