using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.Readiness
{
    /// <summary>Reads hosts with the scripts in Readiness/Scripts: one round trip per question.</summary>
    public sealed class ReadinessProbe : IReadinessProbe
    {
        private readonly ReadinessRequest _request;

        public ReadinessProbe(ReadinessRequest request) { _request = request; }

        private RuntimeOptions Runtime => _request.Runtime;
        private TimeSpan Timeout => Runtime.CommandTimeout;

        // The connection alone: whether commands reach root is the Access probe's to say.
        public void Ping(IHostSession host, CancellationToken ct) => host.RunChecked(new CommandLine("true") { AsLoginUser = true }, Timeout, ct);

        public RootAccess Access(IHostSession host, CancellationToken ct)
        {
            var user = host.RunChecked(new CommandLine("id", "-un") { AsLoginUser = true }, Timeout, ct).StandardOutput.Trim();
            var root = host.Run(new CommandLine("id", "-u"), Timeout, ct);
            var become = (host as SshHostSession)?.Options.Become ?? BecomeMethod.None;
            return root.Succeeded
                ? new RootAccess(user, become, root.StandardOutput.Trim(), "")
                : new RootAccess(user, become, null, CommandFailedException.Excerpt(root.StandardError.Trim()));
        }

        private RuncRuntime Runc(IHostSession host) => new RuncRuntime(host, Runtime);

        public HostFacts Facts(IHostSession host, CancellationToken ct) =>
            HostFacts.Parse(Script(host, "host-facts.sh", ct, Runc(host).Executable, Runtime.CriuPath, _request.ImageRoot).StandardOutput);

        public CanaryResult Canary(IHostSession host, CancellationToken ct)
        {
            var id = Guid.NewGuid().ToString("N").Substring(0, 12);
            var name = "livemigrate-canary-" + id;
            var dir = HostPath.Combine(_request.ImageRoot, name);
            var steps = (int)Math.Ceiling(_request.CanaryTimeout.TotalSeconds);
            var cmd = ScriptCommand("canary.sh", Runc(host).Executable, dir, name, steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
            cmd.WithEnvironment(Runtime.CriuEnvironment);
            // Run, checkpoint and restore each have the step limit inside the script; this is the backstop.
            var limit = TimeSpan.FromSeconds(steps * 3 + 10);
            try
            {
                var result = host.Run(cmd, limit, ct);
                var canary = CanaryResult.Parse(result.StandardOutput, timedOut: false);
                if (!canary.Succeeded) CleanUpCanary(host, name, dir);
                return canary;
            }
            catch (CommandFailedException ex) when (ex.TimedOut)
            {
                CleanUpCanary(host, name, dir);
                return CanaryResult.Parse("", timedOut: true);
            }
            catch (OperationCanceledException)
            {
                CleanUpCanary(host, name, dir);
                throw;
            }
        }

        // The script cleans up after itself unless it was killed; a frozen canary must not outlive the check.
        private void CleanUpCanary(IHostSession host, string name, string dir)
        {
            // Best effort: the canary may not have been made, or the host may be gone.
            try { Runc(host).Delete(name, force: true, CancellationToken.None); }
            catch (Exception) { }
            try { host.Run(new CommandLine("rm", "-rf", "--", dir), Timeout, CancellationToken.None); }
            catch (Exception) { }
        }

        public ContainerInfo? State(IHostSession host, string name, CancellationToken ct) => Runc(host).State(name, ct);

        public ContainerFacts Inspect(IHostSession host, ContainerInfo container, CancellationToken ct)
        {
            // runc ps gives the cgroup's order, which after a restore need not start with the init the script takes first.
            var listed = Runc(host).Processes(container.Name, ct);
            var ordered = listed.Contains(container.Pid) ? new[] { container.Pid }.Concat(listed.Where(p => p != container.Pid)) : listed;
            var pids = ordered.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return ContainerFacts.Parse(Script(host, "container-inspect.sh", ct, new[] { container.Name, container.Bundle }.Concat(pids).ToArray()).StandardOutput);
        }

        public DestinationPaths CheckPaths(IHostSession host, string bundle, IReadOnlyList<string> paths, CancellationToken ct) =>
            DestinationPaths.Parse(Script(host, "paths-check.sh", ct, new[] { bundle }.Concat(paths).ToArray()).StandardOutput);

        public NetworkFacts? CheckNetwork(IHostSession source, IHostSession destination, string bundle, CancellationToken ct)
        {
            var network = new Network.NetworkHost(source, Timeout).Inspect(bundle, ct);
            if (network == null) return null;
            var there = new Network.NetworkHost(destination, Timeout);
            return new NetworkFacts(network, there.Check(network, ct), there.AddressesInUse(network, ct));
        }

        public string? CheckCpu(IHostSession source, IHostSession destination, CancellationToken ct)
        {
            var dir = HostPath.Combine(_request.ImageRoot, "cpuinfo-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            var image = Script(source, "cpuinfo-dump.sh", ct, Runtime.CriuPath, dir).StandardOutput.Trim();
            var result = destination.Run(ScriptCommand("cpuinfo-check.sh", Runtime.CriuPath, dir, image), Timeout, ct);
            if (result.Succeeded) return null;
            if (result.ExitCode == 1) return result.StandardError.Trim().Length > 0 ? result.StandardError.Trim() : "criu cpuinfo check failed";
            throw new InvalidOperationException($"cpuinfo-check.sh failed on {destination.Name} (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }

        public CompressionSample SampleCompression(IHostSession source, IReadOnlyList<int> pids, CancellationToken ct)
        {
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            var codecs = new[] { StreamCompression.Zstd, StreamCompression.Lz4 }.SelectMany(c => new[] { StreamCodec.Word(c), StreamCodec.Compressor(c)! });
            return CompressionSample.Parse(Script(source, "memory-sample.sh", ct,
                new[] { _request.CompressionSampleMiB.ToString(invariant) }.Concat(codecs).Concat(new[] { "--" }).Concat(pids.Select(p => p.ToString(invariant))).ToArray()).StandardOutput);
        }

        public IBandwidthSample PrepareBandwidth(IHostSession source, IHostSession destination, CancellationToken ct) =>
            RouteChoice.Take<IBandwidthSample>(_request.TransferRoute, source, destination,
                target => DirectBandwidthSample.Prepare(source, target, _request.ImageRoot, _request.DirectBandwidthSampleBytes, Timeout, ct),
                why => new RelayedBandwidthSample(source, destination, _request.BandwidthSampleBytes, Timeout, $"relayed through this controller ({why})"));

        private CommandResult Script(IHostSession host, string name, CancellationToken ct, params string[] args) =>
            HostScript.Run(host, ScriptCommand(name, args).WithEnvironment(Runtime.CriuEnvironment), Timeout, ct);

        private static CommandLine ScriptCommand(string name, params string[] args) => HostScript.Command(name, args);
    }
}
