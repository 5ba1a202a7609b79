using LiveMigrate.Migration;
using LiveMigrate.Readiness;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>-LazyRestore: left out, lazy from <see cref="RestoreChoice.MinLazyBytes"/> where the destination can; asked, checked; refused, eager.</summary>
    public sealed class RestoreChoiceTests
    {
        private static ReadinessEvidence Evidence(long memoryKb, bool? asked, MigrationMode? mode = null, System.Action<LiveMigrate.Readiness.Facts.HostFacts>? destination = null)
        {
            var e = Container(new ReadinessRequest { Mode = mode, LazyRestore = asked }, inspect: InspectOutput(memoryKb, 1024, Config));
            e.Destination.Facts = Found(Facts(destination));
            return e;
        }

        [Theory]
        [InlineData(262144, "Lazy: -LazyRestore Auto chose it for 256 MiB of memory (from 256 MiB)", true)]
        [InlineData(262140, "Eager: -LazyRestore Auto chose it for 256 MiB of memory (below 256 MiB", false)]
        [InlineData(1048576, "Lazy: -LazyRestore Auto chose it for 1.0 GiB", true)]
        public void Auto_restores_lazily_from_the_threshold(long memoryKb, string detail, bool lazy)
        {
            var rows = Evidence(memoryKb, null).Judge();

            rows.Row(RestoreChoice.Check, Pair).Is(ReadinessStatus.Pass, detail);
            Assert.Equal(lazy, RestoreChoice.Chosen(rows));
        }

        [Fact]
        public void Auto_stays_eager_where_the_destination_cannot_restore_lazily()
        {
            var rows = Evidence(1048576, null, destination: f => f.Features.Remove(LiveMigrate.Readiness.Facts.CriuFeature.PostCopy)).Judge();

            rows.Row(RestoreChoice.Check, Pair).Is(ReadinessStatus.Pass, "Eager: -LazyRestore Auto chose it, as dst cannot restore lazily: no userfaultfd");
            Assert.False(RestoreChoice.Chosen(rows));
        }

        [Fact]
        public void Asked_where_the_destination_cannot_fails_with_the_way_out()
        {
            var rows = Evidence(65536, true, destination: f => f.Kernel = "5.4.0").Judge();

            rows.Row(RestoreChoice.Check, Pair).Is(ReadinessStatus.Fail, "Lazy: asked, and dst cannot restore lazily: kernel 5.4.0 is older than 5.6", "Leave -LazyRestore out");
        }

        [Fact]
        public void Asked_is_lazy_whatever_the_size_and_refused_is_eager()
        {
            Assert.True(RestoreChoice.Chosen(Evidence(1024, true).Judge()));
            var refused = Evidence(1048576, false).Judge();
            refused.Row(RestoreChoice.Check, Pair).Is(ReadinessStatus.Pass, "Eager: as asked (-LazyRestore:$false)");
            Assert.False(RestoreChoice.Chosen(refused));
        }

        [Fact]
        public void Post_copy_and_an_uninspected_container_choose_nothing()
        {
            Assert.Null(RestoreChoice.Chosen(Evidence(1048576, null, MigrationMode.PostCopy).Judge()));
            var e = Evidence(1048576, null);
            e.ContainerFacts = Outcome<LiveMigrate.Readiness.Facts.ContainerFacts>.NotRun;
            Assert.Null(RestoreChoice.Chosen(new[] { RestoreChoice.Row(e) }));
        }
    }
}
