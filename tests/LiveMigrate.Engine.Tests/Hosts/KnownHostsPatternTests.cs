using System;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;
using static LiveMigrate.Tests.Support.SshKeys;

namespace LiveMigrate.Tests.Hosts
{
    public sealed class KnownHostsPatternTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly byte[] _key = Blob(Ed25519);

        public void Dispose() => _dir.Dispose();

        private HostKeyStatus Check(string pattern, string host) =>
            KnownHostsFiles.Load(_dir, $"{pattern} {Field(_key)}").Check(host, _key);

        [Theory]
        [InlineData("*.example.com", "a.example.com", HostKeyStatus.Known)]
        [InlineData("*.example.com", "deep.a.example.com", HostKeyStatus.Known)]
        [InlineData("*.example.com", "example.com", HostKeyStatus.Unknown)]
        [InlineData("*.example.com", "aexample.com", HostKeyStatus.Unknown)]
        [InlineData("*.example.com", "a.example.com.evil", HostKeyStatus.Unknown)]
        [InlineData("10.0.0.?", "10.0.0.5", HostKeyStatus.Known)]
        [InlineData("10.0.0.?", "10.0.0.15", HostKeyStatus.Unknown)]
        [InlineData("10.0.0.?", "10.0.0.", HostKeyStatus.Unknown)]
        [InlineData("*", "anything", HostKeyStatus.Known)]
        [InlineData("[10.1.2.3]:*", "[10.1.2.3]:2222", HostKeyStatus.Known)]
        [InlineData("a+b.example.com", "aab.example.com", HostKeyStatus.Unknown)]
        [InlineData("a+b.*", "a+b.x", HostKeyStatus.Known)]
        [InlineData("a+b.*", "aab.x", HostKeyStatus.Unknown)]
        public void Wildcards_follow_OpenSSH(string pattern, string host, HostKeyStatus expected)
        {
            Assert.Equal(expected, Check(pattern, host));
        }

        [Theory]
        [InlineData("*.example.com,!bad.example.com")]
        [InlineData("!bad.example.com,*.example.com")]
        [InlineData("!*.example.com,bad.example.com")]
        public void A_negated_match_excludes_the_host_whatever_the_order(string patterns)
        {
            Assert.Equal(HostKeyStatus.Unknown, Check(patterns, "bad.example.com"));
        }

        [Fact]
        public void A_negation_that_does_not_match_changes_nothing()
        {
            Assert.Equal(HostKeyStatus.Known, Check("*.example.com,!bad.example.com", "good.example.com"));
        }

        [Fact]
        public void A_negation_alone_matches_nothing()
        {
            Assert.Equal(HostKeyStatus.Unknown, Check("!bad.example.com", "good.example.com"));
        }

        [Theory]
        [InlineData("Host.Example.COM", "host.example.com")]
        [InlineData("*.EXAMPLE.com", "a.example.COM")]
        public void Names_compare_without_case(string pattern, string host)
        {
            Assert.Equal(HostKeyStatus.Known, Check(pattern, host));
        }
    }
}
