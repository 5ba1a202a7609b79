using System;
using System.IO;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Transfer
{
    /// <summary>tree-unpack.sh as the relay runs it: a real /bin/sh and GNU tar on a stream made by tar here.</summary>
    public sealed class TreeUnpackScriptTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        /// <summary>Packs <paramref name="inside"/> (a file in it) and a file beside it, as the source would: relative to /.</summary>
        private string Stream(string inside, string beside)
        {
            var src = Directory.CreateDirectory(_dir.File("src")).FullName;
            Directory.CreateDirectory(src + inside);
            File.WriteAllText(src + inside + "/pages-1.img", "memory");
            Directory.CreateDirectory(Path.GetDirectoryName(src + beside)!);
            File.WriteAllText(src + beside, "hacked");
            var tar = _dir.File("stream.tar");
            ExternalTool.Run("tar", "-C", src, "-cf", tar, inside.TrimStart('/'), beside.TrimStart('/'));
            return tar;
        }

        private CommandResult Unpack(string tar, string folder, params string[] runAs) =>
            new LocalHostSession().Run(new CommandLine(new[] { "sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", tar }
                .Concat(runAs).Concat(new[] { "sh", "-c", HostScript.Text("tree-unpack.sh"), "tree-unpack.sh", "full", "none", folder, "--", folder })),
                TimeSpan.FromSeconds(30), CancellationToken.None);

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Unpacks_only_its_folder_confined_or_where_the_host_cannot_confine_by_name(bool unprivileged)
        {
            var images = _dir.Path + "/images/web-1";
            var beside = _dir.Path + "/etc/passwd";
            var tar = Stream(images, beside);
            // Not root: no mount namespace, so the names are all that holds.
            var runAs = unprivileged ? new[] { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups" } : new string[0];
            if (unprivileged) ExternalTool.Run("chmod", "0777", _dir.Path);

            var result = Unpack(tar, images, runAs);

            Assert.True(result.Succeeded, result.StandardError);
            Assert.Equal("memory", File.ReadAllText(images + "/pages-1.img"));
            Assert.False(File.Exists(beside));
        }
    }
}
