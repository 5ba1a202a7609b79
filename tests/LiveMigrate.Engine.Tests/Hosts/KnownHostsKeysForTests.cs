using System;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;
using static LiveMigrate.Tests.Support.SshKeys;

namespace LiveMigrate.Tests.Hosts
{
    /// <summary>The keys handed to a direct link for a host the controller reaches through a PowerShell session.</summary>
    public sealed class KnownHostsKeysForTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly byte[] _key = Blob(Ed25519);
        private readonly byte[] _ecdsa = Blob(Ecdsa256);

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Every_key_of_the_host_and_port_as_known_hosts_writes_it()
        {
            var kh = KnownHostsFiles.Load(_dir, $"[10.1.2.3]:2222 {Field(_key)}", $"10.1.2.3 {Field(_ecdsa)}", $"{KnownHostsFiles.Hashed("[10.1.2.3]:2222")} {Field(_ecdsa)}");

            Assert.Equal(new[] { Field(_key), Field(_ecdsa) }, kh.KeysFor("[10.1.2.3]:2222"));
        }

        [Fact]
        public void A_revoked_key_is_never_handed_on()
        {
            var kh = KnownHostsFiles.Load(_dir, $"10.1.2.3 {Field(_key)}", $"@revoked * {Field(_key)}", $"10.1.2.3 {Field(_ecdsa)}");

            Assert.Equal(new[] { Field(_ecdsa) }, kh.KeysFor("10.1.2.3"));
        }

        [Fact]
        public void An_unknown_host_has_none()
        {
            Assert.Empty(KnownHostsFiles.Load(_dir, $"10.1.2.4 {Field(_key)}").KeysFor("10.1.2.3"));
        }
    }
}
