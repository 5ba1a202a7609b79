using System;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;
using static LiveMigrate.Tests.Support.SshKeys;

namespace LiveMigrate.Tests.Hosts
{
    public sealed class KnownHostsCheckTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly byte[] _key = Blob(Ed25519);
        private readonly byte[] _otherKeySameType = Blob(Ed25519);
        private readonly byte[] _ecdsa = Blob(Ecdsa256);

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void A_recorded_key_is_Known()
        {
            var kh = KnownHostsFiles.Load(_dir, $"10.1.2.3 {Field(_key)}");

            Assert.Equal(HostKeyStatus.Known, kh.Check("10.1.2.3", _key));
        }

        [Fact]
        public void Without_a_file_every_key_is_Unknown()
        {
            var kh = KnownHosts.Load(_dir.File("does-not-exist"));

            Assert.Equal(HostKeyStatus.Unknown, kh.Check("10.1.2.3", _key));
        }

        [Fact]
        public void A_different_key_of_the_same_type_is_Changed()
        {
            var kh = KnownHostsFiles.Load(_dir, $"10.1.2.3 {Field(_key)}");

            Assert.Equal(HostKeyStatus.Changed, kh.Check("10.1.2.3", _otherKeySameType));
        }

        [Fact]
        public void A_key_of_another_type_is_Unknown()
        {
            var kh = KnownHostsFiles.Load(_dir, $"10.1.2.3 {Field(_key)}");

            Assert.Equal(HostKeyStatus.Unknown, kh.Check("10.1.2.3", _ecdsa));
        }

        [Fact]
        public void A_key_recorded_only_for_another_host_is_Unknown()
        {
            var kh = KnownHostsFiles.Load(_dir, $"10.1.2.4 {Field(_key)}");

            Assert.Equal(HostKeyStatus.Unknown, kh.Check("10.1.2.3", _key));
        }

        [Fact]
        public void Bracketed_port_entries_match_only_that_port()
        {
            var kh = KnownHostsFiles.Load(_dir, $"[10.1.2.3]:2222 {Field(_key)}");

            Assert.Equal(HostKeyStatus.Known, kh.Check("[10.1.2.3]:2222", _key));
            Assert.Equal(HostKeyStatus.Unknown, kh.Check("10.1.2.3", _key));
            Assert.Equal(HostKeyStatus.Unknown, kh.Check("[10.1.2.3]:2223", _key));
            Assert.Equal(HostKeyStatus.Changed, kh.Check("[10.1.2.3]:2222", _otherKeySameType));
        }

        [Fact]
        public void Every_name_of_a_comma_list_matches()
        {
            var kh = KnownHostsFiles.Load(_dir, $"lm1,10.1.2.3,[10.1.2.3]:2222 {Field(_key)}");

            Assert.Equal(HostKeyStatus.Known, kh.Check("lm1", _key));
            Assert.Equal(HostKeyStatus.Known, kh.Check("10.1.2.3", _key));
            Assert.Equal(HostKeyStatus.Known, kh.Check("[10.1.2.3]:2222", _key));
            Assert.Equal(HostKeyStatus.Unknown, kh.Check("lm1,10.1.2.3", _key));
        }

        [Fact]
        public void Comments_blank_and_broken_lines_are_skipped()
        {
            var kh = KnownHostsFiles.Load(_dir,
                "# a comment with 10.1.2.3 " + Field(_otherKeySameType),
                "",
                "   ",
                "\t",
                "garbage",
                $"10.1.2.3 {Ed25519}",
                $"10.1.2.3 {Ed25519} !!!not-base64!!!",
                $"   10.1.2.3\t{Ed25519}\t{Base64(_key)}   user@laptop trailing comment  ");

            Assert.Equal(HostKeyStatus.Known, kh.Check("10.1.2.3", _key));
            Assert.Equal(HostKeyStatus.Changed, kh.Check("10.1.2.3", _otherKeySameType));
        }

        [Fact]
        public void Several_keys_for_one_host_each_count()
        {
            var kh = KnownHostsFiles.Load(_dir, $"h {Field(_key)}", $"h {Field(_ecdsa)}", $"h {Field(_otherKeySameType)}");

            Assert.Equal(HostKeyStatus.Known, kh.Check("h", _key));
            Assert.Equal(HostKeyStatus.Known, kh.Check("h", _ecdsa));
            Assert.Equal(HostKeyStatus.Known, kh.Check("h", _otherKeySameType));
            Assert.Equal(HostKeyStatus.Changed, kh.Check("h", Blob(Ecdsa256)));
        }

        [Fact]
        public void A_revoked_key_is_Revoked_even_when_also_listed_as_trusted()
        {
            var kh = KnownHostsFiles.Load(_dir, $"10.1.2.3 {Field(_key)}", $"@revoked * {Field(_key)}");

            Assert.Equal(HostKeyStatus.Revoked, kh.Check("10.1.2.3", _key));
            Assert.Equal(HostKeyStatus.Revoked, kh.Check("anything", _key));
        }

        [Fact]
        public void A_revoked_line_does_not_make_another_key_changed()
        {
            var kh = KnownHostsFiles.Load(_dir, $"@revoked 10.1.2.3 {Field(_key)}");

            Assert.Equal(HostKeyStatus.Unknown, kh.Check("10.1.2.3", _otherKeySameType));
        }

        [Fact]
        public void A_cert_authority_key_is_not_a_host_key()
        {
            var kh = KnownHostsFiles.Load(_dir, $"@cert-authority *.example.com {Field(_key)}");

            Assert.Equal(HostKeyStatus.Unknown, kh.Check("a.example.com", _key));
            Assert.Equal(HostKeyStatus.Unknown, kh.Check("a.example.com", _otherKeySameType));
        }

        [Fact]
        public void A_line_with_an_unknown_marker_is_ignored_like_OpenSSH_does()
        {
            // OpenSSH (hostfile.c, check_markers) rejects a line whose marker it does not know.
            var kh = KnownHostsFiles.Load(_dir, $"@bogus 10.1.2.3 {Field(_key)}");

            Assert.Equal(HostKeyStatus.Unknown, kh.Check("10.1.2.3", _key));
        }

        [Fact]
        public void FingerprintsFor_lists_the_trusted_keys_of_the_host()
        {
            var kh = KnownHostsFiles.Load(_dir, $"h {Field(_key)}", $"other {Field(_ecdsa)}", $"@revoked h {Field(_otherKeySameType)}");

            Assert.Equal(new[] { KnownHosts.Fingerprint(_key) }, kh.FingerprintsFor("h"));
        }
    }
}
