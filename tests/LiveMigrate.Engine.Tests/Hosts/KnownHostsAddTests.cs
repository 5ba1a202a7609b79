using System;
using System.IO;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;
using static LiveMigrate.Tests.Support.SshKeys;

namespace LiveMigrate.Tests.Hosts
{
    public sealed class KnownHostsAddTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly byte[] _key = Blob(Ed25519);

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Creates_the_file_and_its_directory()
        {
            var path = Path.Combine(_dir.Path, "new", ".ssh", "known_hosts");

            KnownHosts.Load(path).Add("[10.1.2.3]:2222", _key);

            Assert.Equal($"[10.1.2.3]:2222 {Ed25519} {Base64(_key)}\n", File.ReadAllText(path));
            Assert.Equal(HostKeyStatus.Known, KnownHosts.Load(path).Check("[10.1.2.3]:2222", _key));
        }

        [Fact]
        public void The_same_instance_knows_the_key_at_once()
        {
            var kh = KnownHosts.Load(_dir.File("known_hosts"));

            kh.Add("h", _key);

            Assert.Equal(HostKeyStatus.Known, kh.Check("h", _key));
        }

        [Fact]
        public void Adds_a_newline_when_the_file_did_not_end_with_one()
        {
            var other = Blob(Ecdsa256);
            var path = _dir.File("known_hosts");
            File.WriteAllText(path, $"old {Field(other)}");

            KnownHosts.Load(path).Add("new", _key);

            Assert.Equal(new[] { $"old {Field(other)}", $"new {Field(_key)}" }, File.ReadAllLines(path));
            var reloaded = KnownHosts.Load(path);
            Assert.Equal(HostKeyStatus.Known, reloaded.Check("old", other));
            Assert.Equal(HostKeyStatus.Known, reloaded.Check("new", _key));
        }

        [Fact]
        public void Adds_no_blank_line_when_the_file_ended_with_a_newline()
        {
            var path = _dir.File("known_hosts");
            File.WriteAllText(path, "# mine\n");

            KnownHosts.Load(path).Add("h", _key);

            Assert.Equal($"# mine\nh {Field(_key)}\n", File.ReadAllText(path));
        }

        [Fact]
        public void Adds_no_leading_newline_to_an_empty_file()
        {
            var path = _dir.File("known_hosts");
            File.WriteAllText(path, "");

            KnownHosts.Load(path).Add("h", _key);

            Assert.Equal($"h {Field(_key)}\n", File.ReadAllText(path));
        }

        [Fact]
        public void OpenSSH_finds_the_line_it_adds()
        {
            var (_, blob) = Generate(_dir);
            var path = _dir.File("known_hosts");

            KnownHosts.Load(path).Add("[127.77.0.1]:2222", blob);

            var found = ExternalTool.Run("ssh-keygen", "-F", "[127.77.0.1]:2222", "-f", path);
            Assert.Contains($"[127.77.0.1]:2222 {Ed25519} {Base64(blob)}", found);
        }
    }
}
