using System;
using System.Collections.Generic;
using LiveMigrate.Commands;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Commands
{
    public sealed class CommandLineEnvironmentTests
    {
        [Theory]
        [MemberData(nameof(HostileStrings.Data), MemberType = typeof(HostileStrings))]
        public void A_hostile_value_reaches_the_program_unchanged(string value)
        {
            var cmd = new CommandLine("printenv", "LM_VALUE");
            cmd.Environment["LM_VALUE"] = value;

            var result = ShellRoundTrip.Run(cmd);

            Assert.Equal(0, result.ExitCode);
            ShellRoundTrip.AssertSameBytes(value + "\n", result.StandardOutput);
        }

        [Fact]
        public void Variables_are_passed_through_env_as_plain_words()
        {
            var cmd = new CommandLine("runc", "checkpoint", "web");
            cmd.WithEnvironment(new Dictionary<string, string> { ["CRIU_FAULT"] = "130", ["A_B"] = "x y" });

            Assert.Equal("env 'A_B=x y' 'CRIU_FAULT=130' runc checkpoint web", cmd.ToShellString());
        }

        [Fact]
        public void WithEnvironment_overwrites_and_returns_the_same_command()
        {
            var cmd = new CommandLine("true");
            cmd.Environment["X"] = "old";

            var same = cmd.WithEnvironment(new[] { new KeyValuePair<string, string>("X", "new") });

            Assert.Same(cmd, same);
            Assert.Equal("new", cmd.Environment["X"]);
        }

        [Fact]
        public void Several_variables_all_arrive()
        {
            var cmd = new CommandLine("sh", "-c", "printf '%s|%s' \"$ONE\" \"$TWO\"");
            cmd.Environment["ONE"] = "$(id)";
            cmd.Environment["TWO"] = "a'b";

            Assert.Equal("$(id)|a'b", ShellRoundTrip.Run(cmd).StandardOutput);
        }

        [Theory]
        [InlineData("")]
        [InlineData("1ABC")]
        [InlineData("A-B")]
        [InlineData("A B")]
        [InlineData("A=B")]
        [InlineData("A;B")]
        [InlineData("$(x)")]
        [InlineData("É")]
        [InlineData("Ａ")]
        public void An_invalid_name_is_refused(string name)
        {
            var cmd = new CommandLine("true");
            cmd.Environment[name] = "v";

            var ex = Assert.Throws<ArgumentException>(() => cmd.ToShellString());
            Assert.Contains("not a valid environment variable name", ex.Message);
        }

        [Theory]
        [InlineData("_")]
        [InlineData("a")]
        [InlineData("A1_b2")]
        [InlineData("_9")]
        public void A_valid_name_is_accepted(string name)
        {
            var cmd = new CommandLine("true");
            cmd.Environment[name] = "v";

            Assert.Equal($"env '{name}=v' true", cmd.ToShellString());
        }

        [Fact]
        public void A_NUL_in_a_value_is_refused()
        {
            var cmd = new CommandLine("true");
            cmd.Environment["X"] = "a\0b";

            Assert.Throws<ArgumentException>(() => cmd.ToShellString());
        }
    }
}
