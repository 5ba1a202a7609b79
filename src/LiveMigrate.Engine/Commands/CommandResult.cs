using System;

namespace LiveMigrate.Commands
{
    public sealed class CommandResult
    {
        public CommandResult(int exitCode, string standardOutput, string standardError, TimeSpan duration)
        {
            ExitCode = exitCode;
            StandardOutput = standardOutput;
            StandardError = standardError;
            Duration = duration;
        }

        public int ExitCode { get; }
        public string StandardOutput { get; }
        public string StandardError { get; }
        public TimeSpan Duration { get; }
        public bool Succeeded => ExitCode == 0;
    }
}
