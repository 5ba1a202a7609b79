using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>
    /// When the rollback fails too: status Failed, and the message says how to go back by hand. Most cases here have
    /// the source's frozen copy gone after the checkpoint (a stopped entry), so the rollback must restore from the images.
    /// </summary>
    public sealed class MigrationRollbackFailureTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();

        public MigrationRollbackFailureTests() { _s.Source.CheckpointLeavesStoppedEntry = true; }

        public void Dispose() => _s.Dispose();

        private MigrationException FailedWithImagesKept(string originalMessage, string rollbackMessage)
        {
            var ex = _s.MigrateFailing();
            Assert.Equal(MigrationStatus.Failed, ex.Result.Status);
            Assert.Null(ex.Result.RunningOn);
            Assert.Equal(originalMessage, ex.Result.Error);
            Assert.Equal(originalMessage, ex.InnerException?.Message);
            Assert.Contains(rollbackMessage, ex.Result.RollbackError);
            Assert.Contains(rollbackMessage, ex.RollbackError?.Message);
            Assert.Contains(originalMessage, ex.Message);
            Assert.Contains("The rollback failed too", ex.Message);
            Assert.Contains("go back by hand on hostA: runc resume web if it is paused there", ex.Message);
            Assert.Contains($"runc restore --detach --image-path {_s.ImageDir} --bundle {MigrationScenario.Bundle} web (those checkpoint images are kept)", ex.Message);
            // What the message promises is true: the images are still there.
            Assert.True(_s.Source.PathExists(_s.ImageDir + "/inventory.img"));
            Assert.True(_s.Source.PathExists(_s.ImageDir + "/pages-1.img"));
            Assert.DoesNotContain(new HostCall(HostOp.RemoveTree, _s.ImageDir), _s.Source.Calls);
            // Nobody else may migrate it until someone has looked: the lock stays.
            Assert.Single(_s.Source.Locks);
            _s.AssertInvariant(ex.Result);
            return ex;
        }

        [Fact]
        public void Restore_fails_on_both_hosts()
        {
            _s.Destination.FailOn(HostOp.Restore, "criu: restore failed on B");
            _s.Source.FailOn(HostOp.Restore, "criu: restore failed on A");

            FailedWithImagesKept("criu: restore failed on B", "criu: restore failed on A");

            Assert.False(_s.Source.IsRunning("web"));
            Assert.False(_s.Destination.IsRunning("web"));
        }

        [Fact]
        public void The_frozen_source_copy_cannot_be_thawed()
        {
            _s.Source.CheckpointLeavesStoppedEntry = false;
            _s.Destination.FailOn(HostOp.Restore, "criu: restore failed on B");
            _s.Source.FailOn(HostOp.Resume, "runc: cannot thaw: freezer busy");

            FailedWithImagesKept("criu: restore failed on B", "runc: cannot thaw: freezer busy");

            Assert.Empty(_s.Source.CallsOf(HostOp.Restore));
        }

        [Fact]
        public void Restored_on_the_source_but_not_running()
        {
            _s.Transport.FailureMessage = "tar: broken pipe";
            _s.Source.RestoredContainerDiesAfterStateCalls = 0;

            FailedWithImagesKept("tar: broken pipe", "restored on hostA, but it is Stopped.");
        }

        [Fact]
        public void Checkpoint_killed_the_container_and_left_no_usable_images()
        {
            _s.Source.FailOn(HostOp.Checkpoint, "criu: Dumping FAILED.", h =>
            {
                h.RemoveContainer("web");
                h.WriteImages(h.CallsOf(HostOp.CreateDirectory).Single().Argument, "dump.log");
            });
            _s.Source.FailOn(HostOp.Restore, "criu: images are incomplete");

            FailedWithImagesKept("criu: Dumping FAILED.", "criu: images are incomplete");

            Assert.Empty(_s.Destination.MutatingCalls);
        }

        [Fact]
        public void Rollback_phase_is_reported_even_when_it_fails()
        {
            _s.Destination.FailOn(HostOp.Restore, "b");
            _s.Source.FailOn(HostOp.Restore, "a");

            var ex = _s.MigrateFailing();

            Assert.Equal(new[] { "Started Rollback", "Completed Rollback" }, _s.Observer.PhaseEvents.TakeLast(2));
            Assert.True(ex.Result.Phases.ContainsKey(MigrationPhase.Rollback));
            _s.AssertInvariant(ex.Result);
        }
    }
}
