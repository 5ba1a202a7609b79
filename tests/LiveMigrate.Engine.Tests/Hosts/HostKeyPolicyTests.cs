using System;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;
using static LiveMigrate.Tests.Support.SshKeys;

namespace LiveMigrate.Tests.Hosts
{
    /// <summary>A first contact with -AcceptNewHostKey pins the key it met: a reconnect takes that exact key only.</summary>
    public sealed class HostKeyPolicyTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly byte[] _first = Blob(Ed25519);

        public void Dispose() => _dir.Dispose();

        private HostKeyPolicy AcceptingNewKeys() =>
            new HostKeyPolicy(new HostConnectionOptions(new HostAddress("10.1.2.3"), _dir.File("known_hosts")) { AcceptNewHostKey = true });

        [Fact]
        public void The_first_contact_accepts_an_unknown_key_and_a_reconnect_the_same_key()
        {
            var policy = AcceptingNewKeys();

            Assert.Null(policy.Check(_first));
            Assert.Null(policy.Check((byte[])_first.Clone()));
            Assert.Equal(_first, policy.Pinned);
        }

        [Theory]
        [InlineData(Ed25519)]
        [InlineData(Ecdsa256)]
        [InlineData(Rsa)]
        public void A_reconnect_refuses_any_other_key_even_with_the_accept_switch(string type)
        {
            var policy = AcceptingNewKeys();
            policy.Check(_first);

            var refusal = policy.Check(Blob(type));

            Assert.NotNull(refusal);
            Assert.Equal(HostKeyStatus.ChangedSinceConnected, refusal!.Status);
            Assert.Contains(KnownHosts.Fingerprint(_first), refusal.Message);
            Assert.Equal(_first, policy.Pinned);
        }

        [Fact]
        public void A_reconnect_refuses_another_key_even_when_known_hosts_records_it()
        {
            var policy = AcceptingNewKeys();
            policy.Check(_first);
            var other = Blob(Ecdsa256);
            KnownHosts.Load(_dir.File("known_hosts")).Add("10.1.2.3", other);

            Assert.Equal(HostKeyStatus.ChangedSinceConnected, policy.Check(other)?.Status);
        }

        [Fact]
        public void Without_the_switch_an_unknown_key_is_refused_and_nothing_is_pinned()
        {
            var policy = new HostKeyPolicy(new HostConnectionOptions(new HostAddress("10.1.2.3"), _dir.File("known_hosts")));

            Assert.Equal(HostKeyStatus.Unknown, policy.Check(_first)?.Status);
            Assert.Null(policy.Pinned);
        }

    }
}
