using System;
using System.IO;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using LiveMigrate.Transfer;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    /// <summary>link-source.sh send and pages run by a real /bin/sh (and bash, GNU tar), with an ssh on PATH that stands for the destination.</summary>
    public sealed class LinkSourceScriptTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Sends_with_an_incremental_snapshot_whose_path_has_a_space_and_asks_for_the_absolute_paths()
        {
            var (result, bin, tree, snapshot) = Send(StreamCompression.None, snapshot: true);

            Assert.True(result.Succeeded, result.StandardOutput + result.StandardError);
            Assert.True(File.Exists(snapshot), "tar kept its snapshot where it was told, space and all");
            Assert.Equal("unpack-incremental none " + tree, File.ReadAllText(Path.Combine(bin, "ssh.asked")));
            Assert.Contains(tree.TrimStart('/') + "/pages-1.img", ExternalTool.Run("tar", "-tf", Path.Combine(bin, "ssh.tar")));
        }

        [Theory]
        [InlineData(StreamCompression.Zstd)]
        [InlineData(StreamCompression.Lz4)]
        public void Compresses_with_the_program_it_is_given_and_names_the_decompressor(StreamCompression codec)
        {
            var (result, bin, tree, _) = Send(codec, snapshot: false);

            Assert.True(result.Succeeded, result.StandardOutput + result.StandardError);
            var word = StreamCodec.Word(codec);
            Assert.Equal($"unpack {word} {tree}", File.ReadAllText(Path.Combine(bin, "ssh.asked")));
            // The totals count the tar stream before compression: what the progress bar and the rate speak of.
            Assert.Matches(@"Total bytes written: \d+", result.StandardOutput);
            Assert.Contains(tree.TrimStart('/') + "/pages-1.img",
                ExternalTool.Run("sh", "-c", "\"$1\" -d -q -c < \"$2\" | tar -tf -", "sh", word, Path.Combine(bin, "ssh.tar")));
        }

        [Fact]
        public async System.Threading.Tasks.Task Pages_connects_to_the_lazy_dump_only_once_the_destination_has_its_client_carries_both_ways_and_outlives_the_call()
        {
            var (link, bin) = Link();
            // The destination's forced command: listening ('L'), its client came ('C', once the test says so), then it
            // echoes what the source sends.
            File.WriteAllText(Path.Combine(bin, "ssh"), "#!/bin/sh\nfor a; do last=$a; done\nprintf '%s' \"$last\" > \"$0.asked\"\nprintf L\n" +
                "while [ ! -e \"$0.client\" ]; do sleep 0.05; done\nprintf C\nexec cat\n");
            ExternalTool.Run("chmod", "+x", Path.Combine(bin, "ssh"));
            var dump = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            dump.Start();
            try
            {
                var port = ((System.Net.IPEndPoint)dump.LocalEndpoint).Port;
                var started = Pages(bin, link, port.ToString(), "root", "60");

                Assert.True(started.Succeeded, started.StandardOutput + started.StandardError);
                Thread.Sleep(300);
                Assert.False(dump.Pending(), "the source connects before the destination's client came");
                File.WriteAllText(Path.Combine(bin, "ssh.client"), "");
                var accepted = dump.AcceptTcpClientAsync();
                Assert.True(await System.Threading.Tasks.Task.WhenAny(accepted, System.Threading.Tasks.Task.Delay(10000)) == accepted, "the source never connected to the lazy dump");
                using var client = await accepted;
                var stream = client.GetStream();
                stream.Write(new byte[] { 7, 0, 1, 2 }, 0, 4);
                var back = new byte[4];
                var read = 0;
                stream.ReadTimeout = 10000;
                while (read < 4) read += stream.Read(back, read, 4 - read);
                Assert.Equal(new byte[] { 7, 0, 1, 2 }, back);
                Assert.Equal("pages", File.ReadAllText(Path.Combine(bin, "ssh.asked")));

                Assert.True(Pages(bin, link, "unpages").Succeeded);
                Assert.Equal(0, stream.Read(back, 0, 4));
            }
            finally
            {
                dump.Stop();
                Pages(bin, link, "unpages");
            }
        }

        [Fact]
        public void Pages_fails_and_never_connects_when_the_destination_does_not_listen()
        {
            var (link, bin) = Link();
            File.WriteAllText(Path.Combine(bin, "ssh"), "#!/bin/sh\necho \"refused: this link carries no pages\" >&2\nexit 1\n");
            ExternalTool.Run("chmod", "+x", Path.Combine(bin, "ssh"));
            var dump = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            dump.Start();
            try
            {
                var result = Pages(bin, link, ((System.Net.IPEndPoint)dump.LocalEndpoint).Port.ToString(), "root", "60");

                Assert.Equal(1, result.ExitCode);
                Assert.Contains("error=the destination did not listen for the pages", result.StandardOutput);
                Assert.Contains("carries no pages", result.StandardOutput);
                Assert.False(dump.Pending());
            }
            finally { dump.Stop(); }
        }

        [Theory]
        [InlineData("22;x", "root", "60")]
        [InlineData("22", "root;x", "60")]
        [InlineData("", "root", "60")]
        [InlineData("22", "root", "1d")]
        [InlineData("22", "root", "0")]
        public void Pages_refuses_a_port_group_or_lifetime_that_is_not_one_word(string port, string group, string seconds)
        {
            var (link, bin) = Link();

            var result = Pages(bin, link, port, group, seconds);

            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith("error=bad ", result.StandardOutput);
        }

        [Fact]
        public void Memory_returns_once_the_guard_listens_hands_it_the_link_s_memory_session_outlives_the_call_and_unmemory_ends_it()
        {
            var (link, bin) = Link();
            // Stands for the page guard: says how it was run, listens ('L'), then waits as for the dump's connection.
            var guard = Path.Combine(bin, "page-guard");
            File.WriteAllText(guard, "#!/bin/sh\necho \"$*\" > \"$0.asked\"\nprintf L\nexec sleep 60\n");
            ExternalTool.Run("chmod", "+x", guard);

            var started = Pages(bin, link, "memory", "27001", guard, "60");

            Assert.True(started.Succeeded, started.StandardOutput + started.StandardError);
            var asked = File.ReadAllText(guard + ".asked").Trim().Split(' ');
            Assert.Equal(new[] { "listen", "27001", "60" }, asked.Take(3));
            // Then the link's session, through the master, asking for "memory" of the destination.
            Assert.Equal("ssh", asked[3]);
            Assert.Contains("ControlPath=" + link + "/ctl", asked);
            Assert.Equal("memory", asked.Last());
            var pid = File.ReadAllText(Path.Combine(link, "memory.pid")).Trim();
            Assert.True(Directory.Exists("/proc/" + pid), "the guard outlives the call");

            Assert.True(Pages(bin, link, "unmemory").Succeeded);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Directory.Exists("/proc/" + pid) && File.ReadAllText("/proc/" + pid + "/stat").Split(' ')[2] != "Z" && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.False(Directory.Exists("/proc/" + pid) && File.ReadAllText("/proc/" + pid + "/stat").Split(' ')[2] != "Z", "unmemory ends the guard");
        }

        [Theory]
        [InlineData("#!/bin/sh\necho 'page-bridge: listening on the page port: Address already in use' >&2\nexit 1\n", "Address already in use")]
        [InlineData(null, "is not an executable here")]
        public void Memory_fails_with_the_guard_s_reason_when_it_does_not_listen(string? script, string why)
        {
            var (link, bin) = Link();
            var guard = Path.Combine(bin, "page-guard");
            if (script != null)
            {
                File.WriteAllText(guard, script);
                ExternalTool.Run("chmod", "+x", guard);
            }

            var result = Pages(bin, link, "memory", "27001", guard, "60");

            Assert.NotEqual(0, result.ExitCode);
            Assert.StartsWith("error=", result.StandardOutput);
            Assert.Contains(why, result.StandardOutput);
            Assert.False(File.Exists(Path.Combine(link, "memory.pid")));
        }

        /// <summary>link-source.sh pages (or memory, named first; or unpages and unmemory, with no arguments) with the fake ssh of <paramref name="bin"/>.</summary>
        private static CommandResult Pages(string bin, string link, params string[] args) =>
            new LocalHostSession().Run(new CommandLine(new[] { "sh", "-c", "PATH=$1:$PATH; shift; exec sh -c \"$@\"", "sh", bin, HostScript.Text("link-source.sh"), "link-source.sh" }
                .Concat(args.Length == 1 ? new[] { args[0], link } : args[0] == "memory" ? new[] { "memory", link }.Concat(args.Skip(1)) : new[] { "pages", link }.Concat(args))), TimeSpan.FromSeconds(30), CancellationToken.None);

        private (string Link, string Bin) Link()
        {
            var link = Directory.CreateDirectory(_dir.File("link")).FullName;
            File.WriteAllText(Path.Combine(link, "target"), "root@dst\n22\n");
            return (link, Directory.CreateDirectory(_dir.File("bin")).FullName);
        }

        private (CommandResult Result, string Bin, string Tree, string Snapshot) Send(StreamCompression codec, bool snapshot)
        {
            var link = Directory.CreateDirectory(_dir.File("link")).FullName;
            File.WriteAllText(Path.Combine(link, "target"), "root@dst\n22\n");
            var bin = Directory.CreateDirectory(_dir.File("bin")).FullName;
            // The last argument is the remote command; the stream is kept as the destination would get it.
            File.WriteAllText(Path.Combine(bin, "ssh"), "#!/bin/sh\nfor a; do last=$a; done\nprintf '%s' \"$last\" > \"$0.asked\"\ncat > \"$0.tar\"\n");
            ExternalTool.Run("chmod", "+x", Path.Combine(bin, "ssh"));
            var tree = Directory.CreateDirectory(_dir.File("images/web-1")).FullName;
            File.WriteAllText(Path.Combine(tree, "pages-1.img"), "memory");
            var snapshotFile = Path.Combine(Directory.CreateDirectory(_dir.File("snap shot")).FullName, "bundle.snar");

            var args = DirectLink.SendArguments(link, new[] { tree }, snapshot ? snapshotFile : null, codec);
            var result = new LocalHostSession().Run(new CommandLine(new[] { "sh", "-c", "PATH=$1:$PATH; shift; exec sh -c \"$@\"", "sh", bin,
                HostScript.Text("link-source.sh"), "link-source.sh" }.Concat(args)), TimeSpan.FromSeconds(30), CancellationToken.None);
            return (result, bin, tree, snapshotFile);
        }
    }
}
