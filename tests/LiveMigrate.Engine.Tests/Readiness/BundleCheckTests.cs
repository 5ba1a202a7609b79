using System.Linq;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class BundleCheckTests
    {
        private static System.Collections.Generic.List<ReadinessResult> Rows(string paths, string config = Config) =>
            Container(config: config, paths: paths).Judge().Rows(ContainerChecks.Bundle, Dst);

        [Fact]
        public void Everything_config_json_needs_there_passes_and_counts_it()
        {
            Assert.Single(Rows(PathsOutput())).Is(ReadinessStatus.Pass, "moves with the bundle (10 MiB); 2 bind-mount source(s), 1 namespace path(s) and 1 device(s)");
        }

        [Fact]
        public void A_bundle_already_on_the_destination_fails()
        {
            Assert.Single(Rows("bundle_exists=1\n" + PathsOutput())).Is(ReadinessStatus.Fail, BundlePath + " already exists there", "Remove " + BundlePath + " on dst");
        }

        [Fact]
        public void Each_kind_of_missing_path_is_one_fail_row_listing_them()
        {
            var rows = Rows(PathsOutput(missing: new[] { "/srv/web data", "/etc/resolv.conf", "/var/run/netns/web", "/dev/fuse" }));

            // The network namespace at a path is not among them: the migration rebuilds it on the destination.
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.Equal(ReadinessStatus.Fail, r.Status));
            rows[0].Is(ReadinessStatus.Fail, "bind-mount source /srv/web data, bind-mount source /etc/resolv.conf", "at the same paths");
            rows[1].Is(ReadinessStatus.Fail, "device /dev/fuse", "linux.devices");
            Assert.DoesNotContain(rows, r => r.Detail.Contains("/var/run/netns/web"));
        }

        [Fact]
        public void A_root_outside_the_bundle_must_be_there()
        {
            var config = "{\"root\":{\"path\":\"/srv/rootfs/web\"}}";

            Assert.Single(Rows(PathsOutput(), config)).Is(ReadinessStatus.Pass, "The rootfs /srv/rootfs/web is there");
            Assert.Single(Rows(PathsOutput(missing: new[] { "/srv/rootfs/web" }), config))
                .Is(ReadinessStatus.Fail, "/srv/rootfs/web is outside the bundle", "same path");
        }

        [Theory]
        [InlineData("{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"mode=1777\"]},", "")]
        [InlineData("{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"ro\"]},", "read-only")]
        [InlineData("", "read-only")]
        public void A_read_only_root_needs_a_writable_tmp_for_CRIU_4_2_restores(string tmpMount, string failure)
        {
            var config = Config.Replace("{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"mode=1777\"]},", tmpMount);
            var rows = Rows(PathsOutput(), config);
            if (failure.Length == 0) Assert.Single(rows).Is(ReadinessStatus.Pass);
            else Assert.Single(rows).Is(ReadinessStatus.Fail, "The root file system is read-only and nothing writable is mounted at /tmp", "tmpfs mount at /tmp");
            Assert.Equal(failure.Length > 0, !config.Contains("mode=1777"));
        }

        [Fact]
        public void A_paths_probe_that_failed_is_a_fail_row()
        {
            var e = Container();
            e.DestinationPaths = Broken<LiveMigrate.Readiness.Facts.DestinationPaths>("/x/config.json on src cannot be read: bad json");

            Assert.Single(e.Judge().Rows(ContainerChecks.Bundle, Dst)).Is(ReadinessStatus.Fail, "Could not be checked: /x/config.json");
        }
    }
}
