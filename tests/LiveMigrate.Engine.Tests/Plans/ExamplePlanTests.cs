using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveMigrate.Plans;
using LiveMigrate.Tests.Support;
using Xunit;

namespace LiveMigrate.Tests.Plans
{
    /// <summary>The plans in examples/plans are what users copy: each loads without a single problem.</summary>
    public sealed class ExamplePlanTests
    {
        public static IEnumerable<object[]> Examples =>
            Directory.GetFiles(RepositoryFiles.Path("examples/plans"), "*.yaml").Select(f => new object[] { Path.GetFileName(f) });

        [Fact]
        public void There_are_the_drain_and_rolling_move_examples()
        {
            Assert.Equal(new[] { "drain-host.yaml", "rolling-move.yaml" }, Examples.Select(e => (string)e[0]).OrderBy(n => n));
        }

        [Theory]
        [MemberData(nameof(Examples))]
        public void Each_example_validates_clean(string file)
        {
            var result = MigrationPlanLoader.Load(RepositoryFiles.Path(Path.Combine("examples/plans", file)));
            Assert.Empty(result.Problems);
            Assert.All(result.Plan!.Hosts, h => Assert.Equal("/var/lib/livemigrate-lab/client/known_hosts", h.KnownHostsPath));
        }

        [Fact]
        public void The_drain_empties_lm1_two_at_a_time_onto_lm2_and_lm3()
        {
            var plan = MigrationPlanLoader.Load(RepositoryFiles.Path("examples/plans/drain-host.yaml")).Plan!;
            var wave = Assert.Single(plan.Waves);
            Assert.Equal(2, wave.Throttle);
            Assert.All(wave.Migrations, m => Assert.Equal("lm1", m.Source.Name));
            Assert.Equal(new[] { "lm2", "lm3" }, wave.Migrations.Select(m => m.Destination.Name).Distinct().OrderBy(n => n));
        }

        [Fact]
        public void The_rolling_move_has_waves_of_one_or_two_that_roll_back()
        {
            var plan = MigrationPlanLoader.Load(RepositoryFiles.Path("examples/plans/rolling-move.yaml")).Plan!;
            Assert.All(plan.Waves, w =>
            {
                Assert.InRange(w.Migrations.Count, 1, 2);
                Assert.Equal(FailurePolicy.Rollback, w.FailurePolicy);
            });
        }
    }
}
