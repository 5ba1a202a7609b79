using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace LiveMigrate.Runc
{
    /// <summary>
    /// Picks from a CRIU log the lines that say why it failed: runc only reports
    /// "criu failed: type NOTIFY errno 0", and the cause is in the log's Error lines.
    /// </summary>
    public static class CriuLog
    {
        private static readonly Regex LogPath = new Regex(@"log file: (?<path>[^\s""\\]+)", RegexOptions.CultureInvariant);
        // Known noise on these hosts: logged as an error, changes nothing.
        private static readonly string[] Harmless = { "Can't setup RLIMIT_NOFILE for self" };

        /// <summary>The CRIU log runc names in its error text, if any.</summary>
        public static string? FindLogPath(string runcError)
        {
            var m = LogPath.Match(runcError ?? "");
            return m.Success ? m.Groups["path"].Value : null;
        }

        /// <summary>Error lines with a little context before the first, at most <paramref name="max"/> lines.</summary>
        public static IReadOnlyList<string> Explain(string log, int max = 12)
        {
            var lines = (log ?? "").Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
            var errors = lines
                .Select((line, i) => (line, i))
                .Where(x => IsError(x.line) && !Harmless.Any(h => x.line.Contains(h)))
                .ToList();
            if (errors.Count == 0) return lines.Skip(Math.Max(0, lines.Count - Math.Min(max, 5))).ToList();
            var first = errors[0].i;
            var context = lines.Skip(Math.Max(0, first - 2)).Take(Math.Min(2, first)).ToList();
            return context.Concat(errors.Select(x => x.line)).Distinct().Take(max).ToList();
        }

        // Causes that CRIU's own words do not make plain, with what fixes them.
        private static readonly (string Says, string Means)[] Known =
        {
            ("Can't get 1:16 opt", "This CRIU cannot dump TCP or UDP sockets on this kernel: Linux 6.16 and later refuse getsockopt(SO_PASSCRED) on them, which CRIU before 4.2 treats as fatal. Install CRIU 4.2 or newer."),
            ("Can't get 1:34 opt", "This CRIU cannot dump TCP or UDP sockets on this kernel: Linux 6.16 and later refuse getsockopt(SO_PASSSEC) on them, which CRIU before 4.2 treats as fatal. Install CRIU 4.2 or newer."),
            ("In-flight connection", "A client's connection arrived while the container was frozen, before the server accepted it. LiveMigrate's own dumps skip such connections (skip-in-flight in the CRIU configuration it hands over as CRIU_CONFIG_FILE); a dump without it needs the line 'skip-in-flight' in /etc/criu/runc.conf (the client then retries its connect)."),
            ("Can't create a temporary directory: Read-only file system", "The container's root is read-only and nothing writable is mounted at /tmp, where CRIU 4.2 makes its restore's work folder. Add a tmpfs mount at /tmp to config.json."),
        };

        /// <summary>What a known cause in <paramref name="log"/> means and how to fix it; null when none is known.</summary>
        public static string? Hint(string log) =>
            Known.Where(k => (log ?? "").Contains(k.Says)).Select(k => k.Means).FirstOrDefault();

        private static bool IsError(string line) =>
            line.Contains("Error (") || line.Contains("Error:") || line.Contains(" Error ") || line.Contains("FAILED") ||
            line.StartsWith("Error", StringComparison.Ordinal);
    }
}
