using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Commands
{
    /// <summary>What a command looks like in errors, verbose output and the journal: readable, and never a secret.</summary>
    public sealed class CommandLineMessageTests
    {
        public static IEnumerable<object[]> EmbeddedScripts() =>
            typeof(HostScript).Assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(HostScript.ResourcePrefix, StringComparison.Ordinal))
                .Select(n => new object[] { n.Substring(HostScript.ResourcePrefix.Length) });

        [Theory]
        [MemberData(nameof(EmbeddedScripts))]
        public void A_host_script_is_shown_by_its_name_and_arguments_never_its_text(string script)
        {
            var cmd = HostScript.Command(script, new[] { "send", "/run/livemigrate/links/m1", "-" });

            Assert.Equal($"{script} send /run/livemigrate/links/m1 -", cmd.ToString());
            Assert.Equal(HostScript.Text(script), cmd.Arguments[2]);
        }

        [Fact]
        public void A_failed_script_names_itself_and_its_arguments_in_a_message_a_person_reads()
        {
            var cmd = HostScript.Command("link-source.sh", new[] { "send", "/run/livemigrate/links/m1", "-", "var/lib/livemigrate/images/web-1" });
            var host = new FakeHostSession(_ => FakeHostSession.Exit(255, stderr: string.Concat(Enumerable.Repeat("tar: var/lib/x: Cannot open: Permission denied\n", 2000))));

            var viaResult = CommandFailedException.FromResult("root@10.0.0.5:22", cmd, host.Run(cmd, TimeSpan.FromSeconds(1), CancellationToken.None)).Message;
            var viaScript = Assert.Throws<InvalidOperationException>(() => HostScript.Run(host, cmd, TimeSpan.FromSeconds(1), CancellationToken.None)).Message;

            foreach (var message in new[] { viaResult, viaScript })
            {
                Assert.Contains("'link-source.sh send /run/livemigrate/links/m1 - var/lib/livemigrate/images/web-1'", message);
                Assert.Contains("Cannot open: Permission denied", message);
                Assert.DoesNotContain(HostScript.Text("link-source.sh").Split('\n')[0], message);
                Assert.True(message.Length < 1024, $"{message.Length} characters: {message}");
            }
        }

        [Fact]
        public void A_long_argument_is_shown_by_its_start_and_length()
        {
            var payload = new string('A', 5000);

            var shown = new CommandLine("sh", "-c", "printf %s \"$2\" | base64 -d > \"$1\"", "write-file", "/x/config.json", payload).ToString();

            Assert.StartsWith("write-file /x/config.json 'AAAA", shown);
            Assert.Contains("(5000 characters)", shown);
            Assert.True(shown.Length < 200, shown);
        }

        [Fact]
        public void A_secret_argument_is_shown_as_stars_and_taken_out_of_the_output_quoted()
        {
            var cmd = new CommandLine("curl", "-fsS", "-H", "Authorization: Bearer s3cr3t-t0ken", "http://lb/drain").HideArguments(new[] { 3 });
            var result = FakeHostSession.Exit(22, stderr: "curl: (22) 401 for header 'Authorization: Bearer s3cr3t-t0ken'");

            var message = CommandFailedException.FromResult("hostA", cmd, result).Message;

            Assert.Equal("curl -fsS -H '***' http://lb/drain", cmd.ToString());
            Assert.DoesNotContain("s3cr3t-t0ken", message);
            Assert.Contains("401 for header '***'", message);
            Assert.Contains("Authorization: Bearer s3cr3t-t0ken", cmd.ToShellString());
        }

        [Fact]
        public void Only_arguments_that_exist_can_be_hidden()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new CommandLine("true").HideArguments(new[] { 1 }));
        }
    }
}
