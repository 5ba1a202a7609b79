using System;
using System.IO;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
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
            var link = Directory.CreateDirectory(_dir.File("link")).FullName;
            File.WriteAllText(Path.Combine(link, "target"), "root@dst\n22\n");
            var bin = Directory.CreateDirectory(_dir.File("bin")).FullName;
            // The last argument is the remote command; the stream is kept as the destination would get it.
            File.WriteAllText(Path.Combine(bin, "ssh"), "#!/bin/sh\nfor a; do last=$a; done\nprintf '%s' \"$last\" > \"$0.asked\"\ncat > \"$0.tar\"\n");
            ExternalTool.Run("chmod", "+x", Path.Combine(bin, "ssh"));
            var tree = Directory.CreateDirectory(_dir.File("images/web-1")).FullName;
            File.WriteAllText(Path.Combine(tree, "pages-1.img"), "memory");
            var snapshot = Path.Combine(Directory.CreateDirectory(_dir.File("snap shot")).FullName, "bundle.snar");

            var result = new LocalHostSession().Run(new CommandLine("sh", "-c", "PATH=$1:$PATH; shift; exec sh -c \"$@\"", "sh", bin,
                HostScript.Text("link-source.sh"), "link-source.sh", "send", link, snapshot, tree), TimeSpan.FromSeconds(30), CancellationToken.None);

            Assert.True(result.Succeeded, result.StandardOutput + result.StandardError);
            Assert.True(File.Exists(snapshot), "tar kept its snapshot where it was told, space and all");
            Assert.Equal("unpack-incremental " + tree, File.ReadAllText(Path.Combine(bin, "ssh.asked")));
            Assert.Contains(tree.TrimStart('/') + "/pages-1.img", ExternalTool.Run("tar", "-tf", Path.Combine(bin, "ssh.tar")));
        }
    }
}
