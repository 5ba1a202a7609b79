using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>Failures after the freeze: the frozen source copy is thawed (after any copy on the destination is killed) and the destination is cleaned.</summary>
    public sealed class MigrationRollbackTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        /// <param name="thawed">The source's frozen copy was there to thaw; else the images were restored.</param>
        private MigrationException RolledBack(MigrationPhase failed, string originalMessage, bool thawed = true)
        {
            var ex = _s.MigrateFailing();
            Assert.Equal(failed, ex.FailedPhase);
            Assert.Contains(originalMessage, ex.Message);
            Assert.Contains("rolled back and runs on hostA again", ex.Message);
            Assert.Equal(originalMessage, ex.Result.Error);
            Assert.Equal(originalMessage, ex.InnerException?.Message);
            Assert.Equal(thawed ? new[] { new HostCall(HostOp.Resume, "web") } : new HostCall[0], _s.Source.CallsOf(HostOp.Resume));
            Assert.Equal(thawed ? new HostCall[0] : new[] { new HostCall(HostOp.Restore, "web") }, _s.Source.CallsOf(HostOp.Restore));
            Assert.True(ex.Result.Downtime > TimeSpan.Zero);
            _s.AssertRolledBack(ex);
            return ex;
        }

        [Fact]
        public void Transfer_failure()
        {
            _s.Transport.FailureMessage = "tar: write error: Connection reset by peer";
            _s.Transport.FilesBeforeFailure = 2;

            RolledBack(MigrationPhase.Transfer, "tar: write error: Connection reset by peer");

            Assert.Empty(_s.Destination.CallsOf(HostOp.Restore));
        }

        [Fact]
        public void Restore_failure_on_the_destination()
        {
            _s.Destination.FailOn(HostOp.Restore, "criu failed: type NOTIFY errno 0");

            RolledBack(MigrationPhase.Restore, "criu failed: type NOTIFY errno 0");
        }

        [Fact]
        public void Restore_failure_that_left_a_container_entry_on_the_destination_kills_it_first()
        {
            _s.Destination.FailOn(HostOp.Restore, "runc restore timed out",
                h => h.WithContainer("web", MigrationScenario.Bundle, ContainerStatus.Running));

            RolledBack(MigrationPhase.Restore, "runc restore timed out");

            var destDelete = _s.Destination.Calls.FindIndex(c => c.Op == HostOp.Delete);
            Assert.Equal(new HostCall(HostOp.Delete, "web --force"), _s.Destination.Calls[destDelete]);
        }

        [Fact]
        public void Restored_container_that_is_not_running_at_the_first_check()
        {
            _s.Destination.RestoredContainerDiesAfterStateCalls = 0;

            // The first check ends the Restore phase: the downtime ends only when the container runs.
            RolledBack(MigrationPhase.Restore, "After restore, 'web' on hostB is Stopped, not running.");
        }

        [Fact]
        public void Restored_container_that_dies_during_the_settle_time()
        {
            _s.Options.SettleTime = TimeSpan.FromMilliseconds(20);
            _s.Destination.RestoredContainerDiesAfterStateCalls = 1;

            RolledBack(MigrationPhase.Verify, "After restore, 'web' on hostB is Stopped, not running.");
        }

        [Fact]
        public void Restored_container_that_vanished_before_the_check()
        {
            _s.Observer.OnEvent = e =>
            {
                if (e == new ObserverEvent(ObserverEventKind.Completed, MigrationPhase.Restore)) _s.Destination.RemoveContainer("web");
            };

            RolledBack(MigrationPhase.Verify, "After restore, 'web' on hostB is gone, not running.");
        }

        [Fact]
        public void Checkpoint_failure_where_criu_left_the_container_running_restores_nothing()
        {
            _s.Source.FailOn(HostOp.Checkpoint, "criu failed: type NOTIFY errno 0\nlog file: /x/dump.log",
                h => h.WriteImages(h.CallsOf(HostOp.CreateDirectory).Single().Argument, "dump.log"));

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Checkpoint, ex.FailedPhase);
            Assert.Contains("criu failed: type NOTIFY errno 0", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Restore));
            Assert.Empty(_s.Source.CallsOf(HostOp.Delete));
            _s.AssertDestinationUntouched();
            Assert.Empty(_s.Transport.Copies);
            Assert.Contains(_s.Observer.Messages, m => m == "web still runs on hostA.");
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void Checkpoint_killed_during_the_freeze_thaws_the_container_instead_of_restoring_partial_images()
        {
            _s.Source.FailOn(HostOp.Checkpoint, "'runc checkpoint' did not finish within 300 s and was killed.", h => h.Freeze("web"));

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationPhase.Checkpoint, ex.FailedPhase);
            Assert.Equal(new[] { new HostCall(HostOp.Resume, "web") }, _s.Source.CallsOf(HostOp.Resume));
            Assert.Empty(_s.Source.CallsOf(HostOp.Restore));
            Assert.Empty(_s.Source.CallsOf(HostOp.Delete));
            _s.AssertDestinationUntouched();
            _s.AssertRolledBack(ex);
        }

        [Fact]
        public void Checkpoint_failure_after_which_the_container_is_gone_restores_it_from_the_images()
        {
            _s.Source.FailOn(HostOp.Checkpoint, "criu: Dumping FAILED.", h =>
            {
                h.WriteImages(h.CallsOf(HostOp.CreateDirectory).Single().Argument, "dump.log");
                h.RemoveContainer("web");
            });

            RolledBack(MigrationPhase.Checkpoint, "criu: Dumping FAILED.", thawed: false);

            Assert.Empty(_s.Transport.Copies);
            _s.AssertDestinationUntouched();
        }

        [Fact]
        public void Checkpoint_failure_that_left_a_stopped_entry_deletes_it_before_restoring()
        {
            _s.Source.FailOn(HostOp.Checkpoint, "criu: Dumping FAILED.", h =>
            {
                h.WriteImages(h.CallsOf(HostOp.CreateDirectory).Single().Argument, "dump.log");
                h.SetStatus("web", ContainerStatus.Stopped);
            });

            RolledBack(MigrationPhase.Checkpoint, "criu: Dumping FAILED.", thawed: false);

            var delete = _s.Source.Calls.FindIndex(c => c.Op == HostOp.Delete);
            var restore = _s.Source.Calls.FindIndex(c => c.Op == HostOp.Restore);
            Assert.True(delete >= 0 && delete < restore, "the stopped entry is deleted before the restore");
        }

        [Fact]
        public void Rollback_phase_is_reported_after_the_failed_phase()
        {
            _s.Destination.FailOn(HostOp.Restore, "boom");

            var ex = _s.MigrateFailing();

            Assert.Equal(new[]
            {
                "Started Prepare", "Completed Prepare", "Started Checkpoint", "Completed Checkpoint",
                "Started Transfer", "Completed Transfer", "Started Restore", "Completed Restore",
                "Started Rollback", "Completed Rollback",
            }, _s.Observer.PhaseEvents);
            Assert.True(ex.Result.Phases.ContainsKey(MigrationPhase.Rollback));
            Assert.False(ex.Result.Phases.ContainsKey(MigrationPhase.Verify));
            Assert.Contains(_s.Observer.Messages, m => m.StartsWith("Restore failed (boom); rolling back to hostA.", StringComparison.Ordinal));
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void Destination_cleanup_failure_during_rollback_is_reported_not_fatal()
        {
            _s.Destination.FailOn(HostOp.Restore, "boom");
            _s.Destination.FailOn(HostOp.RemoveTree, "rm: Read-only file system");

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.True(_s.Source.IsRunning("web"));
            Assert.Contains(_s.Observer.Messages, m => m.Contains("Read-only file system") && m.Contains("hostB"));
            _s.AssertInvariant(ex.Result);
        }
    }
}
