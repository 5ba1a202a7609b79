using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Runc;

namespace LiveMigrate.Clone
{
    /// <summary>
    /// Named checkpoints on one host, under <see cref="Root"/>: saved from a running container without stopping it,
    /// and restored, as often as wanted, as new containers (a bundle of their own, next to the original's).
    /// </summary>
    public sealed class CheckpointStore
    {
        public const string DefaultRoot = "/var/lib/livemigrate/checkpoints";
        private const string MetadataFile = "checkpoint.json";
        /// <summary>In a clone's bundle: the CRIU configuration its config.json names for its restore.</summary>
        public const string CloneCriuConfigFile = "criu-clone.conf";
        private readonly RuncHost _host;
        private readonly RuntimeOptions _options;
        private readonly string _lockRoot;

        /// <param name="lockRoot">Where the containers' locks are (<see cref="ContainerLock"/>), shared with migrations.</param>
        /// <param name="network">The host's network side (a clone's own namespace); the host's own by default.</param>
        public CheckpointStore(RuncHost host, RuntimeOptions options, string root = DefaultRoot, string lockRoot = ContainerLock.DefaultRoot,
            Network.INetworkHost? network = null)
        {
            _host = host;
            Network = network ?? new Network.NetworkHost(host.Session, options.CommandTimeout);
            _options = options;
            Root = HostPath.IsSafeAbsolute(root) ? root : throw new ArgumentException($"'{root}' is not an absolute path for checkpoints.");
            _lockRoot = lockRoot;
        }

        public string Root { get; }
        public RuncHost Host => _host;
        public Network.INetworkHost Network { get; }

        public string PathOf(string checkpoint) => HostPath.Combine(Root, ContainerName.Validate(checkpoint));

        /// <summary>
        /// Checkpoints <paramref name="container"/> into a new folder; the container is paused meanwhile and then runs on.
        /// Under the container's lock: a migration meanwhile would freeze it, or resume it under the save's feet.
        /// </summary>
        /// <param name="tcpEstablished">Dump established TCP connections (a service's clients) instead of refusing them;
        /// the container keeps them, and its clones restore them closed.</param>
        public CheckpointInfo Save(string container, string checkpoint, CancellationToken ct, bool tcpEstablished = false)
        {
            using var held = ContainerLock.Take(_host, _lockRoot, container, $"checkpoint {checkpoint} of {container}", ct);
            var state = _host.State(container, ct) ?? throw new InvalidOperationException($"No container named '{container}' on {_host.Name}.");
            if (state.Status != ContainerStatus.Running) throw new InvalidOperationException($"'{container}' on {_host.Name} is {state.Status}; only a running container is checkpointed.");
            if (!HostPath.IsSafeAbsolute(state.Bundle))
                throw new InvalidOperationException($"runc reports bundle '{state.Bundle}' for '{container}' on {_host.Name}; only an absolute, normalized bundle path with no folder name that begins with '-' is archived.");
            var dir = PathOf(checkpoint);
            var runc = _host.Runtime;
            var script = HostScript.Command("checkpoint-save.sh", tcpEstablished
                ? new[] { runc.Executable, container, state.Bundle, dir, "--tcp-established" } : new[] { runc.Executable, container, state.Bundle, dir }).WithEnvironment(runc.DumpEnvironment(ct));
            script.HostTimeout = _options.CriuTimeout;
            string facts;
            try
            {
                facts = HostScript.Run(_host.Session, script, _options.CriuTimeout + TimeSpan.FromSeconds(10), ct).StandardOutput;
            }
            catch
            {
                // A script killed while the container was paused (a timeout, a dropped connection) never ran its resume.
                try { if (_host.State(container, CancellationToken.None)?.Status == ContainerStatus.Paused) _host.Resume(container, CancellationToken.None); }
                catch (Exception) { /* the rethrown error says what went wrong; State shows it paused */ }
                throw;
            }
            var said = new Readiness.Facts.KeyValueLines(facts);
            var info = new CheckpointInfo(checkpoint, _host.Name, dir, container, state.Bundle, DateTimeOffset.UtcNow, said.Long("bytes") ?? 0, TimeSpan.FromMilliseconds(said.Long("frozen_ms") ?? 0));
            var metadata = new JsonObject
            {
                ["container"] = info.Container, ["bundle"] = info.Bundle, ["created"] = info.Created.ToString("o", CultureInfo.InvariantCulture),
                ["bytes"] = info.Bytes, ["frozenMs"] = (long)info.Frozen.TotalMilliseconds,
            };
            WriteFile(HostPath.Combine(dir, MetadataFile), metadata.ToJsonString(), ct);
            return info;
        }

        /// <summary>The names of the checkpoints on this host (folders of the root holding a checkpoint.json); none when the root is missing.</summary>
        public IReadOnlyList<string> List(CancellationToken ct)
        {
            const string script = "for f in \"$1\"/*/checkpoint.json; do [ -f \"$f\" ] || continue; d=${f%/*}; printf '%s\\n' \"${d##*/}\"; done";
            var command = new CommandLine("sh", "-c", script, "sh", Root);
            var listed = _host.Session.Run(command, _options.CommandTimeout, ct);
            if (!listed.Succeeded) throw new CommandFailedException(_host.Name, command, $"Listing the checkpoints in {Root} on {_host.Name} failed.", listed);
            return listed.StandardOutput.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Where(ContainerName.IsValid).OrderBy(n => n, StringComparer.Ordinal).ToList();
        }

        public CheckpointInfo Get(string checkpoint, CancellationToken ct)
        {
            var dir = PathOf(checkpoint);
            var read = _host.Session.Run(new CommandLine("cat", HostPath.Combine(dir, MetadataFile)), _options.CommandTimeout, ct);
            if (!read.Succeeded) throw new InvalidOperationException($"No checkpoint named '{checkpoint}' on {_host.Name} ({dir}/{MetadataFile} cannot be read).");
            var m = JsonNode.Parse(read.StandardOutput)!;
            return new CheckpointInfo(checkpoint, _host.Name, dir, (string)m["container"]!, (string)m["bundle"]!,
                DateTimeOffset.Parse((string)m["created"]!, CultureInfo.InvariantCulture), (long)m["bytes"]!, TimeSpan.FromMilliseconds((long)m["frozenMs"]!));
        }

        /// <summary>The network namespace of <paramref name="container"/> when it is a path of its config.json; null when runc makes it.</summary>
        public Network.ContainerNetwork? NetworkOf(string container, CancellationToken ct)
        {
            var state = _host.State(container, ct) ?? throw new InvalidOperationException($"No container named '{container}' on {_host.Name}.");
            return Network.Inspect(state.Bundle, ct);
        }

        /// <summary>
        /// Restores a checkpoint of this host as container <paramref name="newName"/>, its bundle a checked copy of the
        /// saved one next to the original's. The checkpoint stays as it was; a failed restore leaves nothing behind.
        /// With <paramref name="network"/> (a clone of a service), the clone gets that namespace, made here before its
        /// restore, and its established connections come back closed.
        /// </summary>
        public ContainerInfo Restore(CheckpointInfo checkpoint, string newName, CancellationToken ct, Network.ContainerNetwork? network = null)
        {
            // Under the new name's lock: a failed restore removes the container of that name, which must be its own.
            using var held = ContainerLock.Take(_host, _lockRoot, newName, $"restore of checkpoint {checkpoint.Name} as {newName}", ct);
            if (_host.State(newName, ct) is ContainerInfo there)
                throw new InvalidOperationException($"{_host.Name} already has a container named '{newName}' ({there.Status}); choose another -NewName.");
            var bundle = HostPath.Combine(checkpoint.Bundle.Substring(0, checkpoint.Bundle.LastIndexOf('/')), newName);
            var work = HostPath.Combine(checkpoint.Path, "restore-" + newName + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            HostScript.Run(_host.Session, HostScript.Command("checkpoint-expand.sh", new[] { checkpoint.Path, bundle }), _options.CriuTimeout, ct);
            var built = false;
            try
            {
                var configPath = HostPath.Combine(bundle, "config.json");
                var config = _host.Session.RunChecked(new CommandLine("cat", configPath), _options.CommandTimeout, ct).StandardOutput;
                var criuConfig = network == null ? null : HostPath.Combine(bundle, CloneCriuConfigFile);
                WriteFile(configPath, CloneConfig.ForClone(config, checkpoint.Container, newName, network?.NamespacePath, criuConfig), ct);
                if (network != null)
                {
                    WriteFile(criuConfig!, CloneConfig.RestoreCriuOptions, ct);
                    built = true;
                    Network.Build(network, ct);
                }
                _host.CreateDirectory(work, ct);
                _host.Runtime.RestoreFromCheckpoint(newName, bundle, HostPath.Combine(checkpoint.Path, "images"), work, CancellationToken.None);
                var state = _host.State(newName, ct);
                if (state?.Status != ContainerStatus.Running)
                    throw new InvalidOperationException($"After restore, '{newName}' on {_host.Name} is {state?.Status.ToString() ?? "gone"}, not running.");
                if (network != null)
                {
                    Network.Announce(network, CancellationToken.None);
                    EndCloneRestore(configPath, config, checkpoint.Container, newName, network, criuConfig!);
                }
                _host.RemoveTree(work, CancellationToken.None);
                return state;
            }
            catch
            {
                try { if (_host.State(newName, CancellationToken.None) != null) _host.Delete(newName, force: true, CancellationToken.None); } catch (Exception) { /* reported by the rethrow */ }
                try { if (built) Network.Remove(network!, CancellationToken.None); } catch (Exception) { /* idem */ }
                try { _host.RemoveTree(bundle, CancellationToken.None); } catch (Exception) { /* idem */ }
                try { _host.RemoveTree(work, CancellationToken.None); } catch (Exception) { /* idem */ }
                throw;
            }
        }

        public void Remove(string checkpoint, CancellationToken ct) => _host.RemoveTree(PathOf(checkpoint), ct);

        /// <summary>
        /// Streams a checkpoint of this host to the same path on <paramref name="target"/> (nothing moves when that is this
        /// host) the way <paramref name="transport"/> opens, and returns it as the target's, with the bytes sent and the route.
        /// A checkpoint of that name there already is replaced only with <paramref name="replace"/>, and refused otherwise.
        /// </summary>
        public (CheckpointInfo There, long Bytes, Transfer.TransferRoute Route) SendTo(CheckpointInfo checkpoint, CheckpointStore target,
            Transfer.ITreeTransport transport, Action<string> say, bool replace, CancellationToken ct)
        {
            long bytes = 0;
            var route = Transfer.TransferRoute.Relay;
            if (target.Host.Name != _host.Name)
            {
                target.MakeRoomFor(checkpoint, replace, say, ct);
                var grant = new Transfer.LinkGrant(Migration.RunId.New(), new[] { checkpoint.Path }, null, transport.StreamTimeout + Transfer.LinkGrant.Margin);
                using var link = transport.Open(_host, target._host, grant, say, ct);
                bytes = link.Copy(_host, target._host, new[] { checkpoint.Path }, null, ct);
                route = link.Route;
            }
            var there = new CheckpointInfo(checkpoint.Name, target.Host.Name, checkpoint.Path, checkpoint.Container, checkpoint.Bundle,
                checkpoint.Created, checkpoint.Bytes, checkpoint.Frozen);
            return (there, bytes, route);
        }

        /// <summary>
        /// A checkpoint of that name here (another one, or an earlier copy of this one, possibly torn or changed) is removed
        /// when <paramref name="replace"/> says so, and refused otherwise: a copy would write into it, file by file.
        /// </summary>
        private void MakeRoomFor(CheckpointInfo checkpoint, bool replace, Action<string> say, CancellationToken ct)
        {
            if (!_host.Exists(checkpoint.Path, ct)) return;
            CheckpointInfo? here = null;
            try { here = Get(checkpoint.Name, ct); }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // No readable checkpoint.json (a torn copy, something else): not this checkpoint.
            }
            var what = here == null ? "that cannot be read as one" : $"of {here.Container}, saved {here.Created:yyyy-MM-dd HH:mm:ss} UTC";
            if (!replace)
                throw new InvalidOperationException($"{_host.Name} already has a checkpoint named '{checkpoint.Name}' at {checkpoint.Path} ({what}); it was left as it is. " +
                    $"Restore from that one with -Host {_host.Name}, or give -Force to replace it with the one from {checkpoint.Host}.");
            say($"Replacing the checkpoint {checkpoint.Path} on {_host.Name} ({what}).");
            _host.RemoveTree(checkpoint.Path, ct);
        }

        /// <summary>
        /// runc keeps the annotation in the running clone's state, so its later checkpoints (a move, a save) read the same
        /// file: from now on it says what CRIU read for the original, and config.json no longer names it, so a restore
        /// elsewhere reads that host's own configuration. Closing connections was for this restore only.
        /// </summary>
        private void EndCloneRestore(string configPath, string config, string original, string newName, Network.ContainerNetwork network, string criuConfig)
        {
            WriteFile(configPath, CloneConfig.ForClone(config, original, newName, network.NamespacePath, criuConfig: null), CancellationToken.None);
            var theirs = CloneConfig.OriginalCriuConfig(config);
            _host.Session.RunChecked(theirs == null
                ? new CommandLine("sh", "-c", ": > \"$1\"", "sh", criuConfig)
                : new CommandLine("sh", "-c", "cat -- \"$1\" > \"$2\" 2>/dev/null || : > \"$2\"", "sh", theirs, criuConfig), _options.CommandTimeout, CancellationToken.None);
        }

        private void WriteFile(string path, string text, CancellationToken ct) => _host.Session.WriteText(path, text, _options.CommandTimeout, ct);
    }
}
