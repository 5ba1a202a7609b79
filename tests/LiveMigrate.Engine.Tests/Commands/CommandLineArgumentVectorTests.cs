using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using LiveMigrate.Commands;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Commands
{
    /// <summary>
    /// The argument vector a PowerShell session host starts with no shell of its own: run here the same way (a process
    /// started from ArgumentList), the program gets exactly the words, and the redirections are made.
    /// </summary>
    public sealed class CommandLineArgumentVectorTests
    {
        [Fact]
        public void Without_redirections_the_program_itself_is_started()
        {
            Assert.Equal(new[] { "runc", "state", "a b;c" }, new CommandLine("runc", "state", "a b;c").ToArgumentVector());
        }

        [UnixFact]
        public void Hostile_words_arrive_unchanged()
        {
            var (code, output, error) = Exec(new CommandLine(new[] { "printf", "%s\\0" }.Concat(HostileStrings.All)));

            Assert.Equal(0, code);
            Assert.Equal("", error);
            Assert.Equal(HostileStrings.All, output.Substring(0, output.Length - 1).Split('\0'));
        }

        [UnixFact]
        public void Hostile_words_arrive_unchanged_through_the_redirecting_script()
        {
            var cmd = new CommandLine(new[] { "printf", "%s\\0" }.Concat(HostileStrings.All)) { StandardInput = StreamTarget.DevNull };

            var (code, output, _) = Exec(cmd);

            Assert.Equal("sh", cmd.ToArgumentVector()[0]);
            Assert.Equal(0, code);
            Assert.Equal(HostileStrings.All, output.Substring(0, output.Length - 1).Split('\0'));
        }

        [UnixFact]
        public void Environment_and_host_timeout_come_first_as_plain_words()
        {
            var cmd = new CommandLine("sh", "-c", "printf '%s' \"$CRIU_FAULT\"") { HostTimeout = TimeSpan.FromSeconds(5) };
            cmd.Environment["CRIU_FAULT"] = "130 $(touch x)";

            Assert.Equal(new[] { "env", "CRIU_FAULT=130 $(touch x)", "timeout", "--kill-after=5", "5" }, cmd.ToArgumentVector().Take(5));
            Assert.Equal("130 $(touch x)", Exec(cmd).Output);
        }

        [UnixFact]
        public void Stdin_from_dev_null_reads_nothing_of_what_the_caller_sends()
        {
            var cmd = new CommandLine("wc", "-c") { StandardInput = StreamTarget.DevNull };

            Assert.Equal("0", Exec(cmd, input: "twelve bytes").Output.Trim());
        }

        [UnixFact]
        public void Stdout_to_dev_null_and_stderr_appended_to_a_file_with_a_hostile_name()
        {
            using var dir = new TempDirectory();
            var path = dir.File("err $(x) 'q' *.log");
            File.WriteAllText(path, "before\n");
            var cmd = new CommandLine("sh", "-c", "echo out; echo err >&2") { StandardOutput = StreamTarget.DevNull, StandardErrorPath = path };

            var (code, output, error) = Exec(cmd);

            Assert.Equal(0, code);
            Assert.Equal("", output);
            Assert.Equal("", error);
            Assert.Equal("before\nerr\n", File.ReadAllText(path));
        }

        [UnixFact]
        public void The_program_exit_code_comes_through_the_redirecting_script()
        {
            Assert.Equal(3, Exec(new CommandLine("sh", "-c", "exit 3") { StandardOutput = StreamTarget.DevNull }).Code);
        }

        private static (int Code, string Output, string Error) Exec(CommandLine command, string input = "")
        {
            var argv = command.ToArgumentVector();
            var psi = new ProcessStartInfo(argv[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var error = p.StandardError.ReadToEndAsync();
            try
            {
                p.StandardInput.Write(input);
                p.StandardInput.Close();
            }
            catch (IOException) { /* it read nothing and ended */ }
            var output = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(20000));
            return (p.ExitCode, output, error.Result);
        }
    }
}
