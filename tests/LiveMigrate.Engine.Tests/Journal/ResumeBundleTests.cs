using System;
using System.Linq;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Journal
{
    /// <summary>A resume removes a bundle only where the move copied it: never shared storage, never the directory the container runs from.</summary>
    public sealed class ResumeBundleTests : IDisposable
    {
        private const string Bundle = MigrationScenario.Bundle;
        private readonly InterruptedMigration _m = new InterruptedMigration();

        public void Dispose() => _m.Dispose();

        private void Shared()
        {
            // Both hosts see the bundle at the same path, as -BundleSync None requires.
            _m.Scenario.Options.BundleSync = BundleSync.None;
            _m.Destination.WithBundle(Bundle);
        }

        private bool RemovedBundleOn(FakeContainerHost host) => host.CallsOf(HostOp.RemoveTree).Any(c => c.Argument == Bundle);

        [Fact]
        public void The_record_says_how_the_bundle_moves()
        {
            _m.Scenario.Options.BundleSync = BundleSync.Delta;
            _m.DieAt(MigrationPhase.Transfer);

            Assert.Equal(BundleSync.Delta, _m.Saved.BundleSync);
        }

        [Fact]
        public void Rolling_back_past_the_transfer_keeps_a_shared_bundle()
        {
            Shared();
            _m.DieAt(MigrationPhase.Transfer, whenCompleted: true);

            var result = _m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            Assert.False(RemovedBundleOn(_m.Destination));
            Assert.True(_m.Destination.PathExists(Bundle + "/config.json"));
            Assert.Contains(_m.Said, s => s.Contains($"Kept the bundle {Bundle} on hostB: it is on shared storage (-BundleSync None)"));
        }

        [Fact]
        public void Finishing_on_the_destination_keeps_a_shared_bundle_on_the_source()
        {
            Shared();
            _m.DieAt(MigrationPhase.Verify);

            var result = _m.Resume();

            Assert.Equal(ResumeAction.Finished, result.Action);
            Assert.False(RemovedBundleOn(_m.Source));
            Assert.True(_m.Source.PathExists(Bundle + "/config.json"));
        }

        [Fact]
        public void A_record_that_does_not_say_is_taken_as_shared_and_says_so()
        {
            _m.DieAt(MigrationPhase.Transfer, whenCompleted: true);
            _m.Record.BundleSync = null;  // written before the field was kept

            _m.Resume();

            Assert.False(RemovedBundleOn(_m.Destination));
            Assert.Contains(_m.Said, s => s.Contains("predates the journal's BundleSync field, so it may be on storage both hosts share"));
        }

        [Fact]
        public void A_record_that_says_Full_keeps_a_bundle_that_is_the_same_directory_on_both_hosts()
        {
            _m.DieAt(MigrationPhase.Transfer, whenCompleted: true);
            // The record says the bundle was copied, but the hosts see one directory (changed record, storage mounted meanwhile).
            _m.Destination.ShareFilesWith(_m.Source);

            var result = _m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            Assert.False(RemovedBundleOn(_m.Destination));
            Assert.True(_m.Source.PathExists(Bundle + "/config.json"));
            Assert.Contains(_m.Said, s => s.Contains($"Kept the bundle {Bundle} on hostB: it is (or may be) the same directory as on hostA"));
            Assert.DoesNotContain(_m.Source.FilesUnder(Bundle), f => f.Contains(".livemigrate-same-"));
        }

        [Fact]
        public void A_copied_bundle_still_goes()
        {
            _m.DieAt(MigrationPhase.Transfer, whenCompleted: true);
            Assert.True(_m.Destination.PathExists(Bundle + "/config.json"));

            _m.Resume();

            Assert.True(RemovedBundleOn(_m.Destination));
            Assert.False(_m.Destination.PathExists(Bundle));
        }

        [Fact]
        public void A_bundle_copied_ahead_with_Delta_goes_even_if_the_controller_died_before_the_transfer()
        {
            _m.Scenario.Options.BundleSync = BundleSync.Delta;
            _m.DieAt(MigrationPhase.Checkpoint);
            Assert.True(_m.Destination.PathExists(Bundle + "/config.json"));

            _m.Resume();

            Assert.False(_m.Destination.PathExists(Bundle));
        }
    }
}
