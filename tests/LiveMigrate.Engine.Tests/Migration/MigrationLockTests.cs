using System;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>One migration of a container at a time: a lock on the source host, released when it ends.</summary>
    public sealed class MigrationLockTests : IDisposable
    {
        private const string LockDir = "/var/lib/livemigrate/locks/web";
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        [Fact]
        public void A_container_already_being_migrated_is_refused_with_the_holder_named()
        {
            _s.Source.Locks[LockDir] = "migration 20261128T010203-abcd1234 of web to hostC, by ops@ctl2 (process 4242), since 2026-11-28 01:02:03 UTC";

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Contains("is being migrated already: migration 20261128T010203-abcd1234 of web to hostC, by ops@ctl2", ex.Message);
            Assert.Contains($"remove {LockDir} on hostA", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Empty(_s.Destination.MutatingCalls);
            // Someone else's lock is theirs to remove.
            Assert.Contains("migration 20261128T010203-abcd1234", _s.Source.Locks[LockDir]);
            _s.AssertSourceUntouched();
        }

        [Fact]
        public void The_lock_names_this_migration_while_it_runs_and_goes_when_it_succeeds()
        {
            string? held = null;
            _s.Observer.OnEvent = e => { if (e.Kind == ObserverEventKind.Started && e.Phase == MigrationPhase.Transfer) held = _s.Source.Locks[LockDir]; };

            var result = _s.Migrate();

            Assert.Contains($"migration {result.MigrationId} of web to hostB", held);
            Assert.Empty(_s.Source.Locks);
        }

        [Fact]
        public void The_lock_goes_after_a_rollback()
        {
            _s.Destination.FailOn(HostOp.Restore, "criu failed: type NOTIFY errno 0");

            _s.AssertRolledBack(_s.MigrateFailing());

            Assert.Empty(_s.Source.Locks);
        }

        [Fact]
        public void The_lock_goes_after_an_abort_before_the_freeze()
        {
            _s.Source.RemoveContainer("web");

            _s.MigrateFailing();

            Assert.Empty(_s.Source.Locks);
        }
    }
}
