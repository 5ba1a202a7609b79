using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using static LiveMigrate.Readiness.Checks.ReadinessChecks;

namespace LiveMigrate.Readiness.Checks
{
    /// <summary>Checks 7-9 on the named container: where it is, what its bundle needs, what its processes hold.</summary>
    internal static class ContainerChecks
    {
        public const string Container = "Container", Bundle = "Bundle", Processes = "Processes", Network = "Network";

        public static IEnumerable<ReadinessResult> Judge(ReadinessEvidence e)
        {
            var name = e.Request.ContainerName!;
            yield return SourceContainer(e, name);
            yield return Unavailable(Container, e.Destination.Name, e.Destination.Container, $"Not checked: both hosts must be reachable.") ??
                (e.Destination.Container.Value is { } there
                    ? new ReadinessResult(Container, e.Destination.Name, ReadinessStatus.Fail, $"A container named {name} already exists there ({there.Status}).",
                        $"Remove it there (runc delete {name}) or choose another destination; a migration never replaces a container.")
                    : new ReadinessResult(Container, e.Destination.Name, ReadinessStatus.Pass, $"No container named {name} there."));
            foreach (var r in BundleRows(e)) yield return r;
            yield return BundleSyncChoice.Row(e);
            yield return CompressionChoice.Row(e);
            yield return RestoreChoice.Row(e);
            yield return StreamChoice.Row(e);
            foreach (var r in NetworkRows(e)) yield return r;
            foreach (var r in ProcessRows(e)) yield return r;
            foreach (var r in CapacityChecks.Judge(e)) yield return r;
        }

        private static string NotInspected(ReadinessEvidence e) =>
            e.Source.Container.Succeeded && e.Source.Container.Value?.Status == ContainerStatus.Running
                ? "Not checked: see the rows above."
                : "Not checked: the container was not found running on the source (see the Container and SSH rows).";

        private static ReadinessResult SourceContainer(ReadinessEvidence e, string name)
        {
            var missing = Unavailable(Container, e.Source.Name, e.Source.Container, "Not checked: both hosts must be reachable.");
            if (missing != null) return missing;
            return e.Source.Container.Value switch
            {
                null => new ReadinessResult(Container, e.Source.Name, ReadinessStatus.Fail, $"No container named {name} there.",
                    $"Check the name: Get-Container -Host {e.Source.Name} lists the containers there."),
                { Status: ContainerStatus.Running } c => new ReadinessResult(Container, e.Source.Name, ReadinessStatus.Pass, $"{name} is running (pid {c.Pid}, bundle {c.Bundle})."),
                { } c => new ReadinessResult(Container, e.Source.Name, ReadinessStatus.Fail, $"{name} is {c.Status}: only a running container can be checkpointed.",
                    c.Status == ContainerStatus.Paused ? $"Resume it first (runc resume {name})." : $"Start it first (runc start {name}), or move its bundle as files."),
            };
        }

        private static IEnumerable<ReadinessResult> BundleRows(ReadinessEvidence e)
        {
            var host = e.Destination.Name;
            if (e.Bundle == null || !e.DestinationPaths.Ran)
            {
                yield return Unavailable(Bundle, host, e.DestinationPaths, NotInspected(e))!;
                yield break;
            }
            var missing = Unavailable(Bundle, host, e.DestinationPaths, "");
            if (missing != null) { yield return missing; yield break; }
            var b = e.Bundle;
            var paths = e.DestinationPaths.Value;
            var bundle = e.Source.Container.Value!.Bundle;
            var absent = new HashSet<string>(paths.Missing);
            var failed = false;
            var shared = BundleSyncChoice.Effective(e) == LiveMigrate.Migration.BundleSync.None;
            if (shared && !paths.BundleExists)
            {
                failed = true;
                yield return new ReadinessResult(Bundle, host, ReadinessStatus.Fail, $"{bundle} is not there, and -BundleSync None expects it on storage both hosts share.",
                    $"Mount the shared storage on {host} at the same path, or use -BundleSync Full or Delta.");
            }
            if (paths.BundleExists && !shared)
            {
                failed = true;
                yield return new ReadinessResult(Bundle, host, ReadinessStatus.Fail, $"{bundle} already exists there; the bundle moves to the same path and is never written over.",
                    $"Remove {bundle} on {host} if it is left from an earlier attempt, or choose another destination (or use -BundleSync None if it is shared storage).");
            }
            if (b.ReadOnlyRootWithoutTmp)
            {
                failed = true;
                yield return new ReadinessResult(Bundle, host, ReadinessStatus.Fail,
                    "The root file system is read-only and nothing writable is mounted at /tmp: CRIU 4.2 makes the work folder of its restore under /tmp inside the container (mnt: Can't create a temporary directory: Read-only file system).",
                    "Add a tmpfs mount at /tmp to config.json (most runtimes give one), or make the root writable.");
            }
            if (!b.RootInBundle && absent.Contains(b.RootPath))
            {
                failed = true;
                yield return new ReadinessResult(Bundle, host, ReadinessStatus.Fail, $"The root file system {b.RootPath} is outside the bundle, so it does not move, and it is not there.",
                    $"Make {b.RootPath} available on {host} at the same path (shared storage or a copy), or keep the rootfs inside the bundle.");
            }
            foreach (var (kind, list, fix) in new[]
            {
                ("bind-mount source", b.BindSources, "Create them on the destination at the same paths (or mount the same shared storage there), or remove those mounts from config.json."),
                // A network namespace at a path is rebuilt there by the migration itself.
                ("namespace to join", b.NamespacePaths.Where(n => n.Type != "network").Select(n => n.Path).ToList(), "Create the same namespaces on the destination (for example ip netns add) before moving, or let the container create its own."),
                ("device", b.Devices, "Load the driver that provides them on the destination, or remove them from linux.devices in config.json."),
            })
            {
                var gone = list.Where(absent.Contains).ToList();
                if (gone.Count == 0) continue;
                failed = true;
                yield return new ReadinessResult(Bundle, host, ReadinessStatus.Fail, $"Missing there, needed by config.json: {string.Join(", ", gone.Select(p => $"{kind} {p}"))}.", fix);
            }
            if (!failed)
                yield return new ReadinessResult(Bundle, host, ReadinessStatus.Pass,
                    (shared ? "The bundle is there already (shared storage)" :
                     b.RootInBundle ? $"The rootfs moves with the bundle ({Size(e.ContainerFacts.Value.BundleBytes)})" : $"The rootfs {b.RootPath} is there") +
                    $"; {b.BindSources.Count} bind-mount source(s), {b.NamespacePaths.Count} namespace path(s) and {b.Devices.Count} device(s) needed by config.json are there.");
        }

        private static IEnumerable<ReadinessResult> NetworkRows(ReadinessEvidence e)
        {
            // Only a namespace at a path is the migration's to rebuild; one runc makes moves whole with CRIU.
            if (!e.Network.Ran) yield break;
            var host = e.Destination.Name;
            if (e.Network.Error is { } ex)
            {
                yield return new ReadinessResult(Network, e.Source.Name, ReadinessStatus.Fail, ex.Message,
                    ex is System.NotSupportedException ? "Use the bridge layout (a veth to a host bridge, static addresses), or rebuild the network with a PreRestore hook and move the container with its namespace made by runc."
                        : "Fix what the error names and run Test-MigrationReadiness again.");
                yield break;
            }
            if (!(e.Network.Value is { } f)) yield break;
            var net = f.Network;
            var iface = net.Interfaces[0];
            var failed = false;
            if (f.Problems.Count > 0)
            {
                failed = true;
                yield return new ReadinessResult(Network, host, ReadinessStatus.Fail, $"{host} cannot take the network namespace {net.NamespacePath}: {string.Join("; ", f.Problems)}.",
                    $"Give {host} the bridge {iface.Bridge} on the same LAN (an MTU of {iface.Mtu} or more) and the folder of {net.NamespacePath}, and remove a namespace or link of those names left there.");
            }
            if (f.AddressesInUse is { Count: > 0 } used)
            {
                failed = true;
                yield return new ReadinessResult(Network, host, ReadinessStatus.Fail, $"Another machine on {host}'s LAN answers for the container's address: {string.Join(", ", used)} (its own MAC is {iface.Mac}).",
                    "Find the machine with that MAC and free the address; two owners of one address would take the container's traffic.");
            }
            if (f.AddressesInUse == null)
                yield return new ReadinessResult(Network, host, ReadinessStatus.Warn, $"Whether another machine on {host}'s LAN uses {string.Join(", ", iface.Addresses)} was not checked: arping is not installed there.",
                    "Install arping (iputils-arping or busybox) on the hosts, or make sure by hand that nothing else uses the address.");
            if (!failed)
                yield return new ReadinessResult(Network, host, ReadinessStatus.Pass,
                    $"The network namespace {net.NamespacePath} ({iface.Name} {iface.Mac}, {string.Join(", ", iface.Addresses)}, MTU {iface.Mtu}) is rebuilt there on bridge {iface.Bridge}" +
                    (net.Established > 0 ? $"; its {net.Established} established TCP connection(s) move with it." : "."));
        }

        private static IEnumerable<ReadinessResult> ProcessRows(ReadinessEvidence e)
        {
            var host = e.Source.Name;
            var missing = Unavailable(Processes, host, e.ContainerFacts, NotInspected(e));
            if (missing != null) { yield return missing; yield break; }
            var f = e.ContainerFacts.Value;
            var any = false;
            foreach (var t in f.Terminals)
            {
                any = true;
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Fail, $"Process {t.Pid} has a terminal open (fd {t.Fd} -> {t.Path}) whose other end is outside the container; CRIU cannot re-create it without the terminal's owner (a pty pair inside the container is carried).",
                    "Run the container detached without a terminal (process.terminal false in config.json, stdio on /dev/null or pipes); runc restore would need --console-socket otherwise.");
            }
            foreach (var h in f.HostFiles)
            {
                any = true;
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Fail, $"Process {h.Pid} has a file open from outside the container's mounts (fd {h.Fd} -> {h.Path}); CRIU fails with 'Can't lookup mount'.",
                    h.Fd <= 2
                        ? "Give the container's stdio /dev/null or a pipe instead of a host file (runc run -d NAME </dev/null >/dev/null 2>&1, or a log collector reading a pipe)."
                        : "Bind-mount the file's folder into the container (a mounts entry in config.json) so it is opened through a mount CRIU knows, or close it before moving.");
            }
            if (f.TcpConnections.Count > 0)
            {
                any = true;
                var moves = e.Bundle?.NamespacePaths.Any(n => n.Type == "network") == true;
                var example = $"{f.TcpConnections.Count} established TCP connection(s), e.g. {f.TcpConnections[0].Local} <-> {f.TcpConnections[0].Remote}";
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Pass, $"{example}, are carried (--tcp-established): " + (moves
                    ? "the container's network namespace is rebuilt on the destination with its addresses, and its peers stay connected."
                    // Plain runc restores that namespace with lo down, and CRIU then cannot connect the sockets back.
                    : "the namespace runc makes for the container moves whole, lo brought up before CRIU restores them (a CRIU action script; plain runc restore fails there)."));
            }
            if (f.FileLocks.Count > 0)
            {
                any = true;
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Pass,
                    $"{f.FileLocks.Count} file lock(s), e.g. a {f.FileLocks[0].Kind} lock of process {f.FileLocks[0].Pid}, are carried (--file-locks).");
            }
            var stopped = f.Tasks.Where(t => t.Kind == "stopped").ToList();
            if (stopped.Count > 0)
            {
                any = true;
                var which = $"Process {stopped[0].Pid} is stopped (SIGSTOP){(stopped.Count > 1 ? $" ({stopped.Count} such processes)" : "")}";
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Pass,
                    $"{which}: carried stopped (continued and stopped again while frozen, so that CRIU can seize it; restored stopped, it runs on when continued).");
                // Pre-dump rounds run while the container runs: CRIU freezes it itself and would wait for ever on the stopped task.
                var mode = e.Request.Mode;
                yield return new ReadinessResult(HostChecks.PreCopy, host,
                    mode == MigrationMode.PreCopy ? ReadinessStatus.Fail : mode == null ? ReadinessStatus.Warn : ReadinessStatus.Skipped,
                    $"{which}: pre-copy's rounds cannot take it (CRIU freezes the running container itself, and its seize of a task both stopped and frozen never returns); the final dump of Stop and PostCopy carries it.",
                    "Use -Mode Stop or PostCopy (-Mode Auto does), or continue the process (kill -CONT) before moving.");
            }
            foreach (var (kind, detail, fix) in new[]
            {
                ("traced", "is traced by process {0} (a debugger or strace); a task has one tracer, and CRIU must be it",
                    "Detach the tracer before moving."),
                ("outside", "is not in the tree of the container's init (its parent {0} is outside, as after runc exec); CRIU dumps that tree only, so the move would lose it",
                    "Start it from the container's own process (an init or supervisor inside), not with runc exec."),
            })
            {
                var tasks = f.Tasks.Where(t => t.Kind == kind).ToList();
                if (tasks.Count == 0) continue;
                any = true;
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Fail,
                    $"Process {tasks[0].Pid} " + string.Format(System.Globalization.CultureInfo.InvariantCulture, detail, tasks[0].Other) + (tasks.Count > 1 ? $" ({tasks.Count} such processes)." : "."), fix);
            }
            if (f.ExternalUnixSockets.Count > 0)
            {
                any = true;
                var s = f.ExternalUnixSockets[0];
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Fail,
                    $"{f.ExternalUnixSockets.Count} UNIX socket(s) connected to a process outside the container (e.g. {s.Path}, peer inode {s.PeerInode}); CRIU refuses external UNIX sockets.",
                    "Disconnect it before moving (a host daemon's socket bind-mounted into the container, such as a log or metrics agent); CRIU's --ext-unix-sk only helps when the peer can be reconnected on the destination.");
            }
            if (f.PeriodicTimerfds.Count > 0)
            {
                any = true;
                var t = f.PeriodicTimerfds[0];
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Warn,
                    $"Process {t.Pid} has a periodic timerfd (fd {t.Fd}; {f.PeriodicTimerfds.Count} in all): one whose expiry falls while the container is frozen comes back disarmed (CRIU 4.2.1 dumps its next expiry as 0), and stops firing.",
                    "Check that the program re-arms its timers (or uses POSIX timers or itimers, which are carried), or keep the freeze shorter than the timer's period.");
            }
            if (f.UnixSocketsUnchecked != null)
            {
                any = true;
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Warn, $"UNIX sockets were not checked: {f.UnixSocketsUnchecked}.", "Install iproute2 (ss) and util-linux (nsenter) on the host.");
            }
            if (!any)
                yield return new ReadinessResult(Processes, host, ReadinessStatus.Pass,
                    $"{f.Pids.Count} process(es): no terminal from outside, host file, established TCP connection, file lock, external UNIX socket, stopped, traced or stray task.");
        }
    }
}
