using System;
using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.PreCopy;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.PreCopy
{
    /// <summary>Invoke-ContainerPredump's engine: rounds staged on the destination while the container runs.</summary>
    public sealed class PredumpEngineTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();
        private readonly List<PreDumpRound> _seen = new();
        private readonly List<string> _said = new();

        public void Dispose() => _s.Dispose();

        private IReadOnlyList<PreDumpRound> Run() =>
            new PredumpEngine(_s.Transport, _s.Options).Run(MigrationScenario.Container, _s.Source, _s.Destination, _seen.Add, _said.Add, null, default);

        [Fact]
        public void Runs_rounds_until_they_converge_and_stages_each_on_the_destination()
        {
            _s.Options.PreCopy.MinPagesWritten = 1000;
            _s.Source.PagesPerRound.Clear();
            _s.Source.PagesPerRound.AddRange(new long[] { 16384, 4000, 900 });

            var rounds = Run();

            Assert.Equal(new long[] { 16384, 4000, 900 }, rounds.Select(r => r.PagesWritten));
            Assert.Equal(rounds, _seen);
            Assert.Equal(16384L * 4096, rounds[0].Bytes);
            Assert.Equal(new string?[] { null, null, "converged: round 3 wrote 900 pages, fewer than 1000" }, rounds.Select(r => r.StopReason));
            var root = $"{MigrationScenario.ImageRoot}/web-{rounds[0].PredumpId}";
            Assert.All(rounds, r => Assert.Equal(rounds[0].PredumpId, r.PredumpId));
            Assert.Equal(new[] { $"{root}/round-1", $"{root}/round-2 --parent-path {root}/round-1", $"{root}/round-3 --parent-path {root}/round-2" },
                _s.Source.CallsOf(HostOp.PreDump).Select(c => c.Argument));
            Assert.Equal(Enumerable.Range(1, 3).Select(n => new[] { $"{root}/round-{n}" }), _s.Transport.Copies);
            Assert.All(rounds, r => Assert.True(r.Transferred > 0));
            for (var n = 1; n <= 3; n++) Assert.True(_s.Destination.PathExists($"{root}/round-{n}/inventory.img"));
            Assert.True(_s.Source.IsRunning(MigrationScenario.Container));
            Assert.Empty(_s.Source.Locks);
        }

        [Fact]
        public void A_workload_that_keeps_dirtying_memory_stops_at_the_maximum()
        {
            _s.Options.PreCopy.MaxRounds = 3;
            _s.Options.PreCopy.MinShrinkPercent = 0;
            _s.Source.PagesPerRound.Clear();
            _s.Source.PagesPerRound.AddRange(new long[] { 16384, 8000, 7000, 6000 });

            var rounds = Run();

            Assert.Equal(3, rounds.Count);
            Assert.Equal("maximum of 3 rounds reached", rounds[^1].StopReason);
        }

        [Fact]
        public void Without_dirty_tracking_it_names_the_kernel_feature_and_leaves_nothing()
        {
            _s.Source.NoDirtyTracking = true;

            var ex = Assert.Throws<NotSupportedException>(() => Run());

            Assert.Contains("CONFIG_MEM_SOFT_DIRTY", ex.Message);
            Assert.Contains("CRIU is missing features", ex.Message);
            Assert.True(_s.Source.IsRunning(MigrationScenario.Container));
            Assert.Empty(_s.Source.FilesUnder(MigrationScenario.ImageRoot));
            Assert.Empty(_s.Source.FilesUnder(_s.Options.LockRoot));
            Assert.Empty(_s.Destination.FilesUnder(MigrationScenario.ImageRoot));
            Assert.Empty(_seen);
        }

        [Fact]
        public void A_container_being_migrated_is_not_pre_dumped()
        {
            _s.Source.Locks[_s.Options.LockRoot + "/web"] = "migration x";

            Assert.Contains("migration x", Assert.Throws<InvalidOperationException>(() => Run()).Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.PreDump));
        }
    }
}
