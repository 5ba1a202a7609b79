using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;
using static LiveMigrate.Tests.Fakes.ObserverEventKind;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>-BundleSync: the whole bundle while frozen (Full), ahead and then its changes (Delta), or not at all (None).</summary>
    public sealed class MigrationBundleSyncTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        [Fact]
        public void Delta_copies_the_bundle_before_the_freeze_then_only_its_changes_with_the_images()
        {
            _s.Options.BundleSync = BundleSync.Delta;
            var checkpointedAfterCopies = -1;
            _s.Observer.OnEvent = e => { if (e == new ObserverEvent(Started, MigrationPhase.Checkpoint)) checkpointedAfterCopies = _s.Transport.Copies.Count; };

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(1, checkpointedAfterCopies);
            Assert.Equal(new[] { new[] { MigrationScenario.Bundle }, new[] { result.ImagePath!, MigrationScenario.Bundle } }, _s.Transport.Copies);
            var snapshot = result.ImagePath + ".bundle.snar";
            Assert.Equal(new[] { snapshot, snapshot }, _s.Transport.Snapshots);
            Assert.False(_s.Source.PathExists(MigrationScenario.Bundle));
            _s.AssertInvariant(result);
        }

        [Fact]
        public void The_default_Auto_left_to_the_engine_moves_the_bundle_ahead_as_Delta_and_the_result_says_so()
        {
            Assert.Equal(BundleSync.Auto, new MigrationOptions().BundleSync);
            _s.Options.BundleSync = BundleSync.Auto;

            var result = _s.Migrate();

            Assert.Equal(BundleSync.Delta, result.BundleSync);
            Assert.Equal(new[] { new[] { MigrationScenario.Bundle }, new[] { result.ImagePath!, MigrationScenario.Bundle } }, _s.Transport.Copies);
            Assert.Contains(_s.Observer.Messages, m => m.StartsWith("-BundleSync Auto: Delta"));
            Assert.False(_s.Source.PathExists(result.ImagePath + ".bundle.snar"), "the snapshot goes with the images");
            _s.AssertInvariant(result);
        }

        [Theory]
        [InlineData(BundleSync.Full)]
        [InlineData(BundleSync.None)]
        public void The_result_reports_the_bundle_sync_used(BundleSync sync)
        {
            _s.Options.BundleSync = sync;
            if (sync == BundleSync.None) _s.Destination.WithBundle(MigrationScenario.Bundle);

            Assert.Equal(sync, _s.Migrate().BundleSync);
        }

        [Fact]
        public void Delta_removes_the_bundle_copied_ahead_when_the_migration_aborts_before_the_freeze()
        {
            _s.Options.BundleSync = BundleSync.Delta;
            _s.CancelAt(new ObserverEvent(Completed, MigrationPhase.Prepare));

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.False(_s.Destination.PathExists(MigrationScenario.Bundle), "the bundle copied ahead is removed");
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void Delta_removes_the_bundle_copied_ahead_when_the_checkpoint_fails()
        {
            _s.Options.BundleSync = BundleSync.Delta;
            _s.Source.FailOn(HostOp.Checkpoint, "criu failed");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.False(_s.Destination.PathExists(MigrationScenario.Bundle));
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void None_sends_only_the_images_and_never_removes_the_shared_bundle()
        {
            _s.Options.BundleSync = BundleSync.None;
            _s.Destination.WithBundle(MigrationScenario.Bundle);

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(new[] { new[] { result.ImagePath! } }, _s.Transport.Copies);
            Assert.True(_s.Source.PathExists(MigrationScenario.Bundle), "the source's view of the shared bundle stays");
            _s.AssertInvariant(result);
        }

        [Fact]
        public void None_keeps_the_shared_bundle_on_the_destination_through_a_rollback()
        {
            _s.Options.BundleSync = BundleSync.None;
            _s.Destination.WithBundle(MigrationScenario.Bundle);
            _s.Destination.FailOn(HostOp.Restore, "restore failed");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.True(_s.Destination.PathExists(MigrationScenario.Bundle));
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void None_aborts_when_the_destination_does_not_have_the_bundle()
        {
            _s.Options.BundleSync = BundleSync.None;

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Contains("-BundleSync None needs the bundle on storage both hosts share", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            _s.AssertInvariant(ex.Result);
        }
    }
}
