using LiveMigrate.Migration;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>CRIU check, Post-copy and Pre-copy rows.</summary>
    public sealed class CriuFeatureCheckTests
    {
        private static ReadinessResult Judge(string check, string host, MigrationMode? mode, System.Action<HostFacts> change)
        {
            var e = TwoHosts(new ReadinessRequest { Mode = mode });
            e.Source.Facts = Found(Facts(change));
            e.Destination.Facts = Found(Facts(change));
            return e.Judge().Row(check, host);
        }

        [Fact]
        public void Criu_check_passes_with_its_output_without_warnings()
        {
            var row = Judge(HostChecks.CriuCheck, Src, null, f => f.CriuCheckOutput = new[] { "Warn  (criu/kerndat.c:1472): no nftables", "Looks good." });

            row.Is(ReadinessStatus.Pass);
            Assert.Equal("Looks good.", row.Detail);
        }

        [Fact]
        public void Criu_check_fails_with_what_it_said()
        {
            Judge(HostChecks.CriuCheck, Dst, null, f => { f.CriuCheckExitCode = 1; f.CriuCheckOutput = new[] { "Error (criu/cr-check.c:1100): Kernel doesn't support PTRACE_O_SUSPEND_SECCOMP" }; })
                .Is(ReadinessStatus.Fail, "PTRACE_O_SUSPEND_SECCOMP", "CONFIG_CHECKPOINT_RESTORE");
        }

        [Theory]
        [InlineData("5.4.0-150-generic", "x86_64", "kernel 5.4.0-150-generic is older than 5.6: the page guard needs pidfd_getfd", "Linux 5.6 or newer")]
        [InlineData("6.1.0-18-arm64", "aarch64", "an x86_64 program, and this host is aarch64", "an x86_64 destination")]
        public void Post_copy_fails_on_a_destination_the_page_guard_cannot_run_on(string kernel, string arch, string said, string why)
        {
            System.Action<HostFacts> old = f => { f.Kernel = kernel; f.Architecture = arch; };

            Judge(HostChecks.PostCopy, Dst, MigrationMode.PostCopy, old).Is(ReadinessStatus.Fail, said, why);
            Judge(HostChecks.PostCopy, Src, MigrationMode.PostCopy, old).Is(ReadinessStatus.Pass);
        }

        [Fact]
        public void Post_copy_passes_where_userfaultfd_and_large_pipes_are_there()
        {
            Judge(HostChecks.PostCopy, Dst, MigrationMode.PostCopy, _ => { }).Is(ReadinessStatus.Pass, "userfaultfd");
        }

        [Theory]
        [InlineData(MigrationMode.PostCopy, ReadinessStatus.Fail)]
        [InlineData(null, ReadinessStatus.Warn)]
        [InlineData(MigrationMode.Stop, ReadinessStatus.Skipped)]
        public void Post_copy_without_userfaultfd_matters_on_the_destination_only(MigrationMode? mode, ReadinessStatus expected)
        {
            System.Action<HostFacts> noUffd = f => f.Features[CriuFeature.PostCopy] = 1;

            Judge(HostChecks.PostCopy, Dst, mode, noUffd).Is(expected, "uffd-noncoop", "CONFIG_USERFAULTFD");
            Judge(HostChecks.PostCopy, Src, mode, noUffd).Is(ReadinessStatus.Pass);
        }

        [Fact]
        public void Post_copy_with_small_pipes_fails_on_either_host()
        {
            Judge(HostChecks.PostCopy, Src, MigrationMode.PostCopy, f => f.PipeMaxSize = 1048576)
                .Is(ReadinessStatus.Fail, "fs.pipe-max-size is 1048576", "sysctl -w fs.pipe-max-size=4194304");
        }

        [Fact]
        public void Post_copy_needs_bash_or_nc_on_the_source_only()
        {
            Judge(HostChecks.PostCopy, Src, MigrationMode.PostCopy, f => f.TcpClient = null)
                .Is(ReadinessStatus.Fail, "neither bash nor nc", "bash or nc on the source");
            Judge(HostChecks.PostCopy, Dst, MigrationMode.PostCopy, f => f.TcpClient = null).Is(ReadinessStatus.Pass);
            Judge(HostChecks.PostCopy, Src, MigrationMode.PostCopy, f => f.TcpClient = "nc").Is(ReadinessStatus.Pass);
        }

        [Fact]
        public void Pre_copy_passes_with_soft_dirty_tracking()
        {
            Judge(HostChecks.PreCopy, Src, null, _ => { }).Is(ReadinessStatus.Pass, "Soft-dirty");
        }

        [Fact]
        public void Pre_copy_without_soft_dirty_warns_when_no_mode_is_chosen()
        {
            Judge(HostChecks.PreCopy, Src, null, f => f.Features[CriuFeature.DirtyTracking] = 1)
                .Is(ReadinessStatus.Warn, "CONFIG_MEM_SOFT_DIRTY", "CONFIG_MEM_SOFT_DIRTY=y");
        }

        [Fact]
        public void Pre_copy_without_soft_dirty_is_skipped_for_mode_stop()
        {
            Judge(HostChecks.PreCopy, Dst, MigrationMode.Stop, f => f.Features.Remove(CriuFeature.DirtyTracking))
                .Is(ReadinessStatus.Skipped, "-Mode Stop does not need it");
        }
    
        [Fact]
        public void Pre_copy_without_soft_dirty_fails_on_the_source_for_mode_pre_copy()
        {
            Judge(HostChecks.PreCopy, Src, MigrationMode.PreCopy, f => f.Features[CriuFeature.DirtyTracking] = 1)
                .Is(ReadinessStatus.Fail, "CONFIG_MEM_SOFT_DIRTY", "-Mode Stop or PostCopy");
        }

        [Fact]
        public void Pre_copy_without_soft_dirty_is_skipped_on_the_destination_which_does_not_pre_dump()
        {
            Judge(HostChecks.PreCopy, Dst, MigrationMode.PreCopy, f => f.Features[CriuFeature.DirtyTracking] = 1)
                .Is(ReadinessStatus.Skipped, "only the source pre-dumps");
        }
    }
}
