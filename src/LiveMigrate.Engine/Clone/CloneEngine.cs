using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace LiveMigrate.Clone
{
    /// <summary>
    /// Copies a running container to other hosts under new names: one checkpoint, the original left running,
    /// then the same images streamed to every destination and restored there in parallel.
    /// </summary>
    public sealed class CloneEngine
    {
        private readonly Transfer.ITreeTransport _transport;

        public CloneEngine(Transfer.ITreeTransport transport) { _transport = transport; }

        /// <summary>Raised as each step finishes, for progress, on the thread that ran it (the copies run at once).</summary>
        public event Action<string>? StepFinished;

        private void Report(string what) => StepFinished?.Invoke(what);

        /// <param name="source">Where the container runs; its store holds the one checkpoint for as long as the copies take.</param>
        /// <param name="targets">Each destination's store and the clone's name there.</param>
        /// <param name="keepCheckpoint">Keep the checkpoint on every host afterwards, under its name, for Restore-Container.</param>
        /// <param name="addresses">Each clone's own address, in the order of <paramref name="targets"/>: required for a
        /// container whose network namespace is a path of its config.json, refused for any other.</param>
        public IReadOnlyList<CloneResult> Copy(string container, CheckpointStore source, IReadOnlyList<(CheckpointStore Store, string NewName)> targets,
            string checkpointName, bool keepCheckpoint, CancellationToken ct, IReadOnlyList<Network.CloneAddress>? addresses = null)
        {
            var clock = Stopwatch.StartNew();
            var networks = PlanNetworks(container, source, targets, addresses, ct);
            var checkpoint = source.Save(container, checkpointName, ct, tcpEstablished: networks != null);
            Report($"checkpoint of {container} on {source.Host.Name} ({checkpoint.Frozen.TotalMilliseconds:0} ms paused)");
            try
            {
                var work = targets.Select((t, i) => Task.Run(() => CopyTo(container, checkpoint, source, t.Store, t.NewName, networks?[i], clock, ct))).ToArray();
                Task.WaitAll(work);
                return work.Select(t => t.Result).ToList();
            }
            finally
            {
                if (!keepCheckpoint) source.Remove(checkpointName, CancellationToken.None);
            }

            CloneResult CopyTo(string name, CheckpointInfo saved, CheckpointStore from, CheckpointStore to, string newName, Network.ContainerNetwork? network,
                Stopwatch since, CancellationToken token)
            {
                var result = new CloneResult(name, from.Host.Name, to.Host.Name, newName)
                {
                    SourceFrozen = saved.Frozen,
                    Address = network?.Interfaces.Single().Addresses.Single(),
                    NamespacePath = network?.NamespacePath,
                };
                var copied = false;
                try
                {
                    var step = Stopwatch.StartNew();
                    // A clone on the source host itself restores from the checkpoint where it is.
                    var (there, bytes, route) = from.SendTo(saved, to, _transport, Report, replace: false, token);
                    result.BytesTransferred = bytes;
                    result.TransferRoute = route;
                    copied = to.Host.Name != from.Host.Name;
                    result.TransferTime = step.Elapsed;
                    Report($"checkpoint sent to {to.Host.Name}");
                    step.Restart();
                    to.Restore(there, newName, token, network);
                    result.RestoreTime = step.Elapsed;
                    result.Status = CloneStatus.Running;
                    Report($"{newName} runs on {to.Host.Name}");
                }
                catch (Exception ex)
                {
                    result.Status = CloneStatus.Failed;
                    result.Error = ex is OperationCanceledException ? "Cancelled." : ex.Message;
                }
                finally
                {
                    if (copied && !keepCheckpoint)
                    {
                        try { to.Remove(saved.Name, CancellationToken.None); }
                        catch (Exception ex) { result.Error = (result.Error == null ? "" : result.Error + " ") + $"The checkpoint copy {saved.Path} on {to.Host.Name} could not be removed: {ex.Message}"; }
                    }
                    result.Elapsed = since.Elapsed;
                }
                return result;
            }
        }
    
        /// <summary>
        /// Each clone's own network when the original's namespace is a path of its config.json (null when runc makes it),
        /// checked on every destination: everything that would make a clone take the original's address, share a MAC or
        /// a host end, or fail to get its namespace is refused here, before the original is paused.
        /// </summary>
        private static IReadOnlyList<Network.ContainerNetwork>? PlanNetworks(string container, CheckpointStore source,
            IReadOnlyList<(CheckpointStore Store, string NewName)> targets, IReadOnlyList<Network.CloneAddress>? addresses, CancellationToken ct)
        {
            var original = source.NetworkOf(container, ct);
            if (original == null)
            {
                if (addresses != null)
                    throw new ArgumentException($"-Address was given, but {container}'s network namespace is made by runc (config.json names no path): CRIU recreates it in each clone as it was, with nothing connected to it. Clone it without -Address.");
                return null;
            }
            if (addresses == null)
                throw new ArgumentException($"{container} is a network service (namespace {original.NamespacePath}, address {string.Join(", ", original.Interfaces.Single().Addresses)}), " +
                    "and a clone can never take the original's address: give each clone its own with -Address, one per destination in -Destination's order (such as -Address 198.18.0.51, 198.18.0.52).");
            if (addresses.Count != targets.Count) throw new ArgumentException($"-Address gives {addresses.Count} address(es) for {targets.Count} clone(s).");
            var networks = targets.Select((t, i) => Network.CloneNetwork.For(original, t.NewName, addresses[i])).ToList();
            var macs = networks.Select(n => n.Interfaces[0].Mac).Concat(new[] { original.Interfaces[0].Mac }).GroupBy(m => m).FirstOrDefault(g => g.Count() > 1);
            if (macs != null)
                throw new ArgumentException($"Two of the addresses ({string.Join(", ", addresses)}, and the original's) end in the same three bytes, which would give two containers the MAC {macs.Key}; choose addresses that differ there.");
            var problems = targets.Select((t, i) => Task.Run(() => NetworkProblems(t.Store, networks[i], ct))).ToArray();
            try { Task.WaitAll(problems); }
            catch (AggregateException ex) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw(); }
            var all = problems.SelectMany(p => p.Result).ToList();
            if (all.Count > 0)
                throw new InvalidOperationException($"{container} was not paused: {string.Join("; ", all)}.");
            return networks;
        }

        private static IEnumerable<string> NetworkProblems(CheckpointStore store, Network.ContainerNetwork network, CancellationToken ct)
        {
            var host = store.Host.Name;
            var problems = store.Network.Check(network, ct).Select(p => $"{host} cannot make the clone's namespace {network.NamespacePath}: {p}").ToList();
            var inUse = store.Network.AddressesInUse(network, ct);
            if (inUse != null) problems.AddRange(inUse.Select(u => $"on {host}'s LAN, {u.Split(' ')[0]} is already in use (by {u.Split(' ').Last()}); choose another -Address"));
            return problems;
        }
}
}
