using System;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Hosts
{
    public sealed class KnownHostsFingerprintTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        [Theory]
        [InlineData("ed25519", "ssh-ed25519")]
        [InlineData("ecdsa", "ecdsa-sha2-nistp256")]
        public void Matches_ssh_keygen(string type, string keyType)
        {
            var (pub, blob) = SshKeys.Generate(_dir, type);

            var expected = ExternalTool.Run("ssh-keygen", "-E", "sha256", "-lf", pub).Split(' ')[1];

            Assert.StartsWith("SHA256:", expected);
            Assert.Equal(expected, KnownHosts.Fingerprint(blob));
            Assert.Equal(keyType, KnownHosts.KeyType(blob));
        }

        [Fact]
        public void Has_no_base64_padding()
        {
            var fp = KnownHosts.Fingerprint(SshKeys.Blob(SshKeys.Ed25519));

            Assert.Equal("SHA256:".Length + 43, fp.Length);
            Assert.DoesNotContain("=", fp);
        }

        [Theory]
        [InlineData(new byte[0])]
        [InlineData(new byte[] { 0, 0, 0 })]
        [InlineData(new byte[] { 0, 0, 0, 0 })]
        [InlineData(new byte[] { 0, 0, 0, 9, (byte)'s', (byte)'s', (byte)'h' })]
        [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, (byte)'s' })]
        public void KeyType_of_a_malformed_blob_is_empty(byte[] blob)
        {
            Assert.Equal("", KnownHosts.KeyType(blob));
        }
    }
}
