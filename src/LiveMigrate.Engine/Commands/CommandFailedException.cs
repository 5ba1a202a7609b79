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

        public static CommandFailedException FromResult(string host, CommandLine command, CommandResult result)
        {
            var stderr = result.StandardError.Trim();
            var msg = $"'{command}' on {host} exited with code {result.ExitCode}" +
                      (result.ExitCode == 124 ? " (timed out on the host)" : "") +
                      (stderr.Length > 0 ? ": " + stderr : ".");
            return new CommandFailedException(host, command, msg, result) { TimedOut = result.ExitCode == 124 };
        }
    }
}
