using System;
using System.Collections.Generic;
using System.Diagnostics;
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
    /// <summary>
    /// link-destination.sh run by a real /bin/sh against an authorized_keys under a temporary HOME, and the forced command
    /// it writes run the way sshd runs it (SSH_ORIGINAL_COMMAND set, `sh -c` of the dequoted command), on real tar streams.
    /// </summary>
    public sealed class LinkDestinationScriptTests : IDisposable
    {
        private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJDNVygc/SWt4Tyg6dGCP8/n8n/rGhM0e7DUiDnF0zzz";
        private const string Operator = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZPf4vYczWt+2d872rUGIAUJynlBroqkNoC7Ismay4u admin@desk";
        private static readonly string Unpack = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(HostScript.Text("tree-unpack.sh")));
        private readonly TempDirectory _home = new TempDirectory();
        private readonly string _keys;
        // The migration's folders, and a folder beside them that stands for the rest of the host.
        private readonly string _images, _bundle, _outside;

        public LinkDestinationScriptTests()
        {
            Directory.CreateDirectory(_home.File(".ssh"));
            _keys = _home.File(".ssh/authorized_keys");
            File.WriteAllText(_keys, Operator + "\n");
            _images = _home.File("images/web-m1");
            _bundle = _home.File("containers/web");
            _outside = Directory.CreateDirectory(_home.File("etc")).FullName;
            File.WriteAllText(Path.Combine(_outside, "passwd"), "root:x:0:0\n");
        }

        public void Dispose() => _home.Dispose();

        private CommandResult Run(params string[] args) =>
            HostScript.Run(new LocalHostSession(), HostScript.Command("link-destination.sh", args).WithEnvironment(new[] { new System.Collections.Generic.KeyValuePair<string, string>("HOME", _home.Path) }),
                TimeSpan.FromSeconds(30), CancellationToken.None);

        private void Authorize(string marker = "livemigrate-link-m1", string port = "-", string seconds = "3600", string bridge = "-") =>
            Run("authorize", marker, Key, seconds, port, bridge, Unpack, _images, _bundle);

        /// <summary>Stands for the page guard: says how it was asked to bridge.</summary>
        private string FakeBridge()
        {
            var bridge = _home.File("tools/page-guard-0123");
            Directory.CreateDirectory(Path.GetDirectoryName(bridge)!);
            File.WriteAllText(bridge, "#!/bin/sh\necho \"$*\"\n");
            ExternalTool.Run("chmod", "+x", bridge);
            return bridge;
        }

        private string[] Lines => File.ReadAllLines(_keys);

        /// <summary>The forced command of <paramref name="marker"/>'s line as sshd hands it to the shell.</summary>
        private string ForcedCommand(string marker = "livemigrate-link-m1") =>
            Regex.Match(Lines.Single(l => l.EndsWith(" " + marker)), "command=\"((?:[^\"\\\\]|\\\\.)*)\"").Groups[1].Value.Replace("\\\"", "\"");

        private CommandResult Session(string command, string requested, string? tarFile = null) =>
            new LocalHostSession().Run(new CommandLine("sh", "-c", "cd \"$1\" && SSH_ORIGINAL_COMMAND=\"$2\" && export SSH_ORIGINAL_COMMAND && exec sh -c \"$3\" < \"$4\"",
                "sh", _home.Path, requested, command, tarFile ?? "/dev/null"), TimeSpan.FromSeconds(20), CancellationToken.None);

        /// <summary>A tar file of <paramref name="members"/> (name, then "file:TEXT", "dir", "symlink:TARGET" or "hardlink:TARGET"), names as given.</summary>
        private string Tar(params (string name, string what)[] members)
        {
            var path = _home.File("stream-" + Guid.NewGuid().ToString("N") + ".tar");
            using (var stream = File.Create(path))
            using (var tar = new System.Formats.Tar.TarWriter(stream, System.Formats.Tar.TarEntryFormat.Gnu))
            {
                foreach (var (name, what) in members)
                {
                    var kind = what.Split(':')[0];
                    var value = what.Substring(kind.Length).TrimStart(':');
                    var type = kind switch
                    {
                        "dir" => System.Formats.Tar.TarEntryType.Directory,
                        "symlink" => System.Formats.Tar.TarEntryType.SymbolicLink,
                        "hardlink" => System.Formats.Tar.TarEntryType.HardLink,
                        _ => System.Formats.Tar.TarEntryType.RegularFile,
                    };
                    var entry = new System.Formats.Tar.GnuTarEntry(type, name);
                    if (kind == "file") entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(value));
                    if (kind == "symlink" || kind == "hardlink") entry.LinkName = value;
                    tar.WriteEntry(entry);
                }
            }
            return path;
        }

        private static string Rel(string path) => path.TrimStart('/');

        [Fact]
        public void Authorize_appends_one_line_that_only_unpacks_until_it_expires_and_forwards_nothing()
        {
            Authorize();

            Assert.Equal(Operator, Lines[0]);
            var line = Assert.Single(Lines.Skip(1));
            Assert.StartsWith("restrict,expiry-time=\"", line);
            Assert.DoesNotContain("port-forwarding", line);
            Assert.EndsWith(" " + Key + " livemigrate-link-m1", line);
            var expiry = DateTime.ParseExact(Regex.Match(line, "expiry-time=\"(\\d{14})Z\"").Groups[1].Value, "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(expiry, DateTime.UtcNow.AddMinutes(58), DateTime.UtcNow.AddMinutes(61));
        }

        // OpenSSH applies permitlisten/permitopen to TCP only: a key with port-forwarding could still forward Unix sockets.
        [Fact]
        public void A_post_copy_link_forwards_nothing_either()
        {
            Authorize(port: "26123", bridge: FakeBridge());

            var line = Lines[1];
            Assert.StartsWith("restrict,expiry-time=\"", line);
            foreach (var option in new[] { "port-forwarding", "permitlisten", "permitopen", "X11", "agent", "pty" })
                Assert.DoesNotContain(option, line, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void A_post_copy_link_s_pages_session_runs_its_bridge_on_its_port_for_no_longer_than_the_key_lives()
        {
            var bridge = FakeBridge();
            Authorize(port: "26123", bridge: bridge, seconds: "600");

            var result = Session(ForcedCommand(), "pages");

            Assert.True(result.ExitCode == 0, result.StandardError);
            var said = result.StandardOutput.Trim().Split(' ');
            Assert.Equal(new[] { "bridge", "26123" }, said.Take(2));
            Assert.InRange(int.Parse(said[2]), 590, 600);
        }

        [Theory]
        [InlineData("pages 22")]
        [InlineData("pages; touch PWNED")]
        [InlineData("pages /tmp/x.sock")]
        public void The_pages_session_takes_no_arguments(string requested)
        {
            Authorize(port: "26123", bridge: FakeBridge());

            var result = Session(ForcedCommand(), requested);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("refused", result.StandardError);
            Assert.False(File.Exists(_home.File("PWNED")));
        }

        [Fact]
        public void A_link_without_pages_refuses_a_pages_session()
        {
            Authorize();

            var result = Session(ForcedCommand(), "pages");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("carries no pages", result.StandardError);
        }

        [Theory]
        [InlineData("26123", "-", "needs its bridge")]
        [InlineData("-", "/usr/bin/true", "needs its bridge")]
        [InlineData("26123", "/srv/it's", "cannot be named in a forced command")]
        [InlineData("26123", "/nowhere/page-guard", "not an executable")]
        public void Refuses_a_page_port_without_a_bridge_it_can_name(string port, string bridge, string why)
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Authorize(port: port, bridge: bridge));

            Assert.Contains(why, ex.Message);
            Assert.Equal(new[] { Operator }, Lines);
        }

        [Fact]
        public void A_stop_link_s_memory_session_connects_its_bridge_to_the_page_server_as_a_page_client_and_forwards_nothing()
        {
            // The port guard makes the group on a real host; the bridge must run with it to pass the guard.
            ExternalTool.Run("sh", "-c", "getent group livemigrate-pages >/dev/null || groupadd --system livemigrate-pages");
            var bridge = FakeBridge();
            File.WriteAllText(bridge, "#!/bin/sh\necho \"$* $(id -gn) $(id -Gn)\"\n");
            Authorize(port: "open:21123", bridge: bridge, seconds: "600");

            Assert.StartsWith("restrict,expiry-time=\"", Lines[1]);
            Assert.DoesNotContain("permit", Lines[1]);
            var result = Session(ForcedCommand(), "memory");

            Assert.True(result.ExitCode == 0, result.StandardError);
            var said = result.StandardOutput.Trim().Split(' ');
            Assert.Equal(new[] { "connect", "21123" }, said.Take(2));
            Assert.InRange(int.Parse(said[2]), 590, 600);
            // Its group, and no other: root's supplementary groups are cleared.
            Assert.Equal(new[] { "livemigrate-pages", "livemigrate-pages" }, said.Skip(3));
        }

        [Theory]
        [InlineData("open:21123", "pages")]
        [InlineData("26123", "memory")]
        [InlineData("open:21123", "memory 22")]
        [InlineData("open:21123", "memory; touch PWNED")]
        public void A_link_carries_only_what_its_port_was_granted_for(string port, string requested)
        {
            Authorize(port: port, bridge: FakeBridge());

            var result = Session(ForcedCommand(), requested);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("refused", result.StandardError);
            Assert.False(File.Exists(_home.File("PWNED")));
        }

        [Theory]
        [InlineData("0")]
        [InlineData("65536")]
        [InlineData("*")]
        [InlineData("1,permitopen=\"*:*\"")]
        [InlineData("open:")]
        [InlineData("open:0")]
        [InlineData("open:1,permitopen=\"*:*\"")]
        public void Refuses_a_port_that_is_not_one_port(string port)
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Authorize(port: port, bridge: FakeBridge()));

            Assert.Contains("bad port", ex.Message);
            Assert.Equal(new[] { Operator }, Lines);
        }

        [Theory]
        [InlineData("unpack; touch PWNED")]
        [InlineData("sh")]
        [InlineData("unpack-incremental $(touch PWNED)")]
        [InlineData("")]
        public void The_forced_command_refuses_anything_but_its_four_words(string requested)
        {
            Authorize();

            var result = Session(ForcedCommand(), requested);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("refused", result.StandardError);
            Assert.False(File.Exists(_home.File("PWNED")));
        }

        [Fact]
        public void Unpacks_the_migrations_folders_and_nothing_else_of_the_stream()
        {
            Authorize();
            var stream = Tar(
                (Rel(_images) + "/pages-1.img", "file:memory"),
                (Rel(_outside) + "/passwd", "file:hacked"),
                (Rel(_images) + "/../../etc/shadow", "file:hacked"),
                ("/" + Rel(_outside) + "/abs", "file:hacked"));

            var result = Session(ForcedCommand(), "unpack none " + _images, stream);

            Assert.Equal("memory", File.ReadAllText(Path.Combine(_images, "pages-1.img")));
            Assert.Equal("root:x:0:0\n", File.ReadAllText(Path.Combine(_outside, "passwd")));
            Assert.Equal(new[] { "passwd" }, Directory.GetFileSystemEntries(_outside).Select(Path.GetFileName));
            Assert.False(Directory.Exists(_bundle), "a folder the stream does not carry is not made");
            Assert.Contains("contains '..'", result.StandardError);
        }

        [Theory]
        [InlineData("zstd")]
        [InlineData("lz4")]
        public void Decompresses_what_the_source_compressed_before_unpacking(string codec)
        {
            Authorize();
            var compressed = _home.File("stream.tar." + codec);
            ExternalTool.Run("sh", "-c", "exec \"$1\" -q -c < \"$2\" > \"$3\"", "sh", codec, Tar((Rel(_images) + "/pages-1.img", "file:memory")), compressed);

            var result = Session(ForcedCommand(), $"unpack {codec} {_images}", compressed);

            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Equal("memory", File.ReadAllText(Path.Combine(_images, "pages-1.img")));
        }

        [Theory]
        [InlineData("unpack {images}")]
        [InlineData("unpack sh {images}")]
        [InlineData("unpack --use-compress-program=sh {images}")]
        [InlineData("unpack-incremental gzip {images}")]
        public void Refuses_a_compression_it_does_not_name_itself(string requested)
        {
            Authorize();

            var result = Session(ForcedCommand(), requested.Replace("{images}", _images), Tar((Rel(_images) + "/x", "file:x")));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("refused", result.StandardError);
            Assert.False(File.Exists(Path.Combine(_images, "x")));
        }

        [Theory]
        [InlineData("unpack none {outside}")]
        [InlineData("unpack none {images}/../../etc")]
        [InlineData("unpack none {images} -- {outside}")]
        [InlineData("unpack none --to-command=sh {images}")]
        [InlineData("unpack none {images}x")]
        public void Refuses_paths_outside_its_folders_and_options(string requested)
        {
            Authorize();
            var stream = Tar((Rel(_outside) + "/passwd", "file:hacked"), (Rel(_images) + "/x", "file:echo hacked > " + _outside + "/passwd"));

            var result = Session(ForcedCommand(), requested.Replace("{outside}", _outside).Replace("{images}", _images), stream);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("refused", result.StandardError);
            Assert.Equal("root:x:0:0\n", File.ReadAllText(Path.Combine(_outside, "passwd")));
        }

        [Fact]
        public void Never_writes_through_a_symbolic_link_an_earlier_stream_left()
        {
            Authorize();
            // The bundle ahead (Delta) leaves a link out of the bundle; the stream in the freeze writes "through" it.
            Session(ForcedCommand(), "unpack none " + _bundle, Tar((Rel(_bundle) + "/rootfs", "dir"), (Rel(_bundle) + "/rootfs/evil", "symlink:" + _outside)));
            Assert.Equal(_outside, new FileInfo(Path.Combine(_bundle, "rootfs/evil")).LinkTarget);

            var result = Session(ForcedCommand(), "unpack none " + _bundle, Tar((Rel(_bundle) + "/rootfs/evil/passwd", "file:hacked")));

            Assert.NotEqual(0, result.ExitCode);
            Assert.Equal("root:x:0:0\n", File.ReadAllText(Path.Combine(_outside, "passwd")));
        }

        [Fact]
        public void Never_hard_links_a_file_from_outside_its_folders()
        {
            Authorize();

            var result = Session(ForcedCommand(), "unpack none " + _bundle, Tar((Rel(_bundle) + "/shadow", "hardlink:" + Rel(_outside) + "/passwd")));

            Assert.NotEqual(0, result.ExitCode);
            Assert.False(File.Exists(Path.Combine(_bundle, "shadow")));
            Assert.Equal("1", ExternalTool.Run("stat", "-c", "%h", Path.Combine(_outside, "passwd")).Trim());
        }

        [Fact]
        public void The_forced_command_refuses_once_the_key_has_expired_even_on_a_connection_made_before()
        {
            Authorize();
            var command = Regex.Replace(ForcedCommand(), "tree-unpack.sh link \\d{14}", "tree-unpack.sh link 20200101000000");

            var result = Session(command, "unpack none " + _images, Tar((Rel(_images) + "/x", "file:late")));

            Assert.Contains("expired", result.StandardError);
            Assert.False(Directory.Exists(_images));
        }

        [Fact]
        public void After_revoke_the_forced_command_of_a_connection_still_open_refuses()
        {
            Authorize();
            var command = ForcedCommand();

            Run("revoke", "livemigrate-link-m1");
            var result = Session(command, "unpack none " + _images, Tar((Rel(_images) + "/x", "file:late")));

            Assert.Contains("revoked", result.StandardError);
            Assert.False(Directory.Exists(_images));
        }

        [Fact]
        public void Revoke_ends_the_sshd_process_of_every_connection_the_key_made()
        {
            Authorize();
            // Stands for sshd's process of one connection: the forced command's parent, named sshd, alive until killed.
            var sshd = _home.File("bin/sshd");
            Directory.CreateDirectory(Path.GetDirectoryName(sshd)!);
            File.WriteAllText(sshd, "#!/bin/sh\nSSH_ORIGINAL_COMMAND=register sh -c \"$1\" && : > \"$2\"\nsleep 30\n");
            ExternalTool.Run("chmod", "+x", sshd);
            var psi = new ProcessStartInfo(sshd) { UseShellExecute = false };
            psi.ArgumentList.Add(ForcedCommand());
            psi.ArgumentList.Add(_home.File("registered"));
            using var connection = Process.Start(psi)!;
            try
            {
                var clock = Stopwatch.StartNew();
                while (!File.Exists(_home.File("registered")) && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(20);
                Assert.False(connection.HasExited);

                Run("revoke", "livemigrate-link-m1");

                Assert.True(connection.WaitForExit(5000), "the connection's sshd process outlived the revocation");
            }
            finally
            {
                if (!connection.HasExited) connection.Kill();
            }
        }

        // A login that becomes root: the forced command goes through sudo, which runs it as a child of its own, so the
        // connection's sshd process is the one the login shell names (LIVEMIGRATE_SSHD), not the unpacker's parent.
        [Fact]
        public void Through_sudo_revoke_still_ends_the_sshd_process_of_the_connection()
        {
            var bin = Directory.CreateDirectory(_home.File("bin")).FullName;
            File.WriteAllText(Path.Combine(bin, "sudo"), "#!/bin/sh\n[ \"$1 $2\" = '-n --' ] || exit 1\nshift 2\n\"$@\" &\nwait $!\n");
            var sshd = Path.Combine(bin, "sshd");
            File.WriteAllText(sshd, "#!/bin/sh\nSSH_ORIGINAL_COMMAND=register sh -c \"$1\" && : > \"$2\"\nsleep 30\n");
            ExternalTool.Run("chmod", "+x", sshd, Path.Combine(bin, "sudo"));
            var path = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            HostScript.Run(new LocalHostSession(), HostScript.Command("link-destination.sh", new[] { "authorize", "livemigrate-link-m1", Key, "3600", "-", "-", Unpack, _images })
                .WithEnvironment(new Dictionary<string, string> { ["HOME"] = _home.Path, ["PATH"] = path, ["LIVEMIGRATE_BECOME"] = "sudo" }), TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.StartsWith("exec sudo -n -- env LIVEMIGRATE_SSHD=$PPID \"SSH_ORIGINAL_COMMAND=$SSH_ORIGINAL_COMMAND\" sh -c ", ForcedCommand());
            var psi = new ProcessStartInfo(sshd) { UseShellExecute = false };
            psi.ArgumentList.Add(ForcedCommand());
            psi.ArgumentList.Add(_home.File("registered"));
            psi.Environment["PATH"] = path;
            using var connection = Process.Start(psi)!;
            try
            {
                var clock = Stopwatch.StartNew();
                while (!File.Exists(_home.File("registered")) && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(20);
                Assert.True(File.Exists(_home.File("registered")), "the connection did not register through sudo");

                HostScript.Run(new LocalHostSession(), HostScript.Command("link-destination.sh", new[] { "revoke", "livemigrate-link-m1" })
                    .WithEnvironment(new Dictionary<string, string> { ["HOME"] = _home.Path, ["LIVEMIGRATE_BECOME"] = "sudo" }), TimeSpan.FromSeconds(30), CancellationToken.None);

                Assert.True(connection.WaitForExit(5000), "the connection's sshd process outlived the revocation");
            }
            finally
            {
                if (!connection.HasExited) connection.Kill();
            }
        }

        [Fact]
        public void Revoke_writes_a_new_file_with_the_old_owner_and_mode_and_removes_only_its_own_line()
        {
            Authorize("livemigrate-link-m1");
            Authorize("livemigrate-link-m10");
            ExternalTool.Run("chmod", "640", _keys);
            var inode = ExternalTool.Run("stat", "-c", "%i", _keys);

            Run("revoke", "livemigrate-link-m1");

            Assert.Equal(2, Lines.Length);
            Assert.Equal(Operator, Lines[0]);
            Assert.EndsWith(" livemigrate-link-m10", Lines[1]);
            Assert.NotEqual(inode, ExternalTool.Run("stat", "-c", "%i", _keys));
            Assert.Equal("640 0", ExternalTool.Run("stat", "-c", "%a %u", _keys).Trim());
            Assert.Empty(Directory.GetFiles(_home.File(".ssh"), "authorized_keys.livemigrate.*"));
        }

        [Fact]
        public void Authorize_drops_the_expired_lines_of_earlier_links_and_nothing_else()
        {
            File.AppendAllText(_keys,
                "restrict,expiry-time=\"20200101000000Z\",command=\"true\" " + Key + " livemigrate-link-dead\n" +
                "restrict,expiry-time=\"20991231000000Z\",command=\"true\" " + Key + " livemigrate-link-alive\n" +
                "expiry-time=\"20200101000000Z\" " + Key + " someone-elses-expired-key\n");

            Authorize();

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
            var ex = Assert.Throws<InvalidOperationException>(() => Run("authorize", "livemigrate-link-m1", key, "3600", "-", "-", Unpack, _images));

            Assert.Contains("key", ex.Message);
            Assert.Equal(new[] { Operator }, Lines);
        }

        [Theory]
        [InlineData("/srv/it's")]
        [InlineData("/srv/a b")]
        [InlineData("/srv/a\"b")]
        [InlineData("relative")]
        public void Refuses_a_folder_the_forced_command_cannot_name_safely(string folder)
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Run("authorize", "livemigrate-link-m1", Key, "3600", "-", "-", Unpack, folder));

            Assert.Contains("cannot be named in a forced command", ex.Message);
            Assert.Equal(new[] { Operator }, Lines);
        }

        [Fact]
        public void Refuses_to_authorize_where_the_unpacking_cannot_be_confined()
        {
            // An unpack script whose probe fails stands for a host without nosymfollow or without root.
            var unconfinable = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("exit 1"));

            var ex = Assert.Throws<InvalidOperationException>(() => Run("authorize", "livemigrate-link-m1", Key, "3600", "-", "-", unconfinable, _images));

            Assert.Contains("cannot confine", ex.Message);
            Assert.Equal(new[] { Operator }, Lines);
        }

        [Theory]
        [InlineData("admin@desk")]
        [InlineData("livemigrate-link-")]
        [InlineData("livemigrate-link-m1 admin@desk")]
        [InlineData("livemigrate-link-../../x")]
        [InlineData("livemigrate-link-a;b")]
        public void Refuses_a_marker_that_is_not_a_links_whole(string marker)
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Run("revoke", marker));

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
