using System;
using System.IO;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;
using static LiveMigrate.Tests.Support.SshKeys;

namespace LiveMigrate.Tests.Hosts
{
    /// <summary>HashKnownHosts entries: |1|salt|HMAC-SHA1(salt, name).</summary>
    public sealed class KnownHostsHashedTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly byte[] _key = Blob(Ed25519);

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void A_hashed_name_matches_only_that_name()
        {
            var kh = KnownHostsFiles.Load(_dir, $"{KnownHostsFiles.Hashed("host.example.com")} {Field(_key)}");

            Assert.Equal(HostKeyStatus.Known, kh.Check("host.example.com", _key));
            Assert.Equal(HostKeyStatus.Unknown, kh.Check("other.example.com", _key));
            Assert.Equal(HostKeyStatus.Changed, kh.Check("host.example.com", Blob(Ed25519)));
        }

        [Fact]
        public void A_hashed_name_matches_whatever_case_the_host_is_written_in()
        {
            // ssh-keygen -H hashes the lower-case name; users type names in any case.
            var kh = KnownHostsFiles.Load(_dir, $"{KnownHostsFiles.Hashed("host.example.com")} {Field(_key)}");

            Assert.Equal(HostKeyStatus.Known, kh.Check("Host.Example.COM", _key));
        }

        [Fact]
        public void A_hashed_bracketed_port_name_matches_only_that_port()
        {
            var kh = KnownHostsFiles.Load(_dir, $"{KnownHostsFiles.Hashed("[10.1.2.3]:2222")} {Field(_key)}");

            Assert.Equal(HostKeyStatus.Known, kh.Check("[10.1.2.3]:2222", _key));
            Assert.Equal(HostKeyStatus.Unknown, kh.Check("10.1.2.3", _key));
        }

        [Fact]
        public void A_hashed_revoked_entry_is_Revoked()
        {
            var kh = KnownHostsFiles.Load(_dir, $"@revoked {KnownHostsFiles.Hashed("h")} {Field(_key)}");

            Assert.Equal(HostKeyStatus.Revoked, kh.Check("h", _key));
        }

        [Theory]
        [InlineData("|1|!!!|AAAA")]
        [InlineData("|1|AAAA|!!!")]
        [InlineData("|1|AAAA")]
        [InlineData("|1|AAAA|BBBB|CCCC")]
        public void Malformed_hashed_names_are_skipped(string field)
        {
            var kh = KnownHostsFiles.Load(_dir, $"{field} {Field(_key)}", $"h {Field(_key)}");

            Assert.Equal(HostKeyStatus.Known, kh.Check("h", _key));
            Assert.Equal(HostKeyStatus.Unknown, kh.Check("x", _key));
        }

        [Fact]
        public void A_file_hashed_by_ssh_keygen_is_understood()
        {
            var (pub, blob) = Generate(_dir);
            var keyField = File.ReadAllText(pub).Trim();
            var path = _dir.File("known_hosts");
            File.WriteAllText(path, $"lm1 {keyField}\n[10.1.2.3]:2222 {keyField}\n");

            ExternalTool.Run("ssh-keygen", "-q", "-H", "-f", path);

            var text = File.ReadAllText(path);
            Assert.DoesNotContain("lm1", text);
            Assert.StartsWith("|1|", text);
            var kh = KnownHosts.Load(path);
            Assert.Equal(HostKeyStatus.Known, kh.Check("lm1", blob));
            Assert.Equal(HostKeyStatus.Known, kh.Check("[10.1.2.3]:2222", blob));
            Assert.Equal(HostKeyStatus.Unknown, kh.Check("lm2", blob));
            Assert.Equal(HostKeyStatus.Changed, kh.Check("lm1", Blob(Ed25519)));
        }
    }
}
