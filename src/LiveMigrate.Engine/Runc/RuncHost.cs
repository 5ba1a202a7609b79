using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Runc
{
    /// <summary>runc and the file system of one host, every call bounded by a timeout and checked.</summary>
    public sealed class RuncHost : IContainerHost
    {
        private readonly IHostSession _host;
        private readonly RuntimeOptions _options;
        // Where this host keeps the page guard, once checked or sent.
        private string? _pageGuard;
        private string? _criuConfig;

        public RuncHost(IHostSession host, RuntimeOptions options)
        {
            _host = host;
            _options = options;
        }

        public string Name => _host.Name;
        public IHostSession Session => _host;
        public Network.INetworkHost Network => new Network.NetworkHost(_host, _options.CommandTimeout);

        public IReadOnlyList<ContainerInfo> List(CancellationToken ct)
        {
            var result = _host.RunChecked(Runc("list", "--format", "json"), _options.CommandTimeout, ct);
            return RuncJson.ParseList(result.StandardOutput, _host.Name);
        }

        /// <summary>The container's state, or null when the host has no container of that name.</summary>
        public ContainerInfo? State(string name, CancellationToken ct)
        {
            var cmd = Runc("state", ContainerName.Validate(name));
            var result = _host.Run(cmd, _options.CommandTimeout, ct);
            if (result.Succeeded) return RuncJson.ParseState(result.StandardOutput, _host.Name);
            if (result.StandardError.Contains("does not exist") || result.StandardError.Contains("not exist")) return null;
            throw CommandFailedException.FromResult(_host.Name, cmd, result);
        }

        /// <summary>
        /// Freezes the container (runc pause) and dumps it into <paramref name="imageDir"/>, leaving it frozen here whatever
        /// happens: resumed, it goes on as if nothing happened (a rollback); deleted, it is gone (a success).
        /// </summary>
        public void Checkpoint(string name, string imageDir, string? parentDir, CancellationToken ct)
        {
            var container = ContainerName.Validate(name);
            // Sent (once) before the freeze, not inside it.
            var environment = DumpEnvironment(ct);
            _host.RunChecked(Runc("pause", container), _options.CommandTimeout, ct);
            // CRIU finds the freezer frozen and leaves it so: --leave-running keeps the tasks, not their running.
            RunCriu(Dump(name, imageDir, parentDir, preDump: false).WithEnvironment(environment), imageDir, "dump.log", ct);
            // After the dump, which would otherwise carry the drop rules to the destination; CRIU has just unlocked.
            NetLock("lock", name, ct);
        }

        private void NetLock(string command, string name, CancellationToken ct)
        {
            if (InitPid(name, ct) is string pid) NetLockPid(command, pid, ct);
        }

        private void NetLockPid(string command, string pid, CancellationToken ct) =>
            HostScript.Run(_host, Bounded(HostScript.Command("frozen-netlock.sh", new[] { command, pid })), _options.CommandTimeout, ct);

        private string? InitPid(string name, CancellationToken ct) =>
            State(name, ct) is ContainerInfo state && state.Pid > 0 ? state.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

        public DumpStats PreDump(string name, string imageDir, string? parentDir, CancellationToken ct)
        {
            RunCriu(Dump(name, imageDir, parentDir, preDump: true), imageDir, "dump.log", ct);
            return ReadDumpStats(imageDir, ct);
        }

        public DumpStats ReadDumpStats(string imageDir, CancellationToken ct) =>
            DumpStats.Parse(ReadFile(HostPath.Combine(Safe(imageDir), "stats-dump"), ct));

        // A fixed script: the folder arrives as an argument. Each pagemap image, after a line with its length.
        private const string PagemapsScript = @"for f in ""$1""/pagemap-*.img; do [ -f ""$f"" ] || continue; wc -c < ""$f""; cat ""$f""; done";

        public long CountLazyPages(string imageDir, CancellationToken ct)
        {
            var framed = ReadOutput(new CommandLine("sh", "-c", PagemapsScript, "sh", Safe(imageDir)), ct);
            return Pagemap.SplitFramed(framed).Sum(Pagemap.LazyPages);
        }

        private byte[] ReadFile(string path, CancellationToken ct) => ReadOutput(new CommandLine("cat", path), ct);

        private byte[] ReadOutput(CommandLine command, CancellationToken ct)
        {
            command.HostTimeout = _options.CommandTimeout;
            using var cat = _host.Start(command);
            using var bytes = new System.IO.MemoryStream();
            // A host that stops answering must not hold the caller: the timeout or Ctrl+C closes the stream under the copy.
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                limit.CancelAfter(_options.CommandTimeout);
                using (limit.Token.Register(cat.Dispose))
                {
                    try { cat.StandardOutput.CopyTo(bytes); }
                    catch (Exception) when (limit.IsCancellationRequested) { /* told below */ }
                }
                if (limit.IsCancellationRequested)
                {
                    ct.ThrowIfCancellationRequested();
                    throw new CommandFailedException(_host.Name, command,
                        $"'{command}' on {Name} did not finish within {_options.CommandTimeout.TotalSeconds:0} s; check that the host still answers.") { TimedOut = true };
                }
            }
            var done = cat.WaitForExit(_options.CommandTimeout, ct);
            if (!done.Succeeded) throw CommandFailedException.FromResult(_host.Name, command, done);
            return bytes.ToArray();
        }

        /// <summary>
        /// What CRIU refuses unless told, passed on every dump and restore (lazy-dump.sh and checkpoint-save.sh pass the
        /// same): established connections, their peers held off by CRIU's lock and then the frozen copy's (a namespace of
        /// the container's own moves whole; one at a config.json path is rebuilt on the destination); file locks, which
        /// cost nothing when there are none.
        /// </summary>
        internal static readonly IReadOnlyList<string> CarriedState = new[] { "--tcp-established", "--file-locks" };

        private CommandLine Dump(string name, string imageDir, string? parentDir, bool preDump)
        {
            var args = new List<string> { "checkpoint" };
            args.Add(preDump ? "--pre-dump" : "--leave-running");
            if (!preDump) args.AddRange(CarriedState);
            args.AddRange(new[] { "--image-path", imageDir, "--work-path", imageDir });
            if (parentDir != null) args.AddRange(new[] { "--parent-path", SiblingPath(imageDir, parentDir) });
            args.Add(ContainerName.Validate(name));
            return Runc(args.ToArray());
        }

        /// <summary>CRIU takes the parent relative to the image directory and links to it as written, so a
        /// sibling's "../name" resolves on every host the series is copied to.</summary>
        private static string SiblingPath(string imageDir, string parentDir)
        {
            var dir = Safe(imageDir).TrimEnd('/');
            var parent = Safe(parentDir).TrimEnd('/');
            var folder = dir.Substring(0, dir.LastIndexOf('/') + 1);
            if (!parent.StartsWith(folder, StringComparison.Ordinal) || parent.IndexOf('/', folder.Length) >= 0 || parent == dir)
                throw new ArgumentException($"The parent images {parentDir} must sit beside {imageDir}.");
            return "../" + parent.Substring(folder.Length);
        }

        /// <summary>Restores detached from images; stdio comes from the images, so nothing is inherited from the session.</summary>
        public void Restore(string name, string bundle, string imageDir, CancellationToken ct) =>
            Restore(name, bundle, imageDir, imageDir, lazyPages: false, ct);

        public void RestoreLazy(string name, string bundle, string imageDir, CancellationToken ct) =>
            Restore(name, bundle, imageDir, imageDir, lazyPages: true, ct);

        /// <summary>Restores from images that stay as they are (a saved checkpoint): CRIU's log and files go to <paramref name="workDir"/>.</summary>
        public void RestoreFromCheckpoint(string name, string bundle, string imageDir, string workDir, CancellationToken ct) =>
            Restore(name, bundle, imageDir, workDir, lazyPages: false, ct);

        private void Restore(string name, string bundle, string imageDir, string workDir, bool lazyPages, CancellationToken ct)
        {
            var args = new List<string> { "restore", "--detach" };
            if (lazyPages) args.Add("--lazy-pages");
            args.AddRange(CarriedState);
            args.AddRange(new[] { "--image-path", imageDir, "--work-path", workDir, "--bundle", bundle, ContainerName.Validate(name) });
            var cmd = Runc(args.ToArray());
            cmd.StandardInput = StreamTarget.DevNull;
            cmd.StandardOutput = StreamTarget.DevNull;
            RunCriu(cmd, workDir, "restore.log", ct);
        }

        /// <summary>
        /// Post-copy's freeze: pauses the container and dumps all but its memory into <paramref name="imageDir"/>; CRIU then
        /// serves the memory from the frozen tasks on 127.0.0.1:<paramref name="port"/> until a lazy restore has fetched it
        /// all, and ends (the returned process), leaving the container frozen here as <see cref="Checkpoint"/> does.
        /// </summary>
        /// <remarks>Returns once the images are written; a dump that fails before is explained from CRIU's log.</remarks>
        public IHostProcess StartLazyCheckpoint(string name, string imageDir, int port, CancellationToken ct)
        {
            var cmd = HostScript.Command("lazy-dump.sh", new[] { "dump", _options.RuncPath, ContainerName.Validate(name), Safe(imageDir), Port(port), Transfer.PageClients.Group });
            cmd.WithEnvironment(DumpEnvironment(ct));
            // The dump, then every page's transfer: the host ends it if the controller is gone by then.
            cmd.HostTimeout = _options.CriuTimeout + _options.PageTransferTimeout;
            cmd.StandardInput = StreamTarget.DevNull;
            // What messages name: the script's text is no use to anyone.
            var shown = Runc("checkpoint", "--lazy-pages", "--image-path", imageDir, name);
            var dump = _host.Start(cmd);
            var said = System.Threading.Tasks.Task.Run(() =>
                new System.IO.StreamReader(dump.StandardOutput, System.Text.Encoding.UTF8, false, 256, leaveOpen: true).ReadLine());
            // As bounded as a plain checkpoint: CRIU can hang silently (see the machine notes).
            var limit = System.Threading.Tasks.Task.Delay(_options.CriuTimeout + TimeSpan.FromSeconds(10));
            if (System.Threading.Tasks.Task.WhenAny(said, limit).Result != said)
            {
                dump.Dispose();
                throw Explained(shown, $"runc checkpoint --lazy-pages on {Name} did not write its images within {_options.CriuTimeout.TotalSeconds:0} s.",
                    null, HostPath.Combine(imageDir, "dump.log"), timedOut: true);
            }
            var line = said.Status == System.Threading.Tasks.TaskStatus.RanToCompletion ? said.Result : null;
            if (line == "ready") return dump;
            var result = dump.WaitForExit(_options.CommandTimeout, CancellationToken.None);
            dump.Dispose();
            var message = CommandFailedException.FromResult(_host.Name, shown, result).Message;
            if (line != null && line.StartsWith("error=", StringComparison.Ordinal)) message = line.Substring(6) + ". " + message;
            throw Explained(shown, message,
                result, HostPath.Combine(imageDir, "dump.log"), timedOut: result.ExitCode == 124);
        }

        /// <summary>
        /// Ends the lazy dump of <paramref name="imageDir"/> if it still waits for or serves a client (a rollback, or a
        /// controller that died): CRIU finishes and the container stays frozen here, its network locked.
        /// </summary>
        public void EndLazyCheckpoint(string name, string imageDir, CancellationToken ct)
        {
            HostScript.Run(_host, HostScript.Command("lazy-dump.sh", new[] { "end", Safe(imageDir), Transfer.PageClients.Group }), _options.CommandTimeout + TimeSpan.FromSeconds(15), ct);
            if (State(name, ct)?.Status == ContainerStatus.Paused) NetLock("lock", name, ct);
        }

        private const string InstallScript = @"umask 077 && mkdir -p -- ""$1"" && cat > ""$2.$$"" && chmod 0700 ""$2.$$"" && mv -f -- ""$2.$$"" ""$2""";

        public void InstallPageGuard(CancellationToken ct)
        {
            if (_pageGuard != null) return;
            var program = PageGuard.ReadLocal(_options.PageGuardPath);
            _pageGuard = Install(program, PageGuard.RemoteName(program), ct);
        }

        /// <summary>
        /// What a dump runs criu with: <see cref="RuntimeOptions.CriuEnvironment"/>, and CRIU_CONFIG_FILE naming
        /// <see cref="CriuConfig"/>'s file on this host (sent once, with the action script it names): CRIU reads it as
        /// well as runc's own configuration.
        /// </summary>
        public IReadOnlyDictionary<string, string> DumpEnvironment(CancellationToken ct)
        {
            if (_criuConfig == null)
            {
                var script = System.Text.Encoding.UTF8.GetBytes(HostScript.Text(CriuConfig.ActionScript));
                var config = CriuConfig.Content(Install(script, CriuConfig.RemoteName("stopped-tasks", script, ".sh"), ct));
                _criuConfig = Install(config, CriuConfig.RemoteName("criu", config, ".conf"), ct);
            }
            return new Dictionary<string, string>(_options.CriuEnvironment) { ["CRIU_CONFIG_FILE"] = _criuConfig };
        }

        /// <summary>Puts <paramref name="content"/> in the tool folder as <paramref name="fileName"/> unless it is there (the name follows the content).</summary>
        private string Install(byte[] content, string fileName, CancellationToken ct)
        {
            var root = Safe(_options.ToolRoot);
            var remote = HostPath.Combine(root, fileName);
            // Executable (0700) as installed, also for a file that is not a program.
            if (_host.Run(new CommandLine("test", "-x", remote), _options.CommandTimeout, ct).Succeeded) return remote;
            var install = new CommandLine("sh", "-c", InstallScript, "sh", root, remote);
            using var upload = _host.Start(install);
            upload.StandardInput.Write(content, 0, content.Length);
            upload.StandardInput.Dispose();
            var done = upload.WaitForExit(_options.CommandTimeout, ct);
            if (!done.Succeeded) throw CommandFailedException.FromResult(_host.Name, install, done);
            return remote;
        }

        /// <remarks>Returns once the daemon listens: a restore started before its socket exists fails.</remarks>
        public IHostProcess StartLazyPages(string name, string imageDir, int? port)
        {
            InstallPageGuard(CancellationToken.None);
            var from = port is int p ? new[] { "--page-server", "--address", "127.0.0.1", "--port", Port(p) } : new string[0];
            var criu = new[] { _options.CriuPath, "lazy-pages" }.Concat(from).Concat(new[] {
                "--images-dir", Safe(imageDir), "--work-dir", imageDir, "--log-file", "lazy-pages.log" });
            // The guard runs the daemon as its child and ends with its exit code (see PageGuard); fetching from a page
            // port, the daemon is a page client, the only kind its port guard lets connect.
            var daemon = StartCriuDaemon(new CommandLine(new[] { _pageGuard!, Safe(imageDir), _options.RuncPath, ContainerName.Validate(name), "--" }
                .Concat(port == null ? criu : Transfer.PageClients.As(criu))));
            var probe = new CommandLine("test", "-S", HostPath.Combine(imageDir, "lazy-pages.socket"));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!_host.Run(probe, _options.CommandTimeout, CancellationToken.None).Succeeded)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(15))
                {
                    daemon.Dispose();
                    throw new InvalidOperationException($"The lazy-pages daemon on {Name} did not start listening within 15 s; see {imageDir}/lazy-pages.log and {PageGuard.LogFile} there.");
                }
                Thread.Sleep(10);
            }
            return daemon;
        }

        public void GuardPort(int port, string tag, CancellationToken ct) =>
            HostScript.Run(_host, Bounded(HostScript.Command("port-guard.sh", new[] { "guard", Port(port), tag, Transfer.PageClients.Group })), _options.CommandTimeout, ct);

        public void UnguardPorts(string tag, CancellationToken ct) =>
            HostScript.Run(_host, Bounded(HostScript.Command("port-guard.sh", new[] { "unguard", tag })), _options.CommandTimeout, ct);

        /// <summary>Ended on the host itself too: a controller that gave up must not leave it waiting there (iptables' lock).</summary>
        private CommandLine Bounded(CommandLine command)
        {
            command.HostTimeout = _options.CommandTimeout;
            return command;
        }

        public string? PageGuardState(string imageDir, CancellationToken ct)
        {
            var read = _host.Run(new CommandLine("head", "-c", "200", "--", HostPath.Combine(Safe(imageDir), PageGuard.StateFile)), _options.CommandTimeout, ct);
            return read.Succeeded && read.StandardOutput.Trim().Length > 0 ? read.StandardOutput.Trim() : null;
        }

        // The daemons of one images folder, but not their page guard, whose command line holds the daemon's: the guard
        // sees its daemon die and freezes the copy if pages are missing, and ends by itself once the copy is gone.
        private const string StopDaemonsScript = @"for p in $(pgrep -f -- ""$1""); do
case $(tr '\0' ' ' < ""/proc/$p/cmdline"" 2>/dev/null) in *"" -- ""*) ;; *) kill -KILL ""$p"" 2>/dev/null ;; esac
done; exit 0";

        public void StopPageDaemons(string imageDir, CancellationToken ct)
        {
            // Closing their SSH channels does not end them; their command lines name this migration's own
            // directory, escaped so that pgrep's regular expression matches it literally. "[-]" keeps the
            // pattern from matching the shell that runs pgrep, whose command line holds the pattern itself.
            var pattern = "[-]-images-dir " + System.Text.RegularExpressions.Regex.Replace(Safe(imageDir), @"[.\[\](){}*+?^$|\\]", @"\$0") + "( |$)";
            _host.RunChecked(new CommandLine("sh", "-c", StopDaemonsScript, "sh", pattern), _options.CommandTimeout, ct);
        }

        private IHostProcess StartCriuDaemon(CommandLine cmd)
        {
            cmd.WithEnvironment(_options.CriuEnvironment);
            cmd.HostTimeout = _options.PageTransferTimeout;
            cmd.StandardOutput = StreamTarget.DevNull;
            return _host.Start(cmd);
        }

        private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public void Delete(string name, bool force, CancellationToken ct)
        {
            var args = force ? Runc("delete", "--force", ContainerName.Validate(name)) : Runc("delete", ContainerName.Validate(name));
            _host.RunChecked(args, _options.CommandTimeout, ct);
        }

        /// <summary>
        /// Thaws a paused container, first lifting the network lock a checkpoint left on it and stopping again any task a
        /// dump continued (stopped-tasks.sh), so that a rollback leaves stopped tasks stopped.
        /// </summary>
        public void Resume(string name, CancellationToken ct)
        {
            if (InitPid(name, ct) is string pid)
            {
                NetLockPid("unlock", pid, ct);
                // Still frozen: a task CRIU continued for its dump and did not stop again (its CRIU killed) stops before it runs.
                HostScript.Run(_host, Bounded(HostScript.Command(CriuConfig.ActionScript, new[] { "restop", pid })), _options.CommandTimeout, ct);
            }
            _host.RunChecked(Runc("resume", ContainerName.Validate(name)), _options.CommandTimeout, ct);
        }

        public bool Exists(string path, CancellationToken ct)
        {
            var result = _host.Run(new CommandLine("test", "-e", path), _options.CommandTimeout, ct);
            if (result.ExitCode > 1) throw CommandFailedException.FromResult(_host.Name, new CommandLine("test", "-e", path), result);
            return result.Succeeded;
        }

        private const string LockScript = @"mkdir -p -m 0700 ""${1%/*}""
if mkdir ""$1"" 2>/dev/null; then printf '%s
' ""$2"" > ""$1/holder""; exit 0; fi
cat ""$1/holder"" 2>/dev/null || echo 'a migration that has not written its name yet'
exit 3";

        public bool TryLock(string lockDir, string holder, out string currentHolder, CancellationToken ct)
        {
            var cmd = new CommandLine("sh", "-c", LockScript, "sh", Safe(lockDir), holder);
            var result = _host.Run(cmd, _options.CommandTimeout, ct);
            currentHolder = result.StandardOutput.Trim();
            if (result.ExitCode == 0 || result.ExitCode == 3) return result.ExitCode == 0;
            throw CommandFailedException.FromResult(_host.Name, cmd, result);
        }

        public void Unlock(string lockDir, CancellationToken ct) => RemoveTree(lockDir, ct);

        public void CreateDirectory(string path, CancellationToken ct) =>
            _host.RunChecked(new CommandLine("mkdir", "-p", "-m", "0700", Safe(path)), _options.CommandTimeout, ct);

        public void RemoveTree(string path, CancellationToken ct)
        {
            if (!HostPath.IsRemovable(path)) throw new ArgumentException($"Refusing to remove '{path}' on {Name}: it is not a container's own directory.");
            _host.RunChecked(new CommandLine("rm", "-rf", "--one-file-system", "--", path), _options.CommandTimeout, ct);
        }

        private static string Safe(string path) =>
            HostPath.IsSafeAbsolute(path) ? path : throw new ArgumentException($"'{path}' is not an absolute, normalized path.");

        private void RunCriu(CommandLine cmd, string workDir, string logName, CancellationToken ct)
        {
            cmd.WithEnvironment(_options.CriuEnvironment);
            cmd.HostTimeout = _options.CriuTimeout;
            CommandResult result;
            try
            {
                result = _host.Run(cmd, _options.CriuTimeout + TimeSpan.FromSeconds(10), ct);
            }
            catch (CommandFailedException ex) when (ex.TimedOut)
            {
                throw Explained(cmd, ex.Message, null, workDir + "/" + logName, timedOut: true);
            }
            if (result.Succeeded) return;
            var message = CommandFailedException.FromResult(_host.Name, cmd, result).Message;
            throw Explained(cmd, message, result, CriuLog.FindLogPath(result.StandardError) ?? workDir + "/" + logName, timedOut: result.ExitCode == 124);
        }

        private RuntimeCommandException Explained(CommandLine cmd, string message, CommandResult? result, string logPath, bool timedOut)
        {
            IReadOnlyList<string> lines = Array.Empty<string>();
            try
            {
                var log = _host.Run(new CommandLine("tail", "-n", "400", logPath), _options.CommandTimeout, CancellationToken.None);
                if (log.Succeeded)
                {
                    lines = CriuLog.Explain(log.StandardOutput);
                    if (CriuLog.Hint(log.StandardOutput) is { } hint) lines = new[] { hint }.Concat(lines).ToList();
                }
            }
            catch (Exception) { /* the log is an explanation, not a requirement */ }
            return new RuntimeCommandException(_host.Name, cmd, message, result, lines, logPath) { TimedOut = timedOut };
        }

        private CommandLine Runc(params string[] args)
        {
            var all = new List<string> { _options.RuncPath };
            all.AddRange(args);
            return new CommandLine(all);
        }
    }
}
