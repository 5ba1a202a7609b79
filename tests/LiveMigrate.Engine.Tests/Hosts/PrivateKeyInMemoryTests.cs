using System;
using System.IO;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Hosts
{
    /// <summary>A private key given as text (a runbook's asset): used to authenticate, never shown.</summary>
    public sealed class PrivateKeyInMemoryTests
    {
        private const string Material = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";

        // Port 1 on loopback refuses at once: authentication is prepared before the connection is tried.
        private static HostConnectionOptions Options(string key) =>
            new HostConnectionOptions(new HostAddress("127.0.0.1", 1, "root"), "/nonexistent/known_hosts") { PrivateKey = key, ConnectTimeout = TimeSpan.FromSeconds(5) };

        [Fact]
        public void A_key_that_cannot_be_read_is_refused_without_a_word_of_it()
        {
            var key = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Material + "\n-----END OPENSSH PRIVATE KEY-----\n";

            var ex = Assert.Throws<ArgumentException>(() => SshHostSession.Connect(Options(key)));

            Assert.Contains("-PrivateKey", ex.Message);
            Assert.DoesNotContain(Material.Substring(0, 20), ex.ToString());
            Assert.Null(ex.InnerException);
        }

        [Fact]
        public void A_readable_key_is_used_to_connect()
        {
            using var dir = new TempDirectory();
            var (pub, _) = SshKeys.Generate(dir);
            var text = File.ReadAllText(pub.Substring(0, pub.Length - ".pub".Length));

            // Past the key: the connection itself is what fails.
            Assert.Throws<HostConnectionException>(() => SshHostSession.Connect(Options(text.Replace("\n", "\r\n"))));
        }

        [Fact]
        public void A_key_too_long_is_refused()
        {
            var ex = Assert.Throws<ArgumentException>(() => SshHostSession.Connect(Options(new string('A', SshHostSession.MaxPrivateKeyLength + 1))));
            Assert.Contains("at most", ex.Message);
        }

        [Fact]
        public void The_options_never_show_the_key()
        {
            var options = Options("-----BEGIN OPENSSH PRIVATE KEY-----\n" + Material);
            options.Secret = "passphrase-xyz";

            Assert.Equal("root@127.0.0.1:1", options.ToString());
        }
    }
}
