using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Runc;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class ContainerCheckTests
    {
        [Fact]
        public void A_running_container_on_the_source_and_none_on_the_destination_pass()
        {
            var rows = Container().Judge();

            rows.Row(ContainerChecks.Container, Src).Is(ReadinessStatus.Pass, "pid 4242, bundle " + BundlePath);
            rows.Row(ContainerChecks.Container, Dst).Is(ReadinessStatus.Pass, "No container named web");
        }

        [Fact]
        public void No_such_container_on_the_source_fails_and_its_probes_are_skipped()
        {
            var e = Container();
            e.Source.Container = Found<ContainerInfo?>(null);
            e.ContainerFacts = Outcome<LiveMigrate.Readiness.Facts.ContainerFacts>.NotRun;
            e.Bundle = null;
            e.DestinationPaths = Outcome<LiveMigrate.Readiness.Facts.DestinationPaths>.NotRun;

            var rows = e.Judge();

            rows.Row(ContainerChecks.Container, Src).Is(ReadinessStatus.Fail, "No container named web", "Get-Container -Host src");
            rows.Row(ContainerChecks.Bundle, Dst).Is(ReadinessStatus.Skipped, "not found running on the source");
            rows.Row(ContainerChecks.Processes, Src).Is(ReadinessStatus.Skipped);
            rows.Row(CapacityChecks.FreeSpace, Pair).Is(ReadinessStatus.Skipped);
            rows.Row(CapacityChecks.Downtime, Pair).Is(ReadinessStatus.Skipped);
        }

        [Theory]
        [InlineData(ContainerStatus.Paused, "runc resume web")]
        [InlineData(ContainerStatus.Stopped, "runc start web")]
        public void A_container_that_is_not_running_fails_with_how_to_run_it(ContainerStatus status, string fix)
        {
            var e = Container();
            e.Source.Container = Found<ContainerInfo?>(new ContainerInfo(Web, status, 0, BundlePath, null, Src));

            e.Judge().Row(ContainerChecks.Container, Src).Is(ReadinessStatus.Fail, $"web is {status}", fix);
        }

        [Fact]
        public void A_container_of_that_name_on_the_destination_fails()
        {
            var e = Container();
            e.Destination.Container = Found<ContainerInfo?>(new ContainerInfo(Web, ContainerStatus.Stopped, 0, BundlePath, null, Dst));

            e.Judge().Row(ContainerChecks.Container, Dst).Is(ReadinessStatus.Fail, "already exists there (Stopped)", "runc delete web");
        }

        [Fact]
        public void A_state_probe_that_failed_is_a_fail_row()
        {
            var e = Container();
            e.Destination.Container = Broken<ContainerInfo?>("runc: permission denied");

            e.Judge().Row(ContainerChecks.Container, Dst).Is(ReadinessStatus.Fail, "Could not be checked: runc: permission denied");
        }
    }
}
