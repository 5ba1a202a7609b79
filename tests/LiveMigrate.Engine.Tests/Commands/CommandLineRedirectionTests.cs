using System.IO;
using LiveMigrate.Commands;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Commands
{
    public sealed class CommandLineRedirectionTests
    {
        [Fact]
        public void No_redirection_by_default()
        {
            Assert.Equal("cat", new CommandLine("cat").ToShellString());
        }

        [Fact]
        public void Redirections_follow_the_quoted_words()
        {
            var cmd = new CommandLine("runc", "restore", "a b")
            {
                StandardInput = StreamTarget.DevNull,
                StandardOutput = StreamTarget.DevNull,
                StandardErrorPath = "/var/log/it's here.log",
            };

            Assert.Equal("runc restore 'a b' </dev/null >/dev/null 2>>'/var/log/it'\\''s here.log'", cmd.ToShellString());
        }

        [Fact]
        public void Stdout_to_dev_null_discards_output()
        {
            var cmd = new CommandLine("sh", "-c", "echo out; echo err >&2") { StandardOutput = StreamTarget.DevNull };

            var result = ShellRoundTrip.Run(cmd);

            Assert.Equal("", result.StandardOutput);
            Assert.Equal("err\n", result.StandardError);
        }

        [Fact]
        public void Stdin_from_dev_null_reads_nothing()
        {
            var cmd = new CommandLine("wc", "-c") { StandardInput = StreamTarget.DevNull };

            Assert.Equal("0", ShellRoundTrip.Run(cmd).StandardOutput.Trim());
        }

        [Fact]
        public void Stderr_is_appended_to_a_file_with_a_hostile_name()
        {
            using var dir = new TempDirectory();
            var path = dir.File("err $(x) 'q' *.log");
            File.WriteAllText(path, "before\n");
            var cmd = new CommandLine("sh", "-c", "echo out; echo err >&2") { StandardErrorPath = path };

            var result = ShellRoundTrip.Run(cmd);

            Assert.Equal("out\n", result.StandardOutput);
            Assert.Equal("", result.StandardError);
            Assert.Equal("before\nerr\n", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir.Path));
        }

        [Fact]
        public void Redirections_apply_to_the_whole_env_and_timeout_chain()
        {
            var cmd = new CommandLine("sh", "-c", "echo \"$V\"") { StandardOutput = StreamTarget.DevNull, HostTimeout = System.TimeSpan.FromSeconds(5) };
            cmd.Environment["V"] = "x";

            var result = ShellRoundTrip.Run(cmd);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal("", result.StandardOutput);
        }
    }
}
