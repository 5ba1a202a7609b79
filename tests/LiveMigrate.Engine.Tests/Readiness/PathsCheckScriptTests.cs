using System.IO;
using System.Threading;
using LiveMigrate.Hosts;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Facts;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>paths-check.sh run by /bin/sh on this machine through ReadinessProbe.CheckPaths, its output parsed for real.</summary>
    public sealed class PathsCheckScriptTests : System.IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly ReadinessProbe _probe = new ReadinessProbe(new ReadinessRequest());

        public void Dispose() => _dir.Dispose();

        private DestinationPaths Check(string bundle, params string[] paths) =>
            _probe.CheckPaths(new LocalHostSession(), bundle, paths, CancellationToken.None);

        [Fact]
        public void Lists_the_missing_paths_spaces_included_and_not_the_present_ones()
        {
            var present = Directory.CreateDirectory(_dir.File("web data")).FullName;
            File.WriteAllText(_dir.File("dev node"), "");
            var missing = _dir.File("no such dir");

            var p = Check(_dir.File("bundles/web"), present, missing, _dir.File("dev node"), _dir.File("gone"));

            Assert.Equal(new[] { missing, _dir.File("gone") }, p.Missing);
            Assert.False(p.BundleExists);
        }

        [Fact]
        public void The_bundle_s_file_system_is_its_nearest_existing_parent()
        {
            var p = Check(_dir.File("bundles/deeper/web"));

            Assert.Equal(_dir.Path, p.BundleDirectory);
            Assert.True(p.BundleFreeBytes > 0, "df gave no free space");
            Assert.False(string.IsNullOrEmpty(p.BundleDevice));
            Assert.Empty(p.Missing);
        }

        [Fact]
        public void A_bundle_already_there_is_reported()
        {
            var bundle = Directory.CreateDirectory(_dir.File("bundle with space")).FullName;

            var p = Check(bundle);

            Assert.True(p.BundleExists);
            Assert.Equal(_dir.Path, p.BundleDirectory);
        }
    }
}
