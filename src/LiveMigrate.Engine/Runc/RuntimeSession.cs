using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// One host's session as runc and CRIU are driven over it (<see cref="RuncRuntime"/>, <see cref="CriuDaemons"/>): outputs
    /// read whole under the timeout, files installed in the tool folder, CRIU's failures explained from its log.
    /// </summary>
    internal sealed class RuntimeSession
    {
        public RuntimeSession(IHostSession host, RuntimeOptions options)
        {
            Host = host;
            Options = options;
        }

        public IHostSession Host { get; }
        public RuntimeOptions Options { get; }
        public string Name => Host.Name;

        public static string Safe(string path) =>
            HostPath.IsSafeAbsolute(path) ? path : throw new ArgumentException($"'{path}' is not an absolute, normalized path.");

        public static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Ended on the host itself too: a controller that gave up must not leave it waiting there (iptables' lock).</summary>
        public CommandLine Bounded(CommandLine command)
        {
            command.HostTimeout = Options.CommandTimeout;
            return command;
        }

        public byte[] ReadFile(string path, CancellationToken ct) => ReadOutput(new CommandLine("cat", path), ct);

        public byte[] ReadOutput(CommandLine command, CancellationToken ct)
        {
            command.HostTimeout = Options.CommandTimeout;
            using var cat = Host.Start(command);
            using var bytes = new System.IO.MemoryStream();
            // A host that stops answering must not hold the caller: the timeout or Ctrl+C closes the stream under the copy.
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                limit.CancelAfter(Options.CommandTimeout);
                using (limit.Token.Register(cat.Dispose))
                {
                    try { cat.StandardOutput.CopyTo(bytes); }
                    catch (Exception) when (limit.IsCancellationRequested) { /* told below */ }
                }
                if (limit.IsCancellationRequested)
                {
                    ct.ThrowIfCancellationRequested();
                    throw new CommandFailedException(Host.Name, command,
                        $"'{command}' on {Name} did not finish within {Options.CommandTimeout.TotalSeconds:0} s; check that the host still answers.") { TimedOut = true };
                }
            }
            var done = cat.WaitForExit(Options.CommandTimeout, ct);
            if (!done.Succeeded) throw CommandFailedException.FromResult(Host.Name, command, done);
            return bytes.ToArray();
        }

        private const string InstallScript = @"umask 077 && mkdir -p -- ""$1"" && cat > ""$2.$$"" && chmod 0700 ""$2.$$"" && mv -f -- ""$2.$$"" ""$2""";

        /// <summary>Puts <paramref name="content"/> in the tool folder as <paramref name="fileName"/> unless it is there (the name follows the content).</summary>
        public string Install(byte[] content, string fileName, CancellationToken ct)
        {
            var root = Safe(Options.ToolRoot);
            var remote = HostPath.Combine(root, fileName);
            // Executable (0700) as installed, also for a file that is not a program.
            if (Host.Run(new CommandLine("test", "-x", remote), Options.CommandTimeout, ct).Succeeded) return remote;
            var install = new CommandLine("sh", "-c", InstallScript, "sh", root, remote);
            using var upload = Host.Start(install);
            upload.StandardInput.Write(content, 0, content.Length);
            upload.StandardInput.Dispose();
            var done = upload.WaitForExit(Options.CommandTimeout, ct);
            if (!done.Succeeded) throw CommandFailedException.FromResult(Host.Name, install, done);
            return remote;
        }

        /// <summary>A failure of runc or CRIU, with the lines of CRIU's log at <paramref name="logPath"/> that explain it.</summary>
        public RuntimeCommandException Explained(CommandLine cmd, string message, CommandResult? result, string logPath, bool timedOut)
        {
            IReadOnlyList<string> lines = Array.Empty<string>();
            try
            {
                var log = Host.Run(new CommandLine("tail", "-n", "400", logPath), Options.CommandTimeout, CancellationToken.None);
                if (log.Succeeded)
                {
                    lines = CriuLog.Explain(log.StandardOutput);
                    if (CriuLog.Hint(log.StandardOutput) is { } hint) lines = new[] { hint }.Concat(lines).ToList();
                }
            }
            catch (Exception) { /* the log is an explanation, not a requirement */ }
            return new RuntimeCommandException(Host.Name, cmd, message, result, lines, logPath) { TimedOut = timedOut };
        }
    }
}
