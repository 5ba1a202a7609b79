using System.Linq;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>CPU and Platform: the destination against the source.</summary>
    public sealed class PlatformCheckTests
    {
        private static ReadinessResult PlatformRow(System.Action<HostFacts> destination, string about)
        {
            var e = TwoHosts();
            e.Destination.Facts = Found(Facts(destination));
            return e.Judge().Rows(PairChecks.Platform, Pair).Single(r => r.Detail.Contains(about));
        }

        [Fact]
        public void The_same_platform_passes_all_three_rows()
        {
            var rows = TwoHosts().Judge().Rows(PairChecks.Platform, Pair);

            Assert.Equal(3, rows.Count);
            Assert.All(rows, r => r.Is(ReadinessStatus.Pass));
        }

        [Fact]
        public void Another_architecture_fails()
        {
            PlatformRow(f => f.Architecture = "aarch64", "aarch64").Is(ReadinessStatus.Fail, "source is x86_64, the destination aarch64", "same architecture");
        }

        [Fact]
        public void Another_cgroup_version_fails()
        {
            PlatformRow(f => f.CgroupVersion = "v1", "cgroup").Is(ReadinessStatus.Fail, "the destination cgroup v1", "systemd.unified_cgroup_hierarchy");
        }

        [Fact]
        public void An_older_kernel_on_the_destination_warns()
        {
            PlatformRow(f => f.Kernel = "6.1.0-9-amd64", "Kernel").Is(ReadinessStatus.Warn, "6.1.0-9-amd64 on the destination", "same or a newer kernel");
        }

        [Fact]
        public void A_newer_kernel_on_the_destination_passes()
        {
            PlatformRow(f => f.Kernel = "6.12.48+deb13-amd64", "Kernel").Is(ReadinessStatus.Pass, "6.12.48+deb13-amd64");
        }

        [Fact]
        public void The_cpu_passes_when_the_destination_s_criu_accepts_it_and_fails_with_its_reason_otherwise()
        {
            var e = TwoHosts();
            TwoHosts().Judge().Row(PairChecks.Cpu, Pair).Is(ReadinessStatus.Pass, "accepts the CPU of src");

            e.Cpu = Found<string?>("Error (criu/cpu.c:92): CPU Feature avx512f not present");

            e.Judge().Row(PairChecks.Cpu, Pair).Is(ReadinessStatus.Fail, "avx512f", "same CPU model");
        }
    }
}
