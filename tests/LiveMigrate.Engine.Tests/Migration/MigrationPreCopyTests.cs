using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.PreCopy;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>Pre-copy: rounds while the container runs, then a final dump of what changed on top of the last round.</summary>
    public sealed class MigrationPreCopyTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public MigrationPreCopyTests()
        {
            _s.Options.Mode = MigrationMode.PreCopy;
            _s.Options.PreCopy.MinPagesWritten = 1000;
        }

        public void Dispose() => _s.Dispose();

        private string PredumpLatest => _s.Options.LockRoot + "/web.predump";

        [Fact]
        public void Moves_memory_in_rounds_and_freezes_only_for_the_last_changes()
        {
            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(MigrationMode.PreCopy, result.Mode);
            var root = result.ImagePath!;
            Assert.Equal($"{MigrationScenario.ImageRoot}/web-{result.MigrationId}", root);
            Assert.Equal(result.MigrationId, result.PredumpId);
            // The fake writes 16384, 2048 and 512 pages: under 1000 ends the rounds.
            Assert.Equal(new long[] { 16384, 2048, 512 }, result.PreCopyRounds.Select(r => r.PagesWritten));
            Assert.Equal($"web --parent-path {root}/round-3", _s.Source.CallsOf(HostOp.Checkpoint).Single().Argument);
            Assert.Equal(100, result.FinalPagesWritten);
            Assert.Equal(16384 + 2048 + 512 + 100, result.PagesMoved);
            // Three rounds while it ran, then only the final dump and the bundle while frozen.
            Assert.Equal(new[] { $"{root}/final", MigrationScenario.Bundle }, _s.Transport.Copies.Last());
            Assert.Equal(4, _s.Transport.Copies.Count);
            Assert.Equal($"{root}/final", _s.Destination.RestoredFrom);
            Assert.Equal(new[] { "Prepare", "PreDump", "Checkpoint", "Transfer", "Restore", "Verify", "Cleanup" },
                _s.Observer.PhaseEvents.Where(e => e.StartsWith("Started ")).Select(e => e.Substring(8)));
            Assert.True(result.PreDumpTime > TimeSpan.Zero);
            Assert.Empty(_s.Source.FilesUnder(root));
            Assert.Empty(_s.Destination.FilesUnder(root));
            Assert.Empty(_s.Source.FilesUnder(PredumpLatest));
            _s.AssertNoEntryLeftOn(_s.Source);
            _s.AssertInvariant(result);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_restore_that_fails_thaws_the_source_or_restores_from_its_final_dump_and_rounds(bool frozenCopyGone)
        {
            _s.Source.CheckpointLeavesStoppedEntry = frozenCopyGone;
            _s.Destination.FailOn(HostOp.Restore, "criu: restore failed");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Restore, ex.FailedPhase);
            Assert.Equal(frozenCopyGone ? ex.Result.ImagePath + "/final" : null, _s.Source.RestoredFrom);
            Assert.Equal(frozenCopyGone ? 0 : 1, _s.Source.CallsOf(HostOp.Resume).Count());
            Assert.Equal(3, ex.Result.PreCopyRounds.Count);
            Assert.Empty(_s.Source.FilesUnder(PredumpLatest));
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void A_final_dump_that_fails_rolls_back_and_removes_the_staged_rounds()
        {
            _s.Source.FailOn(HostOp.Checkpoint, "criu: dump failed");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Checkpoint, ex.FailedPhase);
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void Without_dirty_tracking_it_aborts_before_any_freeze_and_names_the_kernel_feature()
        {
            _s.Source.NoDirtyTracking = true;

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Equal(MigrationPhase.PreDump, ex.FailedPhase);
            Assert.Equal(_s.Source.Name, ex.Result.RunningOn);
            Assert.Contains("CONFIG_MEM_SOFT_DIRTY", ex.Message);
            Assert.Contains("still runs on hostA", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.True(_s.Source.IsRunning(MigrationScenario.Container));
            Assert.Empty(_s.Source.FilesUnder(MigrationScenario.ImageRoot));
            Assert.Empty(_s.Source.FilesUnder(PredumpLatest));
            Assert.Empty(_s.Source.Locks);
            _s.AssertDestinationClean();
            _s.AssertInvariant(ex.Result);
        }

        private string Stage()
        {
            var rounds = new PredumpEngine(_s.Transport, _s.Options).Run(MigrationScenario.Container, _s.Source, _s.Destination, _ => { }, _ => { }, null, default);
            _s.Transport.Copies.Clear();
            return rounds[0].PredumpId;
        }

        [Fact]
        public void Finishes_from_staged_rounds_moving_only_the_final_dump()
        {
            var id = Stage();
            _s.Options.PredumpId = id;

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(id, result.PredumpId);
            var root = $"{MigrationScenario.ImageRoot}/web-{id}";
            Assert.Equal(root, result.ImagePath);
            Assert.Empty(result.PreCopyRounds);
            Assert.Equal(3, _s.Source.CallsOf(HostOp.PreDump).Count());
            Assert.Equal($"web --parent-path {root}/round-3", _s.Source.CallsOf(HostOp.Checkpoint).Single().Argument);
            Assert.Equal(new[] { new[] { $"{root}/final", MigrationScenario.Bundle } }, _s.Transport.Copies);
            Assert.Equal(100, result.PagesMoved);
            Assert.DoesNotContain("PreDump", _s.Observer.PhaseEvents.Select(e => e.Substring(e.IndexOf(' ') + 1)));
            Assert.Empty(_s.Destination.FilesUnder(root));
            Assert.Empty(_s.Source.FilesUnder(PredumpLatest));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void Staged_rounds_on_another_destination_are_refused_before_the_freeze_and_kept()
        {
            var id = Stage();
            _s.Options.PredumpId = id;
            var elsewhere = new FakeContainerHost("hostC");

            var ex = _s.MigrateFailing(elsewhere);

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Contains("lacks round 3", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.True(_s.Source.PathExists($"{MigrationScenario.ImageRoot}/web-{id}/round-3/inventory.img"));
            Assert.True(_s.Destination.PathExists($"{MigrationScenario.ImageRoot}/web-{id}/round-3/inventory.img"));
        }

        [Fact]
        public void An_older_series_is_refused_once_a_later_pre_dump_reset_the_tracking()
        {
            var older = Stage();
            Stage();
            _s.Options.PredumpId = older;

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Contains($"Pre-dump {older} is no longer the latest", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.True(_s.Source.IsRunning(MigrationScenario.Container));
        }

        [Fact]
        public void An_unknown_predump_id_is_refused()
        {
            _s.Options.PredumpId = "20260101T000000-deadbeef";

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Contains("has no pre-dump rounds of 'web' with id 20260101T000000-deadbeef", ex.Message);
        }
    }
}
