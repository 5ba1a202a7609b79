using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using Xunit;

namespace LiveMigrate.Tests.Support
{
    /// <summary>Runs a CommandLine through a real /bin/sh (LocalHostSession) and reads back what the program received.</summary>
    public static class ShellRoundTrip
    {
        private static readonly LocalHostSession Local = new LocalHostSession();

        public static CommandResult Run(CommandLine command)
        {
            var result = Local.Run(command, TimeSpan.FromSeconds(20), CancellationToken.None);
            return result;
        }

        /// <summary>The argv that printf received, each word as it was terminated by NUL.</summary>
        public static IReadOnlyList<string> Echo(IEnumerable<string> words)
        {
            var result = Run(new CommandLine(new[] { "printf", "%s\\0" }.Concat(words)));
            Assert.True(result.Succeeded, $"exit {result.ExitCode}: {result.StandardError}");
            Assert.Equal("", result.StandardError);
            Assert.EndsWith("\0", result.StandardOutput);
            return result.StandardOutput.Substring(0, result.StandardOutput.Length - 1).Split('\0');
        }

        public static void AssertSameBytes(string expected, string actual) =>
            Assert.Equal(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
    }
}
