using System;
using System.IO;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Clone
{
    /// <summary>checkpoint-expand.sh run by a real /bin/sh on a checkpoint folder made here: checksums first, then a new bundle.</summary>
    public sealed class CheckpointExpandScriptTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly string _checkpoint;

        public CheckpointExpandScriptTests()
        {
            // A checkpoint as checkpoint-save.sh leaves it: images/, bundle.tar of the bundle folder "web", SHA256SUMS.
            _checkpoint = _dir.File("snap");
            Directory.CreateDirectory(Path.Combine(_checkpoint, "images"));
            File.WriteAllText(Path.Combine(_checkpoint, "images", "pages-1.img"), "memory");
            var web = Directory.CreateDirectory(_dir.File("web")).FullName;
            File.WriteAllText(Path.Combine(web, "config.json"), "{}");
            ExternalTool.Run("tar", "-C", _dir.Path, "-cf", Path.Combine(_checkpoint, "bundle.tar"), "web");
            ExternalTool.Run("sh", "-c", "cd \"$1\" && sha256sum images/pages-1.img bundle.tar > SHA256SUMS", "sh", _checkpoint);
        }

        public void Dispose() => _dir.Dispose();

        private CommandResult Expand(string bundle) =>
            HostScript.Run(new LocalHostSession(), HostScript.Command("checkpoint-expand.sh", new[] { _checkpoint, bundle }), TimeSpan.FromSeconds(30), CancellationToken.None);

        [Fact]
        public void Unpacks_the_bundle_under_the_new_name()
        {
            var clone = _dir.File("web-2");

            Expand(clone);

            Assert.Equal("{}", File.ReadAllText(Path.Combine(clone, "config.json")));
        }

        [Fact]
        public void Refuses_a_checkpoint_that_no_longer_matches_its_checksums_and_creates_nothing()
        {
            File.AppendAllText(Path.Combine(_checkpoint, "images", "pages-1.img"), "!");
            var clone = _dir.File("web-2");

            var ex = Assert.Throws<InvalidOperationException>(() => Expand(clone));

            Assert.Contains("does not match its SHA256SUMS", ex.Message);
            Assert.Contains("pages-1.img", ex.Message);
            Assert.False(Directory.Exists(clone));
        }

        [Fact]
        public void Never_writes_over_an_existing_bundle()
        {
            var existing = Directory.CreateDirectory(_dir.File("web-2")).FullName;

            var ex = Assert.Throws<InvalidOperationException>(() => Expand(existing));

            Assert.Contains("exists already", ex.Message);
        }

        [Fact]
        public void Refuses_a_folder_that_is_not_a_checkpoint()
        {
            File.Delete(Path.Combine(_checkpoint, "SHA256SUMS"));

            var ex = Assert.Throws<InvalidOperationException>(() => Expand(_dir.File("web-2")));

            Assert.Contains("is not a checkpoint", ex.Message);
        }
    }
}
