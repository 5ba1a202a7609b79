using System;
using System.Collections.Generic;
using LiveMigrate.Commands;

namespace LiveMigrate.Runc
{
    /// <summary>runc or CRIU failed; carries the lines of CRIU's log that explain it.</summary>
    public sealed class RuntimeCommandException : CommandFailedException
    {
        public RuntimeCommandException(string host, CommandLine command, string message, CommandResult? result, IReadOnlyList<string> criuLog, string? criuLogPath)
            : base(host, command, Compose(message, criuLog, criuLogPath), result)
        {
            CriuLog = criuLog;
            CriuLogPath = criuLogPath;
        }

        public IReadOnlyList<string> CriuLog { get; }
        public string? CriuLogPath { get; }

        private static string Compose(string message, IReadOnlyList<string> log, string? path) =>
            log.Count == 0 ? message : message + Environment.NewLine + $"CRIU's log ({path}) says:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", log);
    }
}
