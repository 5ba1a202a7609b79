using System;
using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Hooks;
using LiveMigrate.Migration;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Migration
{
    /// <summary>Hooks: when each runs, what it is told, and what its failure does to the migration.</summary>
    public sealed class MigrationHookTests : IDisposable
    {
        private readonly MigrationScenario _s = new MigrationScenario();
        private readonly RecordingHooks _hooks = new RecordingHooks();

        public MigrationHookTests() { _s.Options.Hooks = _hooks; }

        public void Dispose() => _s.Dispose();

        private sealed class RecordingHooks : IMigrationHooks
        {
            public List<HookContext> Calls { get; } = new List<HookContext>();
            public HashSet<HookPoint> Throwing { get; } = new HashSet<HookPoint>();

            public bool Has(HookPoint point) => true;

            public void Invoke(HookPoint point, HookContext context)
            {
                Calls.Add(context);
                if (Throwing.Contains(point)) throw new InvalidOperationException($"{point} says no");
            }
        }

        [Fact]
        public void A_migration_runs_the_four_step_hooks_in_order_with_what_happened_so_far()
        {
            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(new[] { HookPoint.PreCheckpoint, HookPoint.PostCheckpoint, HookPoint.PreRestore, HookPoint.PostRestore }, _hooks.Calls.Select(c => c.Hook));
            var post = _hooks.Calls.Last();
            Assert.Equal((MigrationScenario.Container, "hostA", "hostB", result.MigrationId), (post.Container, post.Source, post.Destination, post.MigrationId));
            Assert.Equal(MigrationPhase.Restore, post.Phase);
            Assert.Contains(MigrationPhase.Transfer, post.Timings.Keys);
            Assert.Contains(MigrationPhase.Restore, post.Timings.Keys);
            Assert.DoesNotContain(MigrationPhase.Checkpoint, _hooks.Calls[0].Timings.Keys);
            Assert.Null(post.Error);
            Assert.Empty(result.HookFailures);
            _s.AssertInvariant(result);
        }

        [Fact]
        public void A_throwing_PreCheckpoint_hook_aborts_before_anything_is_frozen()
        {
            _hooks.Throwing.Add(HookPoint.PreCheckpoint);

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.Aborted, ex.Result.Status);
            Assert.Empty(_s.Source.CallsOf(HostOp.Checkpoint));
            Assert.Contains("PreCheckpoint says no", ex.Message);
            Assert.Equal(new[] { HookPoint.PreCheckpoint, HookPoint.OnFailure }, _hooks.Calls.Select(c => c.Hook));
            Assert.Contains("PreCheckpoint says no", _hooks.Calls[1].Error);
            Assert.Equal(HookPoint.PreCheckpoint, Assert.Single(ex.Result.HookFailures).Hook);
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void A_throwing_PreRestore_hook_rolls_back_without_restoring_on_the_destination()
        {
            _hooks.Throwing.Add(HookPoint.PreRestore);

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Empty(_s.Destination.CallsOf(HostOp.Restore));
            Assert.Equal(new[] { HookPoint.PreCheckpoint, HookPoint.PostCheckpoint, HookPoint.PreRestore, HookPoint.OnFailure, HookPoint.OnRollback },
                _hooks.Calls.Select(c => c.Hook));
            _s.AssertInvariant(ex.Result);
        }

        [Theory]
        [InlineData(HookPoint.PostCheckpoint)]
        [InlineData(HookPoint.PostRestore)]
        public void A_throwing_post_hook_is_reported_and_the_migration_goes_on(HookPoint point)
        {
            _hooks.Throwing.Add(point);

            var result = _s.Migrate();

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            var failure = Assert.Single(result.HookFailures);
            Assert.Equal((point, $"{point} says no"), (failure.Hook, failure.Message));
            _s.AssertInvariant(result);
        }

        [Theory]
        [InlineData(HookPoint.PostCheckpoint)]
        [InlineData(HookPoint.PostRestore)]
        public void A_throwing_post_hook_rolls_back_when_asked(HookPoint point)
        {
            _hooks.Throwing.Add(point);
            _s.Options.RollbackOnHookFailure = true;

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Contains($"The {point} hook failed: {point} says no", ex.Message);
            Assert.False(_s.Destination.HasContainer(MigrationScenario.Container), "the copy on the destination is removed");
            Assert.Equal(HookPoint.OnRollback, _hooks.Calls.Last().Hook);
            _s.AssertInvariant(ex.Result);
        }

        [Fact]
        public void OnFailure_and_OnRollback_hooks_that_throw_change_nothing_but_are_reported()
        {
            _s.Destination.FailOn(HostOp.Restore, "restore failed");
            _hooks.Throwing.UnionWith(new[] { HookPoint.OnFailure, HookPoint.OnRollback });

            var ex = _s.MigrateFailing();

            Assert.Equal(MigrationStatus.RolledBack, ex.Result.Status);
            Assert.Equal(new[] { HookPoint.OnFailure, HookPoint.OnRollback }, ex.Result.HookFailures.Select(f => f.Hook));
            Assert.All(_hooks.Calls.Skip(3), c => Assert.Contains("restore failed", c.Error));
            _s.AssertInvariant(ex.Result);
        }
    }
}
