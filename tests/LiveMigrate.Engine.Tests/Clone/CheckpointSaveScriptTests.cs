using System;
using System.IO;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;
using LiveMigrate.Tests.Readiness;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Clone
{
    /// <summary>checkpoint-save.sh run by a real /bin/sh with a fake runc: what it archives of the bundle.</summary>
    public sealed class CheckpointSaveScriptTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly FakeRunc _runc = new FakeRunc(checkpoint: "mkdir -p \"$5\" && echo memory > \"$5/pages-1.img\"");

        public void Dispose()
        {
            _runc.Dispose();
            _dir.Dispose();
        }

        [Fact]
        public void A_bundle_folder_named_like_an_option_is_archived_as_a_name()
        {
            // Before "--", tar read this as its --version option: it printed its version and archived nothing.
            var bundle = Directory.CreateDirectory(_dir.File("--version")).FullName;
            File.WriteAllText(Path.Combine(bundle, "config.json"), "{}");
            var checkpoint = _dir.File("snap");

            HostScript.Run(new LocalHostSession(), HostScript.Command("checkpoint-save.sh", new[] { _runc.Path, "web", bundle, checkpoint }),
                TimeSpan.FromSeconds(30), CancellationToken.None);

            Assert.Contains("--version/config.json", ExternalTool.Run("tar", "-tf", Path.Combine(checkpoint, "bundle.tar")));
        }
    }
}
