using System;
using LiveMigrate.Commands;
using Xunit;

namespace LiveMigrate.Tests.Commands
{
    public sealed class CommandLineArgumentsTests
    {
        [Fact]
        public void An_empty_argument_vector_is_refused()
        {
            Assert.Throws<ArgumentException>(() => new CommandLine(Array.Empty<string>()));
        }

        [Fact]
        public void A_null_argument_vector_is_refused()
        {
            Assert.Throws<ArgumentNullException>(() => new CommandLine((string[])null!));
        }

        [Fact]
        public void A_null_word_is_refused_when_the_line_is_built()
        {
            var cmd = new CommandLine("echo", null!);

            Assert.Throws<ArgumentNullException>(() => cmd.ToShellString());
        }

        [Fact]
        public void The_arguments_are_copied_not_aliased()
        {
            var args = new[] { "echo", "a" };
            var cmd = new CommandLine(args);
            args[1] = "changed";

            Assert.Equal("echo a", cmd.ToShellString());
        }

        [Fact]
        public void ToString_shows_the_quoted_arguments_without_environment_or_redirections()
        {
            var cmd = new CommandLine("runc", "state", "a b") { StandardErrorPath = "/tmp/err", HostTimeout = TimeSpan.FromSeconds(3) };
            cmd.Environment["SECRET"] = "value";

            Assert.Equal("runc state 'a b'", cmd.ToString());
        }
    }
}
