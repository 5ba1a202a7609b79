using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Readiness;
using LiveMigrate.Readiness.Checks;
using Xunit;
using static LiveMigrate.Tests.Readiness.Given;

namespace LiveMigrate.Tests.Readiness
{
    /// <summary>How ReadinessChecker runs the probes: concurrently per host, failures as rows, bandwidth alone at the end.</summary>
    public sealed class ReadinessCheckerTests
    {
        private readonly ReadinessHost _source = Reachable(Src), _destination = Reachable(Dst);
        private readonly FakeReadinessProbe _probe;
        private readonly ReadinessChecker _checker;

        public ReadinessCheckerTests()
        {
            _probe = new FakeReadinessProbe(_source.Session!);
            _checker = new ReadinessChecker(_probe);
        }

        private IReadOnlyList<ReadinessResult> Run(string? container = Web, ReadinessHost? destination = null, CancellationToken ct = default) =>
            _checker.Run(new ReadinessRequest { ContainerName = container }, _source, destination ?? _destination, ct);

        private List<string> Began() => _probe.Log.Where(l => l.StartsWith("begin ")).Select(l => l.Substring(6)).ToList();

        [Fact]
        public void Both_hosts_are_probed_at_the_same_time()
        {
            using var bothThere = new Barrier(2);
            var met = new ConcurrentBag<bool>();
            _probe.OnFacts = host =>
            {
                met.Add(bothThere.SignalAndWait(TimeSpan.FromSeconds(10)));
                return Facts();
            };

            Run(container: null);

            Assert.Equal(new[] { true, true }, met);
        }

        [Fact]
        public void Everything_passes_for_healthy_hosts_and_container()
        {
            var rows = Run();

            Assert.All(rows, r => r.Is(ReadinessStatus.Pass));
            Assert.Equal(new[] { "/srv/web data", "/etc/resolv.conf", "/var/run/netns/web", "/dev/fuse" }, _probe.CheckedPaths);
        }

        [Fact]
        public void The_canary_is_not_run_where_runc_or_criu_is_missing()
        {
            _probe.OnFacts = host => Facts(f => { if (host == Src) f.RuncVersion = null; else f.CriuVersion = null; });

            var rows = Run(container: null);

            Assert.DoesNotContain(Began(), p => p.StartsWith("Canary"));
            rows.Row(HostChecks.Canary, Src).Is(ReadinessStatus.Skipped, "runc or CRIU is missing");
            rows.Row(HostChecks.Canary, Dst).Is(ReadinessStatus.Skipped);
        }

        [Fact]
        public void NoCanary_runs_no_throwaway_container_and_says_so()
        {
            var rows = _checker.Run(new ReadinessRequest { ContainerName = Web, NoCanary = true }, _source, _destination, default);

            Assert.DoesNotContain(Began(), p => p.StartsWith("Canary"));
            rows.Row(HostChecks.Canary, Src).Is(ReadinessStatus.Skipped, "-NoCanary");
            rows.Row(HostChecks.Canary, Dst).Is(ReadinessStatus.Skipped, "-NoCanary");
            rows.Row(HostChecks.Tools, Src).Is(ReadinessStatus.Pass);
        }

        [Fact]
        public void A_probe_that_throws_is_a_fail_row_and_the_other_probes_still_run()
        {
            _probe.OnFacts = host => host == Dst ? throw new InvalidOperationException("sh: 1: stat: Permission denied") : Facts();

            var rows = Run();

            rows.Row(HostChecks.Tools, Dst).Is(ReadinessStatus.Fail, "Could not be checked: sh: 1: stat: Permission denied", "run Test-MigrationReadiness again");
            rows.Row(HostChecks.Tools, Src).Is(ReadinessStatus.Pass);
            rows.Row(HostChecks.Canary, Src).Is(ReadinessStatus.Pass);
            Assert.Contains("CheckPaths dst", Began());
            Assert.Contains("MeasureBandwidth", Began());
        }

        [Fact]
        public void The_bandwidth_and_the_memory_sample_are_measured_alone_after_every_other_probe_ended()
        {
            _probe.OnCanary = (_, _) => { Thread.Sleep(150); return CanaryOk(); };

            Run();

            var log = _probe.Log.ToList();
            Assert.Equal(new[] { "begin MeasureBandwidth", "end MeasureBandwidth", "begin SampleCompression", "end SampleCompression" }, log.Skip(log.Count - 4));
            Assert.Equal(log.Count / 2, log.Count(l => l.StartsWith("end ")));
        }

        [Theory]
        [InlineData(LiveMigrate.Transfer.StreamCompression.None, false)]
        [InlineData(LiveMigrate.Transfer.StreamCompression.Zstd, true)]
        [InlineData(LiveMigrate.Transfer.StreamCompression.Auto, true)]
        public void The_memory_is_sampled_unless_the_streams_go_uncompressed(LiveMigrate.Transfer.StreamCompression asked, bool sampled)
        {
            _checker.Run(new ReadinessRequest { ContainerName = Web, Compression = asked }, _source, _destination, default);

            Assert.Equal(sampled, Began().Contains("SampleCompression"));
            // The tasks the inspection listed: no second runc ps on the source.
            if (sampled) Assert.Equal(new[] { 4242, 4250 }, _probe.SampledPids);
        }

        [Fact]
        public void Without_a_container_name_no_container_is_probed_or_judged()
        {
            var rows = Run(container: null);

            Assert.DoesNotContain(Began(), p => p.StartsWith("State") || p.StartsWith("Inspect") || p.StartsWith("CheckPaths"));
            var containerChecks = new[] { ContainerChecks.Container, ContainerChecks.Bundle, BundleSyncChoice.Check, CompressionChoice.Check, ContainerChecks.Processes, CapacityChecks.FreeSpace, CapacityChecks.Downtime };
            Assert.DoesNotContain(rows, r => containerChecks.Contains(r.Check));
        }

        [Fact]
        public void An_unreachable_destination_gets_no_probes_and_the_source_is_still_checked()
        {
            var rows = Run(destination: Unreachable(Dst, new TimeoutException("Connection timed out")));

            Assert.Equal(new[] { "Access src", "Canary src", "Facts src", "Ping src" }, Began().OrderBy(p => p));
            rows.Row(HostChecks.Ssh, Dst).Is(ReadinessStatus.Fail, "Connection timed out");
            rows.Row(HostChecks.Canary, Src).Is(ReadinessStatus.Pass);
        }

        [Fact]
        public void Cancelling_while_a_probe_blocks_throws()
        {
            using var cts = new CancellationTokenSource();
            _probe.OnCanary = (host, ct) =>
            {
                if (host == Src) cts.Cancel();
                ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
                ct.ThrowIfCancellationRequested();
                return CanaryOk();
            };

            Assert.ThrowsAny<OperationCanceledException>(() => Run(ct: cts.Token));
            Assert.DoesNotContain("MeasureBandwidth", Began());
        }

        [Fact]
        public void The_bandwidth_s_stream_is_made_ready_beside_the_other_probes_and_removed_once()
        {
            _probe.OnCanary = (_, _) => { Thread.Sleep(150); return CanaryOk(); };

            Run();

            var log = _probe.Log.ToList();
            Assert.True(log.IndexOf("end PrepareBandwidth") < log.IndexOf("end Canary src"), "made ready while the canaries ran");
            Assert.Equal(1, _probe.BandwidthSamplesDisposed);
        }

        [Fact]
        public void A_stream_that_could_not_be_made_ready_leaves_the_bandwidth_unmeasured_with_its_reason()
        {
            _probe.OnPrepareBandwidth = () => throw new InvalidOperationException("the direct link could not be made");

            var rows = Run();

            Assert.DoesNotContain("MeasureBandwidth", Began());
            rows.Row(CapacityChecks.Downtime, Pair).Is(ReadinessStatus.Skipped, "bandwidth");
        }

        [Fact]
        public void Cancelled_while_the_stream_is_made_ready_it_is_still_removed()
        {
            using var cts = new CancellationTokenSource();
            _probe.OnCanary = (host, ct) => { if (host == Src) cts.Cancel(); return CanaryOk(); };

            Assert.ThrowsAny<OperationCanceledException>(() => Run(ct: cts.Token));
            Assert.Equal(1, _probe.BandwidthSamplesDisposed);
        }

        [Fact]
        public void ProbeFinished_is_raised_once_per_probe()
        {
            var finished = new System.Collections.Concurrent.ConcurrentQueue<string>();
            _checker.ProbeFinished += finished.Enqueue;
            Run();

            // Ping, root access, facts and canary on each host, CPU, the container's state on each host, its processes, the paths, its network
            // (config.json names a network namespace path), the bandwidth's stream made ready and then timed, the memory sample (-Compress Auto).
            Assert.Equal(17, Began().Count);
            Assert.Equal(Began().Count, finished.Count);
            Assert.Contains("bandwidth src -> dst", finished);
            Assert.Equal(finished.Count, finished.Distinct().Count());
        }

        [Fact]
        public void Results_come_in_check_order_source_before_destination()
        {
            var rows = Run();

            Assert.Equal(new[] { (HostChecks.Ssh, Src), (HostChecks.Ssh, Dst) }, rows.Take(2).Select(r => (r.Check, r.Host)));
            Assert.Equal(new[]
            {
                HostChecks.Ssh, HostChecks.Access, HostChecks.Tools, HostChecks.CriuCheck, HostChecks.PostCopy, HostChecks.PreCopy, HostChecks.NetworkLock, HostChecks.Canary,
                PairChecks.Cpu, PairChecks.Platform, ContainerChecks.Container, ContainerChecks.Bundle, BundleSyncChoice.Check, CompressionChoice.Check, RestoreChoice.Check, StreamChoice.Check, ContainerChecks.Processes, CapacityChecks.FreeSpace, CapacityChecks.Downtime,
            }, rows.Select(r => r.Check).Distinct());
            foreach (var check in new[] { HostChecks.Tools, HostChecks.CriuCheck, HostChecks.Canary, ContainerChecks.Container, CapacityChecks.FreeSpace })
            {
                var hosts = rows.Where(r => r.Check == check).Select(r => r.Host).ToList();
                Assert.True(hosts.IndexOf(Src) < hosts.IndexOf(Dst), $"{check}: {string.Join(", ", hosts)}");
            }
        }
    }
}
