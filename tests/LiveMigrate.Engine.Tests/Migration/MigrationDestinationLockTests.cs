using System;
using System.Linq;
using LiveMigrate.Hooks;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>
    /// The container's name is locked on the destination too, and a rollback removes there only the copy its own restore made:
    /// two moves of same-named containers to one host must not undo each other.
    /// </summary>
    public sealed class MigrationDestinationLockTests : IDisposable
    {
        private const string LockDir = "/var/lib/livemigrate/locks/web";
        private readonly MigrationScenario _s = new MigrationScenario();

        public void Dispose() => _s.Dispose();

        [Fact]
        public void A_name_being_moved_to_the_destination_by_another_migration_is_refused_before_anything_is_frozen()
        {
            const string other = "migration 20261128T010203-abcd1234 of web to hostB, by ops@ctl2 (process 4242), since 2026-11-28 01:02:03 UTC";
            _s.Destination.Locks[LockDir] = other;

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Contains($"'web' on hostB is being migrated or restored there already: {other}", ex.Message);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Empty(_s.Destination.MutatingCalls);
            Assert.Equal(other, _s.Destination.Locks[LockDir]);
            Assert.Empty(_s.Source.Locks);
        }

        [Fact]
        public void The_destination_lock_is_held_during_the_move_and_released_after_it()
        {
            string? held = null;
            _s.Observer.OnEvent = e => { if (e.Kind == ObserverEventKind.Started && e.Phase == MigrationPhase.Restore) held = _s.Destination.Locks[LockDir]; };

            var result = _s.Migrate();

            Assert.Contains($"migration {result.MigrationId} of web to hostB", held);
            Assert.Empty(_s.Destination.Locks);
        }

        [Fact]
        public void The_destination_lock_goes_after_a_rollback()
        {
            _s.Destination.FailOn(HostOp.Restore, "criu failed: type NOTIFY errno 0");

            _s.AssertRolledBack(_s.MigrateFailing());

            Assert.Empty(_s.Destination.Locks);
        }

        [Fact]
        public void A_rollback_leaves_alone_a_same_named_container_it_did_not_restore()
        {
            // Someone else's "web" (another bundle) appeared on the destination; this migration's restore then fails.
            const string theirs = "/var/lib/containers/theirs/web";
            _s.Destination.FailOn(HostOp.Restore, "fake runc: container with id exists: web",
                h => h.WithContainer(MigrationScenario.Container, theirs));

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.True(_s.Source.IsRunning(MigrationScenario.Container));
            Assert.True(_s.Destination.IsRunning(MigrationScenario.Container), "the other container must be left running");
            Assert.Empty(_s.Destination.CallsOf(HostOp.Delete));
            Assert.Contains(_s.Observer.Messages, m => m.Contains($"Left 'web' on hostB alone: it is not the copy this migration restored (bundle {theirs}"));
        }

        [Fact]
        public void A_rollback_leaves_alone_a_copy_replaced_after_its_restore()
        {
            // The restored copy was removed and another one made from the same bundle (a later creation time).
            _s.Options.RollbackOnHookFailure = true;
            _s.Options.Hooks = new Hook(HookPoint.PostRestore, () =>
            {
                _s.Destination.RemoveContainer(MigrationScenario.Container);
                System.Threading.Thread.Sleep(2);
                _s.Destination.WithContainer(MigrationScenario.Container, MigrationScenario.Bundle);
                throw new InvalidOperationException("health check failed");
            });

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Empty(_s.Destination.CallsOf(HostOp.Delete));
            Assert.True(_s.Destination.IsRunning(MigrationScenario.Container));
        }

        [Fact]
        public void A_rollback_still_removes_its_own_restored_copy()
        {
            _s.Options.RollbackOnHookFailure = true;
            _s.Options.Hooks = new Hook(HookPoint.PostRestore, () => throw new InvalidOperationException("health check failed"));

            _s.AssertRolledBack(_s.MigrateFailing());

            Assert.Contains(_s.Destination.CallsOf(HostOp.Delete), c => c.Argument == "web --force");
        }

        private sealed class Hook : IMigrationHooks
        {
            private readonly HookPoint _point;
            private readonly Action _run;
            public Hook(HookPoint point, Action run) { _point = point; _run = run; }
            public bool Has(HookPoint point) => point == _point;
            public void Invoke(HookPoint point, HookContext context) => _run();
        }
    }
}
