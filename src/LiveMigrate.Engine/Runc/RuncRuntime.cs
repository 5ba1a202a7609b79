using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Runc
{
    /// <summary>runc on one host, every call bounded by a timeout and checked: the one place LiveMigrate runs it from.</summary>
    public sealed class RuncRuntime : IContainerRuntime
    {
        private readonly RuntimeSession _host;
        private string? _criuConfig;

        public RuncRuntime(IHostSession host, RuntimeOptions options) : this(new RuntimeSession(host, options)) { }

        internal RuncRuntime(RuntimeSession host) { _host = host; }

        public string Name => _host.Name;
        private RuntimeOptions Options => _host.Options;

        /// <summary>runc's path on the host, for the host-side programs that run it themselves (each says why).</summary>
        public string Executable => Options.RuncPath;

        public IReadOnlyList<ContainerInfo> List(CancellationToken ct)
        {
            var result = _host.Host.RunChecked(Runc("list", "--format", "json"), Options.CommandTimeout, ct);
            return RuncJson.ParseList(result.StandardOutput, Name);
        }

        public ContainerInfo? State(string name, CancellationToken ct)
        {
            var cmd = Runc("state", ContainerName.Validate(name));
            var result = _host.Host.Run(cmd, Options.CommandTimeout, ct);
            if (result.Succeeded) return RuncJson.ParseState(result.StandardOutput, Name);
            if (result.StandardError.Contains("does not exist") || result.StandardError.Contains("not exist")) return null;
            throw CommandFailedException.FromResult(Name, cmd, result);
        }

        /// <summary>The processes of the container as runc lists them, in its order: its cgroup's, whoever their parent.</summary>
        public IReadOnlyList<int> Processes(string name, CancellationToken ct)
        {
            var result = _host.Host.RunChecked(Runc("ps", "--format", "json", ContainerName.Validate(name)), Options.CommandTimeout, ct);
            return RuncJson.ParsePids(result.StandardOutput, Name);
        }

        /// <summary>
        /// Freezes the container (runc pause) and dumps it into <paramref name="imageDir"/>, leaving it frozen here whatever
        /// happens: resumed, it goes on as if nothing happened (a rollback); deleted, it is gone (a success).
        /// </summary>
        public void Checkpoint(string name, string imageDir, string? parentDir, CancellationToken ct) =>
            FinalDump(name, imageDir, Dump(name, imageDir, parentDir, preDump: false), ct);

        public void CheckpointToPageServer(string name, string imageDir, int port, CancellationToken ct)
        {
            var dump = Dump(name, imageDir, null, preDump: false, "--page-server", "127.0.0.1:" + RuntimeSession.Port(port));
            // The port's guard admits CRIU, runc's child, by its supplementary group: as a page client proper (another group),
            // it could not read the container's limits (root lacks CAP_SYS_RESOURCE on some hosts).
            FinalDump(name, imageDir, new CommandLine(Transfer.PageClients.WithGroup(dump.Arguments)), ct);
        }

        private void FinalDump(string name, string imageDir, CommandLine dump, CancellationToken ct)
        {
            var container = ContainerName.Validate(name);
            // Sent (once) before the freeze, not inside it.
            var environment = DumpEnvironment(ct);
            _host.Host.RunChecked(Runc("pause", container), Options.CommandTimeout, ct);
            // CRIU finds the freezer frozen and leaves it so: --leave-running keeps the tasks, not their running.
            RunCriu(dump.WithEnvironment(environment), imageDir, "dump.log", ct);
            // After the dump, which would otherwise carry the drop rules to the destination; CRIU has just unlocked.
            LockNetwork(name, ct);
        }

        /// <summary>Drops the frozen container's traffic until <see cref="Resume"/>, as CRIU's own network lock does during a dump.</summary>
        internal void LockNetwork(string name, CancellationToken ct) => NetLock("lock", name, ct);

        private void NetLock(string command, string name, CancellationToken ct)
        {
            if (InitPid(name, ct) is string pid) NetLockPid(command, pid, ct);
        }

        private void NetLockPid(string command, string pid, CancellationToken ct) =>
            HostScript.Run(_host.Host, _host.Bounded(HostScript.Command("frozen-netlock.sh", new[] { command, pid })), Options.CommandTimeout, ct);

        private string? InitPid(string name, CancellationToken ct) =>
            State(name, ct) is ContainerInfo state && state.Pid > 0 ? state.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

        public DumpStats PreDump(string name, string imageDir, string? parentDir, CancellationToken ct)
        {
            RunCriu(Dump(name, imageDir, parentDir, preDump: true), imageDir, "dump.log", ct);
            return ReadDumpStats(imageDir, ct);
        }

        public DumpStats ReadDumpStats(string imageDir, CancellationToken ct) =>
            DumpStats.Parse(_host.ReadFile(HostPath.Combine(RuntimeSession.Safe(imageDir), "stats-dump"), ct));

        /// <summary>
        /// What CRIU refuses unless told, passed on every dump and restore (lazy-dump.sh and checkpoint-save.sh pass the
        /// same): established connections, their peers held off by CRIU's lock and then the frozen copy's (a namespace of
        /// the container's own moves whole; one at a config.json path is rebuilt on the destination); file locks, which
        /// cost nothing when there are none.
        /// </summary>
        internal static readonly IReadOnlyList<string> CarriedState = new[] { "--tcp-established", "--file-locks" };

        private CommandLine Dump(string name, string imageDir, string? parentDir, bool preDump, params string[] extra)
        {
            var args = new List<string> { "checkpoint" };
            args.Add(preDump ? "--pre-dump" : "--leave-running");
            if (!preDump) args.AddRange(CarriedState);
            args.AddRange(extra);
            args.AddRange(new[] { "--image-path", imageDir, "--work-path", imageDir });
            if (parentDir != null) args.AddRange(new[] { "--parent-path", SiblingPath(imageDir, parentDir) });
            args.Add(ContainerName.Validate(name));
            return Runc(args.ToArray());
        }

        /// <summary>CRIU takes the parent relative to the image directory and links to it as written, so a
        /// sibling's "../name" resolves on every host the series is copied to.</summary>
        private static string SiblingPath(string imageDir, string parentDir)
        {
            var dir = RuntimeSession.Safe(imageDir).TrimEnd('/');
            var parent = RuntimeSession.Safe(parentDir).TrimEnd('/');
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
        /// What a dump runs criu with: <see cref="RuntimeOptions.CriuEnvironment"/>, and CRIU_CONFIG_FILE naming
        /// <see cref="CriuConfig"/>'s file on this host (sent once, with the action script it names): CRIU reads it as
        /// well as runc's own configuration.
        /// </summary>
        public IReadOnlyDictionary<string, string> DumpEnvironment(CancellationToken ct)
        {
            if (_criuConfig == null)
            {
                var script = System.Text.Encoding.UTF8.GetBytes(HostScript.Text(CriuConfig.ActionScript));
                var config = CriuConfig.Content(_host.Install(script, CriuConfig.RemoteName("stopped-tasks", script, ".sh"), ct));
                _criuConfig = _host.Install(config, CriuConfig.RemoteName("criu", config, ".conf"), ct);
            }
            return new Dictionary<string, string>(Options.CriuEnvironment) { ["CRIU_CONFIG_FILE"] = _criuConfig };
        }

        public void Delete(string name, bool force, CancellationToken ct)
        {
            var args = force ? Runc("delete", "--force", ContainerName.Validate(name)) : Runc("delete", ContainerName.Validate(name));
            _host.Host.RunChecked(args, Options.CommandTimeout, ct);
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
                HostScript.Run(_host.Host, _host.Bounded(HostScript.Command(CriuConfig.ActionScript, new[] { "restop", pid })), Options.CommandTimeout, ct);
            }
            _host.Host.RunChecked(Runc("resume", ContainerName.Validate(name)), Options.CommandTimeout, ct);
        }

        private void RunCriu(CommandLine cmd, string workDir, string logName, CancellationToken ct)
        {
            cmd.WithEnvironment(Options.CriuEnvironment);
            cmd.HostTimeout = Options.CriuTimeout;
            CommandResult result;
            try
            {
                result = _host.Host.Run(cmd, Options.CriuTimeout + TimeSpan.FromSeconds(10), ct);
            }
            catch (CommandFailedException ex) when (ex.TimedOut)
            {
                throw _host.Explained(cmd, ex.Message, null, workDir + "/" + logName, timedOut: true);
            }
            if (result.Succeeded) return;
            var message = CommandFailedException.FromResult(Name, cmd, result).Message;
            throw _host.Explained(cmd, message, result, CriuLog.FindLogPath(result.StandardError) ?? workDir + "/" + logName, timedOut: result.ExitCode == 124);
        }

        /// <summary>The command line runc <paramref name="args"/> would run, for messages that name it.</summary>
        internal CommandLine Runc(params string[] args)
        {
            var all = new List<string> { Options.RuncPath };
            all.AddRange(args);
            return new CommandLine(all);
        }
    }
}
