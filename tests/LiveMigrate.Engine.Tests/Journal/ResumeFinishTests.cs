using System;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Journal
{
    /// <summary>A controller that died once the destination ran a whole copy: the migration is finished there.</summary>
    public sealed class ResumeFinishTests
    {
        [Theory]
        [InlineData(MigrationPhase.Restore, true)]
        [InlineData(MigrationPhase.Verify, false)]
        [InlineData(MigrationPhase.Cleanup, false)]
        public void Stop_mode_finishes_on_the_destination_and_cleans_the_source(MigrationPhase phase, bool whenCompleted)
        {
            using var m = new InterruptedMigration();
            m.DieAt(phase, whenCompleted);

            var result = m.Resume();

            Assert.Equal(ResumeAction.Finished, result.Action);
            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Empty(m.Destination.CallsOf(HostOp.Delete));
            Assert.Empty(m.Source.CallsOf(HostOp.Restore));
            m.AssertRunsOnlyOn(m.Destination, result);
            Assert.Contains("Finished", m.Saved.Resolution);
            Assert.Equal(new[] { m.Record.Id }, m.Scenario.Transport.LeftoversClosed);
        }

        [Fact]
        public void Post_copy_finishes_once_every_page_had_arrived()
        {
            using var m = new InterruptedMigration(MigrationMode.PostCopy);
            m.DieAt(MigrationPhase.Verify);

            var result = m.Resume();

            Assert.Equal(ResumeAction.Finished, result.Action);
            m.AssertRunsOnlyOn(m.Destination, result);
        }

        [Fact]
        public void A_copy_that_dies_while_settling_is_not_kept()
        {
            using var m = new InterruptedMigration();
            m.DieAt(MigrationPhase.Verify);
            m.Destination.RestoredContainerDiesAfterStateCalls = 1;

            var result = m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            m.AssertRunsOnlyOn(m.Source, result);
        }

        [Fact]
        public void A_stopped_entry_left_on_the_source_is_removed()
        {
            using var m = new InterruptedMigration();
            m.Source.CheckpointLeavesStoppedEntry = true;
            m.DieAt(MigrationPhase.Verify);

            var result = m.Resume();

            m.AssertRunsOnlyOn(m.Destination, result);
        }
    }
}
