using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Hosts;
using LiveMigrate.Migration;
using LiveMigrate.Readiness.Facts;
using static LiveMigrate.Readiness.Checks.ReadinessChecks;

namespace LiveMigrate.Readiness.Checks
{
    /// <summary>Checks 1-4 on each host: SSH, runc and CRIU, CRIU's features, and the canary.</summary>
    public static class HostChecks
    {
        public const string Ssh = "SSH", Access = "Access", Tools = "Tools", CriuCheck = "CRIU check", PostCopy = "Post-copy", PreCopy = "Pre-copy",
            NetworkLock = "Network lock", Canary = "Canary";

        /// <summary>fs.pipe-max-size below this breaks CRIU's lazy page transfer (see the shared machine notes).</summary>
        public const long PostCopyPipeSize = 4L << 20;
        public const string PageGuardKernel = "5.6";

        public static IEnumerable<ReadinessResult> Judge(ReadinessEvidence e)
        {
            var hosts = new[] { (e.Source, false), (e.Destination, true) };
            foreach (var (h, _) in hosts) yield return Connection(h);
            foreach (var (h, _) in hosts) yield return RootRow(h);
            foreach (var (h, _) in hosts) foreach (var r in WithFacts(h, Tools, f => new[] { ToolVersions(h, f) })) yield return r;
            if (e.Source.KnownFacts?.CriuVersion is { } sv && e.Destination.KnownFacts?.CriuVersion is { } dv && CompareVersions(dv, sv) < 0)
                yield return new ReadinessResult(Tools, e.Pair, ReadinessStatus.Fail,
                    $"The destination's CRIU {dv} is older than the source's {sv}: images are only guaranteed to restore with the same or a newer CRIU.",
                    $"Upgrade CRIU on {e.Destination.Name} to {sv} or newer.");
            foreach (var (h, isDestination) in hosts)
                foreach (var r in WithFacts(h, CriuCheck, f => Features(h, f, e.Request.Mode, isDestination))) yield return r;
            foreach (var (h, _) in hosts) yield return CanaryRow(h, e.Request.NoCanary);
        }

        private static ReadinessResult Connection(HostEvidence h)
        {
            if (h.Host.ConnectionError is { } ex) return new ReadinessResult(Ssh, h.Name, ReadinessStatus.Fail, ex.Message, ConnectionRemedy(ex));
            return Unavailable(Ssh, h.Name, h.Ping, "Not checked.")
                ?? new ReadinessResult(Ssh, h.Name, ReadinessStatus.Pass,
                    // Only LiveMigrate's own SSH connection checked a key: a PowerShell session's ssh did that by its own settings.
                    $"Connected{(h.Host.Session is SshHostSession ? ", host key verified" : "")}; a command round trip took {h.Ping.Value.TotalMilliseconds:0} ms.");
        }

        private static string NotProbed(HostEvidence h) =>
            h.Access.Ran && !(h.Access.Succeeded && h.Access.Value.IsRoot) ? $"commands on {h.Name} do not run as root (see Access)." : $"{h.Name} is not reachable.";

        private static ReadinessResult RootRow(HostEvidence h)
        {
            if (Unavailable(Access, h.Name, h.Access, $"Not checked: {h.Name} is not reachable.") is { } missing) return missing;
            var a = h.Access.Value;
            var line = RootAccess.SudoersLine(a.LoginUser);
            var sudoers = $"Add this line to the host's sudoers (visudo -f /etc/sudoers.d/livemigrate): {line}";
            if (a.IsRoot)
                return new ReadinessResult(Access, h.Name, ReadinessStatus.Pass,
                    a.Become == BecomeMethod.Sudo ? $"Logged in as {a.LoginUser}; commands run as root through sudo -n." : $"Logged in as {a.LoginUser}.");
            if (a.Become == BecomeMethod.None)
                return new ReadinessResult(Access, h.Name, ReadinessStatus.Fail,
                    $"Logged in as {a.LoginUser} (uid {a.Uid}), not root: runc and CRIU need root.",
                    $"Log in as root, or open the host with New-MigrationHost ... -Become Sudo (in a plan, 'become: sudo'). {sudoers}");
            if (a.Uid != null)
                return new ReadinessResult(Access, h.Name, ReadinessStatus.Fail,
                    $"sudo -n ran commands as uid {a.Uid}, not root.", $"Make sudo run them as root. {sudoers}");
            var missingSudo = a.Refusal.Contains("sudo: not found") || a.Refusal.Contains("sudo: command not found");
            return new ReadinessResult(Access, h.Name, ReadinessStatus.Fail,
                $"Logged in as {a.LoginUser}, whose commands cannot become root with sudo -n" + (a.Refusal.Length > 0 ? $": {a.Refusal}" : "."),
                missingSudo ? $"Install sudo on the host (Debian and Ubuntu: apt-get install sudo). {sudoers}" : sudoers);
        }

        private static string ConnectionRemedy(System.Exception ex) => ex switch
        {
            HostKeyException k when k.Status == HostKeyStatus.Unknown =>
                "Compare the fingerprint with the host's own (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on its console), then connect once with New-MigrationHost -AcceptNewHostKey.",
            HostKeyException k when k.Status == HostKeyStatus.Revoked => "The key is marked @revoked in known_hosts: the host must get a new key before it is used.",
            HostKeyException _ =>
                "The host's key is not the one recorded: find out why before trusting it (a reinstall, or someone in between). If it was reinstalled, remove the old line (ssh-keygen -R HOST) and accept the new key.",
            _ => "Check the address, port and credentials (New-MigrationHost -KeyFilePath, -Credential), and that sshd runs on the host.",
        };

        private static IEnumerable<ReadinessResult> WithFacts(HostEvidence h, string check, System.Func<HostFacts, IEnumerable<ReadinessResult>> judge)
        {
            var missing = Unavailable(check, h.Name, h.Facts, $"Not checked: {NotProbed(h)}");
            return missing != null ? new[] { missing } : judge(h.Facts.Value);
        }

        private const string SocketKernel = "6.16", SocketCriu = "4.2";

        private static ReadinessResult ToolVersions(HostEvidence h, HostFacts f)
        {
            if (f.RuncVersion == null)
                return new ReadinessResult(Tools, h.Name, ReadinessStatus.Fail, "runc is not installed (runc --version did not run).", "Install runc on the host (Debian and Ubuntu: apt-get install runc).");
            if (f.CriuVersion == null)
                return new ReadinessResult(Tools, h.Name, ReadinessStatus.Fail, $"runc {f.RuncVersion} is there, CRIU is not (criu --version did not run).",
                    "Install CRIU 3.15 or newer on the host (apt-get install criu; on Debian 12 its own 3.17 fails on new kernels: take 4.x as ./build.ps1 Bootstrap does).");
            if (f.Kernel.Length > 0 && ReadinessChecks.CompareVersions(f.Kernel, SocketKernel) >= 0 && ReadinessChecks.CompareVersions(f.CriuVersion, SocketCriu) < 0)
                return new ReadinessResult(Tools, h.Name, ReadinessStatus.Warn,
                    $"CRIU {f.CriuVersion} cannot dump any TCP or UDP socket on kernel {f.Kernel}: Linux {SocketKernel} and later refuse getsockopt(SO_PASSCRED) on them, which CRIU before {SocketCriu} treats as fatal. A container holding a socket fails at its checkpoint (and rolls back).",
                    $"Install CRIU {SocketCriu} or newer on {h.Name} (./build.ps1 Bootstrap takes Debian's 4.2.1).");
            return new ReadinessResult(Tools, h.Name, ReadinessStatus.Pass, $"runc {f.RuncVersion}, CRIU {f.CriuVersion}.");
        }

        private static IEnumerable<ReadinessResult> Features(HostEvidence h, HostFacts f, MigrationMode? mode, bool isDestination)
        {
            if (f.CriuVersion == null) yield break;
            yield return f.CriuCheckExitCode == 0
                ? new ReadinessResult(CriuCheck, h.Name, ReadinessStatus.Pass, string.Join(" ", f.CriuCheckOutput.Where(l => !l.StartsWith("Warn"))).Trim())
                : new ReadinessResult(CriuCheck, h.Name, ReadinessStatus.Fail, "criu check failed: " + string.Join(" | ", f.CriuCheckOutput),
                    "Run 'criu check' on the host as root and fix what it names: usually a kernel without CONFIG_CHECKPOINT_RESTORE, or missing privileges.");
            yield return PostCopyRow(h, f, mode, isDestination);
            yield return PreCopyRow(h, f, mode, isDestination);
            yield return NetworkLockRow(h, f);
        }

        private static ReadinessResult PreCopyRow(HostEvidence h, HostFacts f, MigrationMode? mode, bool isDestination)
        {
            if (f.Supports(CriuFeature.DirtyTracking))
                return new ReadinessResult(PreCopy, h.Name, ReadinessStatus.Pass, "Soft-dirty memory tracking is there: pre-copy rounds can run.");
            // Only the source pre-dumps: the destination restores from the rounds as from any images.
            var status = mode == null ? ReadinessStatus.Warn
                : mode == MigrationMode.PreCopy && !isDestination ? ReadinessStatus.Fail
                : ReadinessStatus.Skipped;
            var why = status == ReadinessStatus.Skipped
                ? (mode == MigrationMode.PreCopy ? " The destination does not need it: only the source pre-dumps." : $" -Mode {mode} does not need it.")
                : "";
            return new ReadinessResult(PreCopy, h.Name, status,
                $"No soft-dirty memory tracking (the kernel lacks {PreCopyKernelOption}): pre-copy rounds (runc checkpoint --pre-dump) cannot run here." + why,
                $"Use a kernel built with {PreCopyKernelOption}=y (most distribution kernels are), or migrate with -Mode Stop or PostCopy.");
        }

        private const string PreCopyKernelOption = LiveMigrate.PreCopy.DirtyTracking.KernelOption;

        /// <summary>Why a lazy restore (post-copy's, or -LazyRestore's from local images) cannot run on this destination; empty when it can.</summary>
        internal static List<string> LazyRestoreProblems(HostFacts f)
        {
            var problems = new List<string>();
            if (!f.Supports(CriuFeature.PostCopy)) problems.Add("no userfaultfd (criu check --feature uffd-noncoop fails): a lazy restore cannot run");
            // The page guard (an x86-64 program using pidfd_getfd) keeps a copy from reading pages that never arrived.
            if (f.Kernel.Length > 0 && ReadinessChecks.CompareVersions(f.Kernel, PageGuardKernel) < 0)
                problems.Add($"kernel {f.Kernel} is older than {PageGuardKernel}: the page guard needs pidfd_getfd, and without it a broken page stream would leave the copy reading missing pages as zeros");
            if (f.Architecture.Length > 0 && f.Architecture != Runc.PageGuard.Architecture)
                problems.Add($"the page guard LiveMigrate sends is an {Runc.PageGuard.Architecture} program, and this host is {f.Architecture}");
            PipeProblem(f, problems);
            return problems;
        }

        private static void PipeProblem(HostFacts f, List<string> problems)
        {
            if (f.PipeMaxSize is long size && size < PostCopyPipeSize) problems.Add($"fs.pipe-max-size is {size}, below {PostCopyPipeSize}: CRIU's page transfer breaks with 'splice: Bad file descriptor'");
        }

        private static ReadinessResult PostCopyRow(HostEvidence h, HostFacts f, MigrationMode? mode, bool isDestination)
        {
            // The lazy restore needs userfaultfd where it runs; both ends move pages through pipes.
            var problems = isDestination ? LazyRestoreProblems(f) : new List<string>();
            if (!isDestination) PipeProblem(f, problems);
            if (!isDestination && string.IsNullOrEmpty(f.TcpClient)) problems.Add("neither bash nor nc is installed: a rollback could not ask the lazy dump to end, only kill CRIU, which can leave its network lock on the container");
            if (problems.Count == 0)
                return new ReadinessResult(PostCopy, h.Name, ReadinessStatus.Pass, isDestination ? $"userfaultfd is there, pipes can hold 4 MiB and the kernel ({f.Kernel}) has pidfd_getfd for the page guard: lazy restores can run." : "Pipes can hold 4 MiB: a page server can run.");
            var status = mode == MigrationMode.PostCopy ? ReadinessStatus.Fail : mode == null ? ReadinessStatus.Warn : ReadinessStatus.Skipped;
            return new ReadinessResult(PostCopy, h.Name, status, string.Join("; ", problems) + ".",
                $"For -Mode PostCopy (and -LazyRestore): an x86_64 destination with Linux {PageGuardKernel} or newer and CONFIG_USERFAULTFD, 'sysctl -w fs.pipe-max-size=4194304' (also in /etc/sysctl.d to keep it) and bash or nc on the source; otherwise use -Mode Stop.");
        }

        private static ReadinessResult NetworkLockRow(HostEvidence h, HostFacts f)
        {
            var nft = f.Supports(CriuFeature.NftablesLock) ? "supports" : "does not support";
            switch (f.NetworkLock ?? "iptables")
            {
                case "iptables" when f.IptablesWorks:
                    return new ReadinessResult(NetworkLock, h.Name, ReadinessStatus.Pass, $"CRIU locks the container's network with iptables ({f.IptablesVersion}).");
                case "iptables":
                    return new ReadinessResult(NetworkLock, h.Name, ReadinessStatus.Fail,
                        $"CRIU locks a container's network with iptables-restore, which does not run here ({f.IptablesVersion ?? "not found"}): every checkpoint of a container with its own network namespace fails.",
                        $"Install iptables on the host (apt-get install iptables), or have CRIU use nftables with the line 'network-lock nftables' in /etc/criu/runc.conf (this host's CRIU {nft} it).");
                case "nftables" when f.Supports(CriuFeature.NftablesLock):
                    return new ReadinessResult(NetworkLock, h.Name, ReadinessStatus.Pass, "CRIU locks the container's network with nftables (/etc/criu/runc.conf).");
                case "nftables":
                    return new ReadinessResult(NetworkLock, h.Name, ReadinessStatus.Fail, "/etc/criu/runc.conf asks for network-lock nftables, which this host's CRIU does not support.",
                        "Remove that line and install iptables, or use a CRIU built with nftables.");
                default:
                    return new ReadinessResult(NetworkLock, h.Name, ReadinessStatus.Warn, $"CRIU's network lock is '{f.NetworkLock}': packets reaching the container while it is frozen are not held back, so peers may see resets.",
                        "Use 'network-lock iptables' or 'network-lock nftables' in /etc/criu/runc.conf.");
            }
        }

        private static ReadinessResult CanaryRow(HostEvidence h, bool left)
        {
            var missing = Unavailable(Canary, h.Name, h.Canary,
                h.KnownFacts == null ? $"Not run: {NotProbed(h)}"
                : left ? "Not run: -NoCanary was given, so no throwaway container shows that CRIU can checkpoint and restore here."
                : "Not run: runc or CRIU is missing.");
            if (missing != null) return missing;
            var c = h.Canary.Value;
            if (c.Succeeded)
                return new ReadinessResult(Canary, h.Name, ReadinessStatus.Pass, $"A throwaway container was checkpointed in {Seconds(c.Checkpoint!.Value)} and restored in {Seconds(c.Restore!.Value)}.");
            var said = string.Join(" | ", c.Errors.Concat(c.CriuLog).Where(l => !l.Contains("RLIMIT_NOFILE")));
            if (c.TimedOut)
                return new ReadinessResult(Canary, h.Name, ReadinessStatus.Fail,
                    $"The {c.FailedStep ?? "checkpoint or restore"} of a throwaway container did not finish in time: CRIU hangs silently here. {said}".Trim(),
                    "On VMs whose hardware breakpoints never fire, CRIU's parasite hangs unless CRIU_FAULT=130 reaches criu (LiveMigrate passes it through runc: check that no wrapper or sudo rule drops the environment). Otherwise dump a process by hand with 'criu dump -v4' and read where its log stops.");
            var remedy = said.Contains("iptables")
                ? "CRIU could not lock the network: install iptables on the host (apt-get install iptables), or set 'network-lock nftables' in /etc/criu/runc.conf."
                : "Fix what CRIU says above; the same runc checkpoint and runc restore by hand on the host show the full log (add --log-level debug).";
            return new ReadinessResult(Canary, h.Name, ReadinessStatus.Fail, $"The {c.FailedStep} of a throwaway container failed: {said}", remedy);
        }
    }
}
