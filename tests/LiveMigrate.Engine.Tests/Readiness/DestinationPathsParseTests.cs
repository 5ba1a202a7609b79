using LiveMigrate.Readiness.Facts;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>DestinationPaths from the lines paths-check.sh echoes.</summary>
    public sealed class DestinationPathsParseTests
    {
        [Fact]
        public void Reads_missing_paths_with_spaces_and_the_bundle_s_file_system()
        {
            var p = DestinationPaths.Parse("bundle_exists=1\nmissing /srv/web data\nmissing /var/run/netns/web\n" +
                                           "bundle_dir=/var/lib/my bundles\nbundle_avail_kb=1000\nbundle_dev=64768\n");

            Assert.True(p.BundleExists);
            Assert.Equal(new[] { "/srv/web data", "/var/run/netns/web" }, p.Missing);
            Assert.Equal("/var/lib/my bundles", p.BundleDirectory);
            Assert.Equal(1000L * 1024, p.BundleFreeBytes);
            Assert.Equal("64768", p.BundleDevice);
        }

        [Fact]
        public void Nothing_missing_and_no_bundle_there()
        {
            var p = DestinationPaths.Parse(Given.PathsOutput());

            Assert.False(p.BundleExists);
            Assert.Empty(p.Missing);
        }

        [Fact]
        public void A_path_with_an_equals_sign_is_still_a_missing_path()
        {
            Assert.Equal(new[] { "/srv/key=value" }, DestinationPaths.Parse("missing /srv/key=value\n").Missing);
        }

        [Fact]
        public void Free_space_df_could_not_read_is_unknown()
        {
            Assert.Null(DestinationPaths.Parse("bundle_dir=/\nbundle_avail_kb=\nbundle_dev=\n").BundleFreeBytes);
        }
    }
}
