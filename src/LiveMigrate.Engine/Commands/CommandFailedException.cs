using System;

namespace LiveMigrate.Commands
{
    /// <summary>A command on a host ended badly: non-zero exit, timeout, or a lost connection.</summary>
    public class CommandFailedException : Exception
    {
        public CommandFailedException(string host, CommandLine command, string message, CommandResult? result = null, Exception? inner = null)
            : base(message, inner)
        {
            Host = host;
            Command = command;
            Result = result;
        }

        public string Host { get; }
        public CommandLine Command { get; }
        public CommandResult? Result { get; }
        public bool TimedOut { get; init; }

        /// <summary>How much of a command's error output a message quotes: enough for its reason, short enough to read.</summary>
        public const int QuotedOutputLimit = 200;

        public static CommandFailedException FromResult(string host, CommandLine command, CommandResult result)
        {
            var stderr = Excerpt(command.Redact(result.StandardError.Trim()));
            var msg = $"'{command}' on {host} exited with code {result.ExitCode}" +
                      (result.ExitCode == 124 ? " (timed out on the host)" : "") +
                      (stderr.Length > 0 ? ": " + stderr : ".");
            return new CommandFailedException(host, command, msg, result) { TimedOut = result.ExitCode == 124 };
        }

        /// <summary>
        /// The start and the end of a long output (where programs put the cause and their verdict), the middle
        /// left out; the whole output stays in <see cref="Result"/>.
        /// </summary>
        public static string Excerpt(string text)
        {
            if (text.Length <= QuotedOutputLimit) return text;
            const int head = QuotedOutputLimit * 3 / 5, tail = QuotedOutputLimit - head;
            return text.Substring(0, head) + " [...] " + text.Substring(text.Length - tail);
        }
    }
}
