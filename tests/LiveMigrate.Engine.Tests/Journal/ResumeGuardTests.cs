using System;
using System.Linq;
using System.Threading;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Journal
{
    /// <summary>
    /// A resume acts only on what is its migration's: one resume of a record at a time, the destination's name locked,
    /// the record's paths where a migration puts them, and only this migration's copy removed from the destination.
    /// </summary>
    public sealed class ResumeGuardTests : IDisposable
    {
        private readonly InterruptedMigration _m = new InterruptedMigration();

        public void Dispose() => _m.Dispose();

        private void AssertNothingChanged()
        {
            Assert.Empty(_m.Destination.CallsOf(HostOp.Delete));
            Assert.Empty(_m.Destination.CallsOf(HostOp.RemoveTree));
            Assert.Empty(_m.Source.CallsOf(HostOp.Resume));
            Assert.Empty(_m.Source.CallsOf(HostOp.RemoveTree));
            Assert.False(_m.Saved.IsFinished);
        }

        [Fact]
        public void A_second_resume_of_the_same_record_at_once_is_refused()
        {
            _m.DieAt(MigrationPhase.Transfer);
            using (_m.Store.Claim(_m.Record.Id))
            {
                var ex = Assert.Throws<InvalidOperationException>(() => _m.Resume());

                Assert.Contains("is being resumed already", ex.Message);
                AssertNothingChanged();
            }
        }

        [Fact]
        public void A_resume_after_another_one_finished_the_record_is_refused()
        {
            _m.DieAt(MigrationPhase.Transfer);
            var stale = _m.Store.Load(_m.Record.Id)!;
            stale.ControllerMachine = "dead-controller";
            _m.Resume();

            var ex = Assert.Throws<InvalidOperationException>(() =>
                new MigrationResumer(_m.Store, _m.Scenario.Options).Resume(stale, _m.Source, _m.Destination, _ => { }, CancellationToken.None));

            Assert.Contains("ended already (RolledBack), by another resume", ex.Message);
        }

        [Fact]
        public void The_record_names_the_destination_lock_and_the_resume_releases_it()
        {
            _m.DieAt(MigrationPhase.Transfer);
            Assert.Equal(_m.LockDir, _m.Record.DestinationLockDir);
            Assert.True(_m.Destination.Locks.ContainsKey(_m.LockDir), "the dead migration held the destination's lock");

            _m.Resume();

            Assert.Empty(_m.Destination.Locks);
        }

        [Fact]
        public void Another_migration_holding_the_destination_lock_is_respected()
        {
            _m.DieAt(MigrationPhase.Transfer);
            _m.Destination.Locks[_m.LockDir] = "migration 20261128T020000-0badf00d of web to hostB, by ops@ctl2 (process 7), since 2026-11-28 02:00:00 UTC";

            var ex = Assert.Throws<InvalidOperationException>(() => _m.Resume());

            Assert.Contains("'web' on hostB is being migrated by someone else: migration 20261128T020000-0badf00d", ex.Message);
            AssertNothingChanged();
        }

        [Fact]
        public void A_container_on_the_destination_that_no_restore_of_this_migration_made_is_left_and_nothing_changed()
        {
            _m.DieAt(MigrationPhase.Transfer);
            _m.Destination.WithContainer(MigrationScenario.Container, "/var/lib/containers/other/web", ContainerStatus.Created);

            var ex = Assert.Throws<InvalidOperationException>(() => _m.Resume());

            Assert.Contains($"is not a copy migration {_m.Record.Id} restored; nothing was changed", ex.Message);
            Assert.True(_m.Destination.HasContainer(MigrationScenario.Container));
            AssertNothingChanged();
        }

        [Fact]
        public void A_record_whose_bundle_is_not_the_one_runc_reports_is_refused()
        {
            _m.DieAt(MigrationPhase.Transfer, whenCompleted: true);
            _m.Record.Bundle = "/etc/ssh/keys";

            var ex = Assert.Throws<InvalidOperationException>(() => _m.Resume());

            Assert.Contains($"runc on hostA reports bundle '{MigrationScenario.Bundle}' for 'web', but migration {_m.Record.Id}'s record says '/etc/ssh/keys'", ex.Message);
            AssertNothingChanged();
        }

        [Fact]
        public void A_record_of_a_controller_that_died_in_Prepare_before_it_knew_the_bundle_is_resumed()
        {
            _m.DieAt(MigrationPhase.Prepare);
            Assert.Equal("", _m.Record.Bundle);

            var result = _m.Resume();

            Assert.Equal(ResumeAction.CleanedUp, result.Action);
            Assert.True(_m.Source.IsRunning(MigrationScenario.Container));
            Assert.Empty(_m.Source.Locks);
            Assert.Empty(_m.Destination.Locks);
        }

        [Theory]
        [InlineData(nameof(MigrationJournalRecord.ImageDir), "/var/lib/containers", "image folder")]
        [InlineData(nameof(MigrationJournalRecord.ImageDir), "/var/lib/livemigrate/images/web-1/../../../../etc", "image folder")]
        [InlineData(nameof(MigrationJournalRecord.ImageDir), "/var/lib/livemigrate/images/db-20261128T010203-3f9c2a71", "image folder")]
        [InlineData(nameof(MigrationJournalRecord.LockDir), "/home", "lock")]
        [InlineData(nameof(MigrationJournalRecord.DestinationLockDir), "/var/lib/livemigrate/locks/other", "destination lock")]
        [InlineData(nameof(MigrationJournalRecord.Bundle), "/var/lib/containers/../../etc", "bundle")]
        public void A_record_with_a_path_where_no_migration_puts_it_is_refused_before_connecting(string field, string path, string what)
        {
            _m.DieAt(MigrationPhase.Transfer);
            typeof(MigrationJournalRecord).GetProperty(field)!.SetValue(_m.Record, path);
            var calls = _m.Source.Calls.Count + _m.Destination.Calls.Count;

            var ex = Assert.Throws<InvalidOperationException>(() => MigrationResumer.Check(_m.Record, _m.Scenario.Options));
            Assert.Throws<InvalidOperationException>(() => _m.Resume());

            Assert.Contains($"record names the {what} '{path}'", ex.Message);
            Assert.Contains("it is not resumed, since a resume removes that path on the hosts", ex.Message);
            Assert.Equal(calls, _m.Source.Calls.Count + _m.Destination.Calls.Count);
        }

        [Fact]
        public void An_image_folder_under_another_image_root_is_accepted_when_given_that_root()
        {
            _m.DieAt(MigrationPhase.Transfer);
            var options = new MigrationOptions { ImageRoot = "/srv/lm/images" };
            _m.Record.ImageDir = "/srv/lm/images/web-" + _m.Record.Id;

            MigrationResumer.Check(_m.Record, options);
            var ex = Assert.Throws<InvalidOperationException>(() => MigrationResumer.Check(_m.Record, _m.Scenario.Options));

            Assert.Contains("give Resume-Migration the same -ImageRoot", ex.Message);
        }
    }
}
