using LiveMigrate.Hosts;
using Xunit;

namespace LiveMigrate.Tests.Hosts
{
    public sealed class HostPathSafeAbsoluteTests
    {
        [Theory]
        [InlineData("/var/lib/livemigrate/containers/web")]
        [InlineData("/srv/a-b/c-")]
        [InlineData("/x")]
        public void Accepts_absolute_normalized_paths(string path) => Assert.True(HostPath.IsSafeAbsolute(path));

        [Theory]
        [InlineData("/")]
        [InlineData("relative/path")]
        [InlineData("/a//b")]
        [InlineData("/a/./b")]
        [InlineData("/a/../b")]
        // Made relative for tar, or cut at its last '/', such a segment reads as an option.
        [InlineData("/-rf")]
        [InlineData("/srv/--use-compress-program=sh")]
        [InlineData("/srv/containers/-web")]
        public void Refuses_everything_else(string path) => Assert.False(HostPath.IsSafeAbsolute(path));
    }
}
