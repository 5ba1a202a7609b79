using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using LiveMigrate.Hosts;

namespace LiveMigrate.Commands
{
    /// <summary>Where a redirected standard stream goes on the host.</summary>
    public enum StreamTarget { Inherit, DevNull }

    /// <summary>
    /// A command for a host as an argument vector plus environment and redirections. It becomes a
    /// shell string only in <see cref="ToShellString"/>, where every word is quoted.
    /// </summary>
    public sealed class CommandLine
    {
        public CommandLine(IEnumerable<string> arguments)
        {
            Arguments = arguments?.ToArray() ?? throw new ArgumentNullException(nameof(arguments));
            if (Arguments.Count == 0) throw new ArgumentException("A command needs at least a program name.", nameof(arguments));
        }

        public CommandLine(params string[] arguments) : this((IEnumerable<string>)arguments) { }

        public IReadOnlyList<string> Arguments { get; }
        private readonly HashSet<int> _secrets = new HashSet<int>();
        public IDictionary<string, string> Environment { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
        public StreamTarget StandardInput { get; set; } = StreamTarget.Inherit;
        public StreamTarget StandardOutput { get; set; } = StreamTarget.Inherit;
        /// <summary>A host path that receives stderr (appended) instead of the caller.</summary>
        public string? StandardErrorPath { get; set; }
        /// <summary>Kill the command on the host itself after this long, even if the controller is gone.</summary>
        public TimeSpan? HostTimeout { get; set; }
        /// <summary>
        /// Runs as the user who logged in even on a host that becomes root (<see cref="BecomeMethod"/>): for what acts on
        /// that user's own files, such as the authorized_keys its logins are checked against.
        /// </summary>
        public bool AsLoginUser { get; set; }

        public CommandLine WithEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
        {
            foreach (var kv in variables) Environment[kv.Key] = kv.Value;
            return this;
        }

        /// <param name="become">How the host's login runs commands as root: with <see cref="BecomeMethod.Sudo"/> the whole
        /// vector (environment and host timeout included) becomes sudo's arguments, so it reaches root with no other shell.</param>
        public string ToShellString(BecomeMethod become = BecomeMethod.None)
        {
            var sb = new StringBuilder(ShellQuote.Join(Words(become)));
            if (StandardInput == StreamTarget.DevNull) sb.Append(" </dev/null");
            if (StandardOutput == StreamTarget.DevNull) sb.Append(" >/dev/null");
            if (StandardErrorPath != null) sb.Append(" 2>>").Append(ShellQuote.Quote(StandardErrorPath));
            return sb.ToString();
        }

        /// <summary>
        /// The same command for a host that starts programs from an argument vector, with no shell (a PowerShell
        /// session): the words as they are, and, only when there are redirections, a fixed sh script in front that
        /// makes them, taking them and the words as its arguments.
        /// </summary>
        public IReadOnlyList<string> ToArgumentVector()
        {
            var words = Words();
            if (StandardInput == StreamTarget.Inherit && StandardOutput == StreamTarget.Inherit && StandardErrorPath == null) return words;
            return new[] { "sh", "-c", RedirectScript, "redirect", StandardInput == StreamTarget.DevNull ? "null" : "-",
                StandardOutput == StreamTarget.DevNull ? "null" : "-", StandardErrorPath ?? "" }.Concat(words).ToList();
        }

        private const string RedirectScript =
            "[ \"$1\" = null ] && exec </dev/null; [ \"$2\" = null ] && exec >/dev/null; [ -n \"$3\" ] && exec 2>>\"$3\"; shift 3; exec \"$@\"";

        /// <summary>sudo(8) where the login becomes root, env(1) with the variables, timeout(1) with the host timeout, then the command's own words.</summary>
        private List<string> Words(BecomeMethod become = BecomeMethod.None)
        {
            var words = new List<string>();
            // -n: a password prompt fails at once instead of hanging a session that has no terminal.
            if (become == BecomeMethod.Sudo && !AsLoginUser) words.AddRange(new[] { "sudo", "-n", "--" });
            if (Environment.Count > 0)
            {
                // env(1) takes NAME=VALUE as plain words, so values never meet the shell's parser.
                words.Add("env");
                foreach (var kv in Environment)
                {
                    if (!IsValidVariableName(kv.Key))
                        throw new ArgumentException($"'{kv.Key}' is not a valid environment variable name.");
                    words.Add(kv.Key + "=" + kv.Value);
                }
            }
            if (HostTimeout is TimeSpan t)
            {
                if (t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HostTimeout), t, "A host timeout must be positive.");
                var seconds = (long)Math.Min(int.MaxValue, Math.Ceiling(t.TotalSeconds));
                words.AddRange(new[] { "timeout", "--kill-after=5", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
            words.AddRange(Arguments);
            return words;
        }

        /// <summary>
        /// Marks arguments as secrets (a hook's token): the host receives them, but every message shows ***
        /// in their place, and <see cref="Redact"/> takes them out of what the command printed.
        /// </summary>
        public CommandLine HideArguments(IEnumerable<int> indexes)
        {
            foreach (var i in indexes)
            {
                if (i < 0 || i >= Arguments.Count) throw new ArgumentOutOfRangeException(nameof(indexes), i, $"The command has {Arguments.Count} arguments.");
                _secrets.Add(i);
            }
            return this;
        }

        /// <summary>Text with every secret argument replaced by ***: a failing program may echo its arguments.</summary>
        public string Redact(string text) =>
            _secrets.Select(i => Arguments[i]).Where(s => s.Length > 0).OrderByDescending(s => s.Length)
                .Aggregate(text, (t, secret) => t.Replace(secret, Hidden));

        private const string Hidden = "***";

        /// <summary>
        /// Arguments joined for messages; quoted the same way, so what is shown can be pasted. A script run as
        /// <c>sh -c SCRIPT NAME ARGS...</c> is shown as <c>NAME ARGS...</c>: its text is the engine's, and a
        /// page of shell would bury what went wrong. Secret arguments are shown as ***, and a long one (a file's
        /// content in base64) by its start and length.
        /// </summary>
        public override string ToString()
        {
            var isScript = Arguments.Count >= 4 && Arguments[0] == "sh" && Arguments[1] == "-c";
            return ShellQuote.Join(Arguments.Select((a, i) => _secrets.Contains(i) ? Hidden : Shortened(a)).Skip(isScript ? 3 : 0));
        }

        private const int ShownArgumentLength = 160;

        private static string Shortened(string argument) =>
            argument.Length <= ShownArgumentLength ? argument : argument.Substring(0, ShownArgumentLength / 2) + $"...({argument.Length} characters)";

        private static bool IsValidVariableName(string name) =>
            name.Length > 0 && !char.IsDigit(name[0]) && name.All(c => c == '_' || (c < 128 && char.IsLetterOrDigit(c)));
    }
}
