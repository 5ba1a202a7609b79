using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    /// <summary>link-destination.sh run by a real /bin/sh against an authorized_keys under a temporary HOME.</summary>
    public sealed class LinkDestinationScriptTests : IDisposable
    {
        private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJDNVygc/SWt4Tyg6dGCP8/n8n/rGhM0e7DUiDnF0zzz";
        private const string Operator = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZPf4vYczWt+2d872rUGIAUJynlBroqkNoC7Ismay4u admin@desk";
        private readonly TempDirectory _home = new TempDirectory();
        private readonly string _keys;

        public LinkDestinationScriptTests()
        {
            Directory.CreateDirectory(_home.File(".ssh"));
            _keys = _home.File(".ssh/authorized_keys");
            File.WriteAllText(_keys, Operator + "\n");
        }

        public void Dispose() => _home.Dispose();

        private CommandResult Run(params string[] args) =>
            HostScript.Run(new LocalHostSession(), HostScript.Command("link-destination.sh", args).WithEnvironment(new[] { new System.Collections.Generic.KeyValuePair<string, string>("HOME", _home.Path) }),
                TimeSpan.FromSeconds(30), CancellationToken.None);

        private string[] Lines => File.ReadAllLines(_keys);

        [Fact]
        public void Authorize_appends_one_line_that_only_unpacks_tar_or_listens_on_loopback_until_it_expires()
        {
            Run("authorize", "livemigrate-link-m1", Key, "3600");

            Assert.Equal(Operator, Lines[0]);
            var line = Assert.Single(Lines.Skip(1));
            Assert.StartsWith("restrict,port-forwarding,permitlisten=\"127.0.0.1:*\",permitopen=\"127.0.0.1:9\",expiry-time=\"", line);
            Assert.EndsWith(" " + Key + " livemigrate-link-m1", line);
            var expiry = DateTime.ParseExact(Regex.Match(line, "expiry-time=\"(\\d{14})Z\"").Groups[1].Value, "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(expiry, DateTime.UtcNow.AddMinutes(58), DateTime.UtcNow.AddMinutes(61));
        }

        [Theory]
        [InlineData("unpack; touch PWNED")]
        [InlineData("sh")]
        [InlineData("unpack-incremental $(touch PWNED)")]
        [InlineData("")]
        public void The_forced_command_refuses_anything_but_its_two_words(string requested)
        {
            Run("authorize", "livemigrate-link-m1", Key, "3600");
            var command = Regex.Match(Lines[1], "command=\"([^\"]*)\"").Groups[1].Value;

            var result = new LocalHostSession().Run(new CommandLine("sh", "-c", "cd \"$1\" && SSH_ORIGINAL_COMMAND=\"$2\" && export SSH_ORIGINAL_COMMAND && eval \"$3\"", "sh", _home.Path, requested, command),
                TimeSpan.FromSeconds(10), CancellationToken.None);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("refused", result.StandardError);
            Assert.False(File.Exists(_home.File("PWNED")));
        }

        [Fact]
        public void Revoke_removes_only_its_own_line_and_keeps_the_file_itself()
        {
            Run("authorize", "livemigrate-link-m1", Key, "3600");
            Run("authorize", "livemigrate-link-m2", Key, "3600");
            var inode = ExternalTool.Run("stat", "-c", "%i", _keys);

            Run("revoke", "livemigrate-link-m1");

            Assert.Equal(2, Lines.Length);
            Assert.Equal(Operator, Lines[0]);
            Assert.EndsWith("livemigrate-link-m2", Lines[1]);
            Assert.Equal(inode, ExternalTool.Run("stat", "-c", "%i", _keys));
        }

        [Fact]
        public void Authorize_drops_the_expired_lines_of_earlier_links_and_nothing_else()
        {
            File.AppendAllText(_keys,
                "restrict,expiry-time=\"20200101000000Z\",command=\"true\" " + Key + " livemigrate-link-dead\n" +
                "restrict,expiry-time=\"20991231000000Z\",command=\"true\" " + Key + " livemigrate-link-alive\n" +
                "expiry-time=\"20200101000000Z\" " + Key + " someone-elses-expired-key\n");

            Run("authorize", "livemigrate-link-m1", Key, "3600");

            Assert.DoesNotContain(Lines, l => l.EndsWith("livemigrate-link-dead"));
            Assert.Contains(Lines, l => l.EndsWith("livemigrate-link-alive"));
            Assert.Contains(Lines, l => l.EndsWith("someone-elses-expired-key"));
            Assert.Contains(Operator, Lines);
        }

        [Theory]
        [InlineData("ssh-rsa AAAAB3NzaC1yc2E")]
        [InlineData(Key + " comment")]
        [InlineData(Key + "\nssh-ed25519 AAAA")]
        [InlineData("command=\"sh\" " + Key)]
        [InlineData("ssh-ed25519 ")]
        public void Refuses_anything_but_a_bare_ed25519_key_and_writes_nothing(string key)
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Run("authorize", "livemigrate-link-m1", key, "3600"));

            Assert.Contains("key", ex.Message);
            Assert.Equal(new[] { Operator }, Lines);
        }

        [Fact]
        public void Refuses_a_marker_that_is_not_a_links()
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Run("revoke", "admin@desk"));

            Assert.Contains("bad marker", ex.Message);
            Assert.Equal(new[] { Operator }, Lines);
        }

        [Theory]
        [InlineData("ssh-ed25519 AAAAC3Nz livemigrate-link\n", "ssh-ed25519 AAAAC3Nz")]
        [InlineData("ssh-ed25519 AAAA+/== \n", "ssh-ed25519 AAAA+/==")]
        public void The_public_key_is_read_from_ssh_keygen_without_its_comment(string output, string expected) =>
            Assert.Equal(expected, DirectLink.PublicKey(output));

        [Theory]
        [InlineData("")]
        [InlineData("ssh-rsa AAAA x")]
        [InlineData("ssh-ed25519 AAAA;rm")]
        public void Anything_else_from_ssh_keygen_is_refused(string output) =>
            Assert.Throws<InvalidOperationException>(() => DirectLink.PublicKey(output));
    }
}
