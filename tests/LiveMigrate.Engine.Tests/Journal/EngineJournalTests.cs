using System;
using System.IO;
using System.Linq;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Journal
{
    /// <summary>The engine records every phase boundary of a migration, and how it ended.</summary>
    public sealed class EngineJournalTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();
        private readonly MemoryJournalStore _store = new MemoryJournalStore();

        public EngineJournalTests() { _s.Options.Journal = new MigrationJournal(_store); }

        public void Dispose() => _s.Dispose();

        [Fact]
        public void A_success_records_each_phase_completed_and_the_paths_it_used()
        {
            var result = _s.Migrate();

            var r = _store.Single();
            Assert.Equal(result.MigrationId, r.Id);
            Assert.Equal(("web", "hostA", "hostB", MigrationMode.Stop), (r.Container, r.Source, r.Destination, r.Mode));
            Assert.Equal(new[] { "Prepare", "Checkpoint", "Transfer", "Restore", "Verify", "Cleanup" }, r.Phases.Select(p => p.Phase.ToString()));
            Assert.All(r.Phases, p => Assert.True(p.CompletedUtc >= p.StartedUtc));
            Assert.Equal(MigrationScenario.Bundle, r.Bundle);
            Assert.Equal(result.ImagePath, r.ImageDir);
            Assert.Equal("/var/lib/livemigrate/locks/web", r.LockDir);
            Assert.Equal(MigrationStatus.Succeeded, r.Status);
            Assert.Equal("hostB", r.RunningOn);
            Assert.True(r.IsFinished);
            Assert.Equal("Succeeded", r.State);
            // Started, and a save at each of the six phases' two boundaries, and Finished.
            Assert.Equal(14, _store.Saves);
        }

        [Fact]
        public void A_rollback_records_the_failed_phase_as_not_completed_and_the_error()
        {
            _s.Destination.FailOn(HostOp.Restore, "criu failed: type NOTIFY errno 0");

            _s.AssertRolledBack(_s.MigrateFailing());

            var r = _store.Single();
            Assert.Equal(MigrationStatus.RolledBack, r.Status);
            Assert.Null(r.Phases.Single(p => p.Phase == MigrationPhase.Restore).CompletedUtc);
            Assert.True(r.Completed(MigrationPhase.Rollback));
            Assert.Contains("criu failed: type NOTIFY errno 0", r.Error);
        }

        [Fact]
        public void While_it_runs_the_saved_record_is_unfinished_and_knows_the_lock_and_images()
        {
            MigrationJournalRecord? during = null;
            _s.Observer.OnEvent = e => { if (e == new ObserverEvent(ObserverEventKind.Progress, null)) during ??= _store.Single(); };

            _s.Migrate();

            Assert.NotNull(during);
            Assert.False(during!.IsFinished);
            Assert.Equal(MigrationPhase.Transfer, during.LastPhase);
            Assert.True(during.Completed(MigrationPhase.Checkpoint));
            Assert.False(during.Completed(MigrationPhase.Transfer));
            Assert.Equal("Running", during.State);
            Assert.NotEqual("", during.ImageDir);
            Assert.NotEqual("", during.LockDir);
        }

        [Fact]
        public void A_journal_that_cannot_be_written_never_fails_the_migration()
        {
            _store.Failure = new IOException("No space left on device");

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Contains(_s.Observer.Messages, m => m == "Could not write the migration journal: No space left on device");
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_controller_process_that_is_gone_makes_the_record_interrupted()
        {
            _s.Migrate();
            var r = _store.Single();
            r.Status = null;

            r.ControllerProcessStartUtc = r.ControllerProcessStartUtc.AddMinutes(-5);  // the id was reused by another process

            Assert.Equal("Interrupted", r.State);
        }
    }
}
