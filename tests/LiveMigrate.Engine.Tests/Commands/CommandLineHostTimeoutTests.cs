using System;
using LiveMigrate.Commands;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Commands
{
    public sealed class CommandLineHostTimeoutTests
    {
        [Theory]
        [InlineData(90_000, "90")]
        [InlineData(1_200, "2")]
        [InlineData(1_000, "1")]
        [InlineData(300, "1")]
        [InlineData(300_000, "300")]
        public void Prefixes_timeout_with_whole_seconds_rounded_up(int milliseconds, string seconds)
        {
            var cmd = new CommandLine("runc", "checkpoint", "web") { HostTimeout = TimeSpan.FromMilliseconds(milliseconds) };

            Assert.Equal($"timeout '--kill-after=5' {seconds} runc checkpoint web", cmd.ToShellString());
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1_000)]
        public void Refuses_a_timeout_that_is_not_positive(int milliseconds)
        {
            var cmd = new CommandLine("runc", "checkpoint", "web") { HostTimeout = TimeSpan.FromMilliseconds(milliseconds) };

            Assert.Throws<ArgumentOutOfRangeException>(() => cmd.ToShellString());
        }

        [Fact]
        public void Goes_after_env_so_the_variables_reach_the_program()
        {
            var cmd = new CommandLine("runc", "restore") { HostTimeout = TimeSpan.FromSeconds(10) };
            cmd.Environment["CRIU_FAULT"] = "130";

            Assert.Equal("env 'CRIU_FAULT=130' timeout '--kill-after=5' 10 runc restore", cmd.ToShellString());
        }

        [Fact]
        public void Absent_by_default()
        {
            Assert.DoesNotContain("timeout", new CommandLine("sleep", "1").ToShellString());
        }

        [Fact]
        public void Kills_a_command_that_overruns_on_the_host()
        {
            var cmd = new CommandLine("sleep", "30") { HostTimeout = TimeSpan.FromSeconds(1) };

            var result = ShellRoundTrip.Run(cmd);

            Assert.Equal(124, result.ExitCode);
            Assert.True(result.Duration < TimeSpan.FromSeconds(10), $"took {result.Duration}");
            var failure = CommandFailedException.FromResult("localhost", cmd, result);
            Assert.True(failure.TimedOut);
            Assert.Contains("timed out on the host", failure.Message);
        }
    }
}
