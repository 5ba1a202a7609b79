using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using LiveMigrate.Readiness.Facts;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    public sealed class NetworkLockCheckTests
    {
        private static ReadinessResult Judge(System.Action<HostFacts> change)
        {
            var e = TwoHosts();
            e.Source.Facts = Found(Facts(change));
            return e.Judge().Row(HostChecks.NetworkLock, Src);
        }

        [Fact]
        public void The_default_iptables_lock_passes_where_iptables_restore_runs()
        {
            Judge(f => f.NetworkLock = null).Is(ReadinessStatus.Pass, "iptables-restore v1.8.9");
        }

        [Fact]
        public void The_iptables_lock_without_iptables_fails_naming_both_fixes()
        {
            var row = Judge(f => { f.IptablesWorks = false; f.IptablesVersion = null; f.Features[CriuFeature.NftablesLock] = 1; })
                .Is(ReadinessStatus.Fail, "not found", "apt-get install iptables");

            Assert.Contains("network-lock nftables", row.Remedy);
            Assert.Contains("does not support it", row.Remedy);
        }

        [Fact]
        public void An_nftables_lock_passes_where_criu_supports_it_even_without_iptables()
        {
            Judge(f => { f.NetworkLock = "nftables"; f.IptablesWorks = false; }).Is(ReadinessStatus.Pass, "nftables");
        }

        [Fact]
        public void An_nftables_lock_criu_cannot_do_fails()
        {
            Judge(f => { f.NetworkLock = "nftables"; f.Features[CriuFeature.NftablesLock] = 1; })
                .Is(ReadinessStatus.Fail, "does not support", "install iptables");
        }

        [Fact]
        public void Skipping_the_lock_warns()
        {
            Judge(f => f.NetworkLock = "skip").Is(ReadinessStatus.Warn, "'skip'", "network-lock iptables");
        }
    }
}
