using System.Text.Json;
using LiveMigrate.Readiness.Facts;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>What a config.json needs of the destination.</summary>
    public sealed class BundleSpecParseTests
    {
        private const string Bundle = "/var/lib/livemigrate/bundles/web";

        private static BundleSpec Root(string rootJson) => BundleSpec.Parse("{\"root\":" + rootJson + "}", Bundle);

        [Fact]
        public void A_relative_root_is_inside_the_bundle()
        {
            var spec = Root("{\"path\":\"rootfs\"}");

            Assert.Equal(Bundle + "/rootfs", spec.RootPath);
            Assert.True(spec.RootInBundle);
        }

        [Fact]
        public void Without_a_root_the_rootfs_folder_of_the_bundle_is_meant()
        {
            var spec = BundleSpec.Parse("{}", Bundle + "/");

            Assert.Equal(Bundle + "/rootfs", spec.RootPath);
            Assert.True(spec.RootInBundle);
        }

        [Theory]
        [InlineData(Bundle + "/rootfs", true)]
        [InlineData("/srv/images/web-rootfs", false)]
        // A sibling whose name starts with the bundle's is not inside it.
        [InlineData(Bundle + "-rootfs", false)]
        public void An_absolute_root_is_inside_the_bundle_only_below_it(string root, bool inside)
        {
            var spec = Root("{\"path\":\"" + root + "\"}");

            Assert.Equal(root, spec.RootPath);
            Assert.Equal(inside, spec.RootInBundle);
        }

        [Fact]
        public void Bind_mounts_by_type_or_by_option_with_absolute_sources_are_needed()
        {
            var spec = BundleSpec.Parse(
                "{\"mounts\":[" +
                "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}," +
                "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/web data\"}," +
                "{\"destination\":\"/etc/hosts\",\"source\":\"/etc/hosts\",\"options\":[\"bind\",\"ro\"]}," +
                "{\"destination\":\"/cache\",\"type\":\"none\",\"source\":\"/var/cache/web\",\"options\":[\"rbind\"]}," +
                "{\"destination\":\"/conf\",\"type\":\"bind\",\"source\":\"conf\"}," +
                "{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"/tmpfs-is-not-a-path\",\"options\":[\"nosuid\"]}]}", Bundle);

            Assert.Equal(new[] { "/srv/web data", "/etc/hosts", "/var/cache/web" }, spec.BindSources);
        }

        [Fact]
        public void Namespaces_to_join_and_devices_are_needed()
        {
            var spec = BundleSpec.Parse(Given.Config, Bundle);

            Assert.Equal(new[] { ("network", "/var/run/netns/web") }, spec.NamespacePaths);
            Assert.Equal(new[] { "/dev/fuse" }, spec.Devices);
            Assert.Equal(new[] { "/srv/web data", "/etc/resolv.conf" }, spec.BindSources);
        }

        [Fact]
        public void Config_that_is_not_json_throws_a_json_error()
        {
            Assert.ThrowsAny<JsonException>(() => BundleSpec.Parse("", Bundle));
        }
    }
}
