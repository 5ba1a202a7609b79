using System.IO;
using System.Threading;
using LiveMigrate.Clone;
using LiveMigrate.Hosts;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Clone
{
    /// <summary>The checkpoint names completion offers: folders of the root with a checkpoint.json, listed by a real /bin/sh.</summary>
    public sealed class CheckpointStoreListTests
    {
        private static CheckpointStore Store(string root) =>
            new CheckpointStore(new RuncHost(new LocalHostSession(), new RuntimeOptions()), new RuntimeOptions(), root);

        [UnixFact]
        public void Lists_the_folders_that_hold_a_checkpoint_json_in_order()
        {
            using var root = new TempDirectory();
            foreach (var name in new[] { "web-2", "web-1", "db with space" })
            {
                Directory.CreateDirectory(root.File(name));
                File.WriteAllText(Path.Combine(root.File(name), "checkpoint.json"), "{}");
            }
            Directory.CreateDirectory(root.File("unfinished"));
            File.WriteAllText(root.File("stray.json"), "{}");

            // "db with space" breaks runc's name rule, so it is no checkpoint name to offer.
            Assert.Equal(new[] { "web-1", "web-2" }, Store(root.Path).List(CancellationToken.None));
        }

        [UnixFact]
        public void A_host_without_the_folder_has_none()
        {
            using var root = new TempDirectory();

            Assert.Empty(Store(root.File("never-made")).List(CancellationToken.None));
        }
    }
}
