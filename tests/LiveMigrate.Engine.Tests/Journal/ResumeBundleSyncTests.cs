using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Journal
{
    /// <summary>Resume-Migration knows how the bundle travelled: Delta's copy ahead goes, a shared bundle always stays.</summary>
    public sealed class ResumeBundleSyncTests
    {
        [Fact]
        public void Delta_died_in_Prepare_after_the_copy_ahead_removes_that_copy_and_the_snapshot()
        {
            using var m = new InterruptedMigration();
            m.Scenario.Options.BundleSync = BundleSync.Delta;
            m.DieAt(MigrationPhase.Prepare, whenCompleted: true);
            Assert.True(m.Destination.PathExists(MigrationScenario.Bundle), "the bundle was copied ahead");
            Assert.Equal(BundleSync.Delta, m.Record.BundleSync);

            var result = m.Resume();

            Assert.Equal(ResumeAction.CleanedUp, result.Action);
            m.AssertRunsOnlyOn(m.Source, result);
            Assert.False(m.Source.PathExists(MigrationPaths.SnapshotOf(m.ImageDir)), "Delta's snapshot is left on the source");
        }

        [Fact]
        public void A_shared_bundle_stays_on_both_hosts_when_the_resume_goes_back_to_the_source()
        {
            using var m = new InterruptedMigration();
            m.Scenario.Options.BundleSync = BundleSync.None;
            m.Destination.WithBundle(MigrationScenario.Bundle);
            m.DieAt(MigrationPhase.Restore);

            var result = m.Resume();

            Assert.Equal(MigrationStatus.RolledBack, result.Status);
            Assert.True(m.Destination.PathExists(MigrationScenario.Bundle + "/config.json"), "the shared bundle was removed through the destination");
            Assert.True(m.Source.IsRunning(MigrationScenario.Container));
        }

        [Fact]
        public void A_shared_bundle_stays_when_the_resume_finishes_on_the_destination()
        {
            using var m = new InterruptedMigration();
            m.Scenario.Options.BundleSync = BundleSync.None;
            m.Destination.WithBundle(MigrationScenario.Bundle);
            m.DieAt(MigrationPhase.Verify);

            var result = m.Resume();

            Assert.Equal(ResumeAction.Finished, result.Action);
            Assert.True(m.Source.PathExists(MigrationScenario.Bundle + "/config.json"), "the shared bundle was removed through the source");
            Assert.True(m.Destination.IsRunning(MigrationScenario.Container));
        }
    }
}
