using System;
using System.IO;
using System.Linq;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Hosts
{
    /// <summary>known_hosts lines given in memory (a runbook's asset) are checked as a file's are, and never written anywhere.</summary>
    public sealed class KnownHostsInMemoryTests
    {
        private static readonly HostAddress Address = new HostAddress("10.0.0.5", 2222, "root");
        private readonly byte[] _key = SshKeys.Blob(SshKeys.Ed25519);

        private HostConnectionOptions Options(params string[] lines) =>
            new HostConnectionOptions(Address, "/nonexistent/known_hosts") { KnownHostLines = lines };

        [Fact]
        public void A_listed_key_is_trusted()
        {
            var policy = new HostKeyPolicy(Options("# comment", $"[10.0.0.5]:2222 {SshKeys.Field(_key)}"));

            Assert.Null(policy.Check(_key));
        }

        [Fact]
        public void Lines_may_come_as_one_text_with_newlines()
        {
            var policy = new HostKeyPolicy(Options($"other {SshKeys.Field(SshKeys.Blob(SshKeys.Ed25519))}\r\n[10.0.0.5]:2222 {SshKeys.Field(_key)}\r\n"));

            Assert.Null(policy.Check(_key));
        }

        [Fact]
        public void An_unknown_host_is_refused_and_the_message_names_the_lines_not_a_file()
        {
            var refusal = new HostKeyPolicy(Options($"10.0.0.6 {SshKeys.Field(_key)}")).Check(_key);

            Assert.NotNull(refusal);
            Assert.Equal(HostKeyStatus.Unknown, refusal!.Status);
            Assert.Contains(KnownHosts.InMemorySource, refusal.Message);
            Assert.DoesNotContain("/nonexistent", refusal.Message);
        }

        [Fact]
        public void A_changed_key_is_refused()
        {
            var refusal = new HostKeyPolicy(Options($"[10.0.0.5]:2222 {SshKeys.Field(SshKeys.Blob(SshKeys.Ed25519))}")).Check(_key);

            Assert.Equal(HostKeyStatus.Changed, refusal!.Status);
            Assert.Contains("replace the line", refusal.Message);
        }

        [Fact]
        public void A_revoked_key_is_refused()
        {
            var refusal = new HostKeyPolicy(Options($"@revoked * {SshKeys.Field(_key)}", $"[10.0.0.5]:2222 {SshKeys.Field(_key)}")).Check(_key);

            Assert.Equal(HostKeyStatus.Revoked, refusal!.Status);
        }

        [Fact]
        public void Accepting_a_new_key_records_it_in_memory_only()
        {
            using var dir = new TempDirectory();
            var path = dir.File("known_hosts");
            var options = new HostConnectionOptions(Address, path) { KnownHostLines = new string[0], AcceptNewHostKey = true };

            Assert.Null(new HostKeyPolicy(options).Check(_key));

            Assert.False(File.Exists(path));
            Assert.Equal(HostKeyStatus.Known, options.LoadKnownHosts().Check(Address.KnownHostsName, _key));
        }

        [Fact]
        public void Too_many_lines_are_refused()
        {
            var ex = Assert.Throws<ArgumentException>(() => KnownHosts.FromLines(Enumerable.Repeat("# x", KnownHosts.MaxLines + 1)));
            Assert.Contains(KnownHosts.MaxLines.ToString(), ex.Message);
        }

        [Fact]
        public void A_line_too_long_is_refused()
        {
            var ex = Assert.Throws<ArgumentException>(() => KnownHosts.FromLines(new[] { "h ssh-ed25519 " + new string('A', KnownHosts.MaxLineLength) }));
            Assert.Contains("line 1", ex.Message);
        }
    }
}
