using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using LiveMigrate.Hosts;

namespace LiveMigrate.Commands
{
    /// <summary>
    /// The shell scripts kept as files in the engine's Scripts folders, embedded in the assembly and run on hosts as
    /// <c>sh -c SCRIPT NAME ARGS...</c>: values travel as arguments, never inside the script's text.
    /// </summary>
    public static class HostScript
    {
        public const string ResourcePrefix = "LiveMigrate.Scripts.";
        private static readonly ConcurrentDictionary<string, string> Cache = new ConcurrentDictionary<string, string>();

        public static string Text(string name) => Cache.GetOrAdd(name, n =>
        {
            using var stream = typeof(HostScript).Assembly.GetManifestResourceStream(ResourcePrefix + n)
                ?? throw new FileNotFoundException($"The host script {n} is not embedded in the engine.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        });

        public static CommandLine Command(string name, IEnumerable<string> args) =>
            new CommandLine(new[] { "sh", "-c", Text(name), name }.Concat(args));

        /// <summary>Runs a script; a failure names the script, its arguments and what it said (its "error=" lines, else stderr), never its text.</summary>
        public static CommandResult Run(IHostSession host, CommandLine script, TimeSpan timeout, CancellationToken ct)
        {
            var result = host.Run(script, timeout, ct);
            if (result.Succeeded) return result;
            var said = string.Join("; ", result.StandardOutput.Split('\n').Where(l => l.StartsWith("error=")).Select(l => l.Substring(6).TrimEnd('\r')));
            if (said.Length == 0) said = result.StandardError.Trim();
            said = CommandFailedException.Excerpt(script.Redact(said));
            throw new InvalidOperationException($"'{script}' failed on {host.Name} (exit {result.ExitCode}){(said.Length > 0 ? ": " + said : ".")}");
        }
    }
}
