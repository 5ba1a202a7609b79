using LiveMigrate.Readiness.Facts;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>
    /// Engine bug (Facts/BundleSpec.cs, RootInBundle): a relative root.path is joined to the bundle without normalising "..",
    /// so "../rootfs" counts as inside the bundle (it starts with "BUNDLE/"), is never checked on the destination, and does not move.
    /// </summary>
    public sealed class BundleRootParentBugTests
    {
        [Fact]
        public void A_relative_root_that_climbs_out_of_the_bundle_is_outside_it()
        {
            var spec = BundleSpec.Parse("{\"root\":{\"path\":\"../shared/rootfs\"}}", "/var/lib/livemigrate/bundles/web");

            Assert.False(spec.RootInBundle, $"{spec.RootPath} was taken as inside the bundle");
        }
    }
}
