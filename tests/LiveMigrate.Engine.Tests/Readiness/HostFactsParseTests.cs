using LiveMigrate.Readiness.Facts;
using Xunit;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>HostFacts from the lines host-facts.sh echoes.</summary>
    public sealed class HostFactsParseTests
    {
        private const string Debian =
            "kernel=6.1.0-18-amd64\narch=x86_64\ncgroupfs=cgroup2fs\nrunc=1.1.5+ds1\ncriu=4.1.1\ncriu_check_rc=0\n" +
            "criu_check_line=Warn  (criu/kerndat.c:1472): CRIU was built without libnftables support\ncriu_check_line=Looks good.\n" +
            "feature_uffd-noncoop=0\nfeature_mem_dirty_track=1\nfeature_network_lock_nftables=0\n" +
            "network_lock=nftables\niptables=iptables-restore v1.8.9 (nf_tables)\niptables_rc=0\npipe_max_size=1048576\ntcp_client=bash\n" +
            "images_dir=/var/lib\nimages_avail_kb=2048\nimages_dev=2049\nwrite_us=250000\nwrite_kb=32768\n";

        [Fact]
        public void Reads_every_fact_of_a_healthy_host()
        {
            var f = HostFacts.Parse(Debian);

            Assert.Equal("6.1.0-18-amd64", f.Kernel);
            Assert.Equal("x86_64", f.Architecture);
            Assert.Equal("v2", f.CgroupVersion);
            Assert.Equal("1.1.5+ds1", f.RuncVersion);
            Assert.Equal("4.1.1", f.CriuVersion);
            Assert.Equal(0, f.CriuCheckExitCode);
            Assert.Equal(new[] { "Warn  (criu/kerndat.c:1472): CRIU was built without libnftables support", "Looks good." }, f.CriuCheckOutput);
            Assert.True(f.Supports(CriuFeature.PostCopy));
            Assert.False(f.Supports(CriuFeature.DirtyTracking));
            Assert.True(f.Supports(CriuFeature.NftablesLock));
            Assert.Equal("nftables", f.NetworkLock);
            Assert.Equal("iptables-restore v1.8.9 (nf_tables)", f.IptablesVersion);
            Assert.True(f.IptablesWorks);
            Assert.Equal(1048576, f.PipeMaxSize);
            Assert.Equal("bash", f.TcpClient);
            Assert.Equal("/var/lib", f.ImagesDirectory);
            Assert.Equal(2048L * 1024, f.ImagesFreeBytes);
            Assert.Equal("2049", f.ImagesDevice);
            // 32 MiB in a quarter of a second.
            Assert.Equal(32.0 * 1024 * 1024 * 4, f.WriteBytesPerSecond!.Value, 3);
        }

        [Fact]
        public void A_host_without_runc_criu_or_iptables_has_empty_values_read_as_absent()
        {
            // What the script prints when the tools are missing: empty values, no criu_check or feature lines, no write probe.
            var f = HostFacts.Parse("kernel=5.10.0-28-amd64\narch=aarch64\ncgroupfs=tmpfs\nrunc=\ncriu=\nnetwork_lock=\n" +
                                    "iptables=sh: 1: iptables-restore: not found\niptables_rc=127\npipe_max_size=\ntcp_client=\nimages_dir=/\nimages_avail_kb=\nimages_dev=\n");

            Assert.Equal("v1", f.CgroupVersion);
            Assert.Null(f.RuncVersion);
            Assert.Null(f.CriuVersion);
            Assert.Null(f.CriuCheckExitCode);
            Assert.Empty(f.CriuCheckOutput);
            Assert.Empty(f.Features);
            Assert.False(f.Supports(CriuFeature.PostCopy));
            Assert.Null(f.NetworkLock);
            Assert.False(f.IptablesWorks);
            Assert.Null(f.PipeMaxSize);
            Assert.Null(f.TcpClient);
            Assert.Null(f.ImagesFreeBytes);
            Assert.Null(f.ImagesDevice);
            Assert.Null(f.WriteBytesPerSecond);
        }

        [Fact]
        public void A_write_that_took_no_measurable_time_gives_no_rate()
        {
            Assert.Null(HostFacts.Parse("write_us=0\nwrite_kb=32768\n").WriteBytesPerSecond);
        }
    }
}
