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
    /// <summary>link-source.sh send run by a real /bin/sh and GNU tar, with an ssh on PATH that keeps the stream and the remote command.</summary>
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
