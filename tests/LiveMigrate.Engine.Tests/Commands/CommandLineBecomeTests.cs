using System;
using System.IO;
using System.Linq;
using System.Text;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Commands
{
    public sealed class CommandLineBecomeTests
    {
        [Fact]
        public void Sudo_takes_the_whole_vector_environment_and_host_timeout_included()
        {
            var cmd = new CommandLine("runc", "checkpoint", "web") { HostTimeout = TimeSpan.FromSeconds(10) };
            cmd.Environment["CRIU_FAULT"] = "130";

            Assert.Equal("sudo -n -- env 'CRIU_FAULT=130' timeout '--kill-after=5' 10 runc checkpoint web", cmd.ToShellString(BecomeMethod.Sudo));
        }

        [Fact]
        public void Without_become_nothing_is_added()
        {
            Assert.Equal("runc list", new CommandLine("runc", "list").ToShellString(BecomeMethod.None));
        }

        [Fact]
        public void A_script_runs_under_sudo_as_sh_c_with_its_arguments()
        {
            var cmd = HostScript.Command("link-source.sh", new[] { "key", "/run/livemigrate/links/x" });

            Assert.StartsWith("sudo -n -- sh -c ", cmd.ToShellString(BecomeMethod.Sudo));
            Assert.EndsWith(" link-source.sh key /run/livemigrate/links/x", cmd.ToShellString(BecomeMethod.Sudo));
        }

        [Fact]
        public void A_command_for_the_login_user_is_not_wrapped()
        {
            var cmd = new CommandLine("id", "-un") { AsLoginUser = true };

            Assert.Equal("id -un", cmd.ToShellString(BecomeMethod.Sudo));
        }

        [Fact]
        public void Redirections_stay_with_the_login_shell()
        {
            var cmd = new CommandLine("cat") { StandardInput = StreamTarget.DevNull, StandardOutput = StreamTarget.DevNull };

            Assert.Equal("sudo -n -- cat </dev/null >/dev/null", cmd.ToShellString(BecomeMethod.Sudo));
        }

        // A stand-in sudo first on PATH records the argv it got: what a real sudo would run, with no shell in between.
        [Theory]
        [MemberData(nameof(HostileStrings.Data), MemberType = typeof(HostileStrings))]
        public void Hostile_words_and_values_reach_sudo_as_they_were(string value)
        {
            using var dir = new TempDirectory();
            var sudo = dir.File("sudo");
            File.WriteAllText(sudo, "#!/bin/sh\nprintf '%s\\0' \"$@\"\n");
            ExternalTool.Run("chmod", "+x", sudo);
            var cmd = new CommandLine("printf", value) { HostTimeout = TimeSpan.FromSeconds(5) };
            cmd.Environment["CRIU_FAULT"] = value;

            var shell = new CommandLine("sh", "-c", "PATH=\"$1:$PATH\"; eval \"$2\"", "sh", dir.Path, cmd.ToShellString(BecomeMethod.Sudo));
            var result = ShellRoundTrip.Run(shell);

            Assert.True(result.Succeeded, result.StandardError);
            var argv = result.StandardOutput.Split('\0');
            Assert.Equal(new[] { "-n", "--", "env", "CRIU_FAULT=" + value, "timeout", "--kill-after=5", "5", "printf", value, "" }, argv);
        }
    }
}
