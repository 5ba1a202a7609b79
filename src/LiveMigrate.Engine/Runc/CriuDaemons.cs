using System;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Runc
{
    /// <summary>CRIU's daemons on one host, each bounded by a timeout: post-copy's lazy dump, lazy-pages daemon and page guard, Stop's page server.</summary>
    public sealed class CriuDaemons : ICriuDaemons
    {
        private readonly RuntimeSession _host;
        private readonly RuncRuntime _runtime;
        // Where this host keeps the page guard, once checked or sent.
        private string? _pageGuard;

        internal CriuDaemons(RuntimeSession host, RuncRuntime runtime)
        {
            _host = host;
            _runtime = runtime;
        }

        public string Name => _host.Name;
        private RuntimeOptions Options => _host.Options;

        /// <summary>
        /// Post-copy's freeze: pauses the container and dumps all but its memory into <paramref name="imageDir"/>; CRIU then
        /// serves the memory from the frozen tasks on 127.0.0.1:<paramref name="port"/> until a lazy restore has fetched it
        /// all, and ends (the returned process), leaving the container frozen here as <see cref="RuncRuntime.Checkpoint"/> does.
        /// </summary>
        /// <remarks>Returns once the images are written; a dump that fails before is explained from CRIU's log.</remarks>
        public IHostProcess StartLazyCheckpoint(string name, string imageDir, int port, CancellationToken ct)
        {
            var cmd = HostScript.Command("lazy-dump.sh", new[] { "dump", _runtime.Executable, ContainerName.Validate(name), RuntimeSession.Safe(imageDir), RuntimeSession.Port(port), Transfer.PageClients.Group });
            cmd.WithEnvironment(_runtime.DumpEnvironment(ct));
            // The dump, then every page's transfer: the host ends it if the controller is gone by then.
            cmd.HostTimeout = Options.CriuTimeout + Options.PageTransferTimeout;
            cmd.StandardInput = StreamTarget.DevNull;
            // What messages name: the script's text is no use to anyone.
            var shown = _runtime.Runc("checkpoint", "--lazy-pages", "--image-path", imageDir, name);
            return StartReady(cmd, shown, "runc checkpoint --lazy-pages", "did not write its images", HostPath.Combine(imageDir, "dump.log"));
        }

        /// <summary>
        /// Stop's page server: CRIU listening on 127.0.0.1:<paramref name="port"/> for one dump's memory, which it writes
        /// into <paramref name="imageDir"/> here; the process returned ends once that dump has sent everything.
        /// </summary>
        /// <remarks>Returns once it listens.</remarks>
        public IHostProcess StartPageServer(string imageDir, int port)
        {
            var cmd = HostScript.Command("page-server.sh", new[] { Options.CriuPath, RuntimeSession.Safe(imageDir), RuntimeSession.Port(port) });
            cmd.WithEnvironment(Options.CriuEnvironment);
            // Waits through Prepare's copy of the bundle and the dump: the host ends it if the controller is gone by then.
            cmd.HostTimeout = Options.CriuTimeout + Options.PageTransferTimeout;
            cmd.StandardInput = StreamTarget.DevNull;
            var shown = new CommandLine(Options.CriuPath, "page-server", "--images-dir", imageDir, "--port", RuntimeSession.Port(port));
            // Its log is its stderr, in the message of a failure.
            return StartReady(cmd, shown, "criu page-server", "did not listen", null);
        }

        /// <summary>Starts a script that prints "ready" (or "error=...") once its CRIU can be used, and waits for that, bounded.</summary>
        private IHostProcess StartReady(CommandLine cmd, CommandLine shown, string what, string notReady, string? log)
        {
            var process = _host.Host.Start(cmd);
            var said = System.Threading.Tasks.Task.Run(() =>
                new System.IO.StreamReader(process.StandardOutput, System.Text.Encoding.UTF8, false, 256, leaveOpen: true).ReadLine());
            // As bounded as a plain checkpoint: CRIU can hang silently (see the machine notes).
            var limit = System.Threading.Tasks.Task.Delay(Options.CriuTimeout + TimeSpan.FromSeconds(10));
            if (System.Threading.Tasks.Task.WhenAny(said, limit).Result != said)
            {
                process.Dispose();
                var late = $"{what} on {Name} {notReady} within {Options.CriuTimeout.TotalSeconds:0} s.";
                throw log == null ? new RuntimeCommandException(_host.Name, shown, late, null, Array.Empty<string>(), null) { TimedOut = true }
                    : _host.Explained(shown, late, null, log, timedOut: true);
            }
            var line = said.Status == System.Threading.Tasks.TaskStatus.RanToCompletion ? said.Result : null;
            if (line == "ready") return process;
            var result = process.WaitForExit(Options.CommandTimeout, CancellationToken.None);
            process.Dispose();
            var message = CommandFailedException.FromResult(_host.Name, shown, result).Message;
            if (line != null && line.StartsWith("error=", StringComparison.Ordinal)) message = line.Substring(6) + ". " + message;
            throw log == null ? new RuntimeCommandException(_host.Name, shown, message, result, Array.Empty<string>(), null) { TimedOut = result.ExitCode == 124 }
                : _host.Explained(shown, message, result, log, timedOut: result.ExitCode == 124);
        }

        /// <summary>
        /// Ends the lazy dump of <paramref name="imageDir"/> if it still waits for or serves a client (a rollback, or a
        /// controller that died): CRIU finishes and the container stays frozen here, its network locked.
        /// </summary>
        public void EndLazyCheckpoint(string name, string imageDir, CancellationToken ct)
        {
            HostScript.Run(_host.Host, HostScript.Command("lazy-dump.sh", new[] { "end", RuntimeSession.Safe(imageDir), Transfer.PageClients.Group }), Options.CommandTimeout + TimeSpan.FromSeconds(15), ct);
            if (_runtime.State(name, ct)?.Status == ContainerStatus.Paused) _runtime.LockNetwork(name, ct);
        }

        // A fixed script: the folder arrives as an argument. Each pagemap image, after a line with its length.
        private const string PagemapsScript = @"for f in ""$1""/pagemap-*.img; do [ -f ""$f"" ] || continue; wc -c < ""$f""; cat ""$f""; done";

        public long CountLazyPages(string imageDir, CancellationToken ct)
        {
            var framed = _host.ReadOutput(new CommandLine("sh", "-c", PagemapsScript, "sh", RuntimeSession.Safe(imageDir)), ct);
            return Pagemap.SplitFramed(framed).Sum(Pagemap.LazyPages);
        }

        public string InstallPageGuard(CancellationToken ct)
        {
            if (_pageGuard != null) return _pageGuard;
            var program = PageGuard.ReadLocal(Options.PageGuardPath);
            return _pageGuard = _host.Install(program, PageGuard.RemoteName(program), ct);
        }

        /// <remarks>Returns once the daemon listens: a restore started before its socket exists fails.</remarks>
        public IHostProcess StartLazyPages(string name, string imageDir, int? port)
        {
            InstallPageGuard(CancellationToken.None);
            var from = port is int p ? new[] { "--page-server", "--address", "127.0.0.1", "--port", RuntimeSession.Port(p) } : new string[0];
            var criu = new[] { Options.CriuPath, "lazy-pages" }.Concat(from).Concat(new[] {
                "--images-dir", RuntimeSession.Safe(imageDir), "--work-dir", imageDir, "--log-file", "lazy-pages.log" });
            // The guard runs the daemon as its child and ends with its exit code (see PageGuard); fetching from a page
            // port, the daemon is a page client, the only kind its port guard lets connect. The guard runs runc itself:
            // it freezes the container when the daemon dies, with no controller left to ask.
            var daemon = StartCriuDaemon(new CommandLine(new[] { _pageGuard!, RuntimeSession.Safe(imageDir), _runtime.Executable, ContainerName.Validate(name), "--" }
                .Concat(port == null ? criu : Transfer.PageClients.As(criu))));
            var probe = new CommandLine("test", "-S", HostPath.Combine(imageDir, "lazy-pages.socket"));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!_host.Host.Run(probe, Options.CommandTimeout, CancellationToken.None).Succeeded)
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

        public string? PageGuardState(string imageDir, CancellationToken ct)
        {
            var read = _host.Host.Run(new CommandLine("head", "-c", "200", "--", HostPath.Combine(RuntimeSession.Safe(imageDir), PageGuard.StateFile)), Options.CommandTimeout, ct);
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
            var pattern = "[-]-images-dir " + System.Text.RegularExpressions.Regex.Replace(RuntimeSession.Safe(imageDir), @"[.\[\](){}*+?^$|\\]", @"\$0") + "( |$)";
            _host.Host.RunChecked(new CommandLine("sh", "-c", StopDaemonsScript, "sh", pattern), Options.CommandTimeout, ct);
        }

        private IHostProcess StartCriuDaemon(CommandLine cmd)
        {
            cmd.WithEnvironment(Options.CriuEnvironment);
            cmd.HostTimeout = Options.PageTransferTimeout;
            cmd.StandardOutput = StreamTarget.DevNull;
            return _host.Host.Start(cmd);
        }
    }
}
