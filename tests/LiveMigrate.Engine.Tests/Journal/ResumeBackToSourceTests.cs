using System;
using System.Linq;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Journal
{
    /// <summary>A controller that died before the destination had a whole copy: the container ends on the source.</summary>
    public sealed class ResumeBackToSourceTests : IDisposable
    {
        private readonly InterruptedMigration _m = new InterruptedMigration();

        public void Dispose() => _m.Dispose();

        [Fact]
        public void Died_before_the_freeze_leaves_it_running_on_the_source_and_removes_the_image_folder()
        {
            _m.DieAt(MigrationPhase.Checkpoint);
            _m.Source.FailOn(HostOp.Checkpoint, "must not checkpoint");
            _m.Record.Phases.RemoveAt(_m.Record.Phases.Count - 1);  // died between Prepare and the checkpoint's start
            Assert.True(_m.Source.PathExists(_m.ImageDir));

            var result = _m.Resume();

            Assert.Equal(ResumeAction.CleanedUp, result.Action);
            Assert.Equal(MigrationStatus.Aborted, result.Status);
            Assert.Equal(MigrationPhase.Prepare, result.LastPhase);
            Assert.Empty(_m.Source.CallsOf(HostOp.Restore));
            _m.AssertRunsOnlyOn(_m.Source, result);
        }

        [Fact]
        public void Died_in_a_checkpoint_that_CRIU_let_run_on_cleans_up_and_counts_as_rolled_back()
        {
            _m.DieAt(MigrationPhase.Checkpoint);

            var result = _m.Resume();

            Assert.Equal(ResumeAction.CleanedUp, result.Action);
            Assert.Equal(MigrationStatus.RolledBack, result.Status);
            Assert.Empty(_m.Source.CallsOf(HostOp.Restore));
            Assert.Empty(_m.Source.CallsOf(HostOp.Resume));
            _m.AssertRunsOnlyOn(_m.Source, result);
        }

        [Fact]
        public void Died_while_dumping_into_the_page_server_kills_it_and_lifts_the_guards_of_both_ports()
        {
            _m.Scenario.Options.StreamMemory = true;
            _m.DieAt(MigrationPhase.Checkpoint);
            Assert.NotEmpty(_m.Destination.GuardedPorts);

            var result = _m.Resume();

            Assert.Equal(MigrationStatus.RolledBack, result.Status);
            Assert.Equal(_m.ImageDir, _m.Destination.CallsOf(HostOp.StopPageDaemons).Single().Argument);
            Assert.Empty(_m.Source.GuardedPorts);
            Assert.Empty(_m.Destination.GuardedPorts);
            Assert.False(_m.Destination.PathExists(_m.ImageDir));
            _m.AssertRunsOnlyOn(_m.Source, result);
        }

        [Fact]
        public void Died_while_checkpointing_with_the_tasks_frozen_thaws_them()
        {
            _m.DieAt(MigrationPhase.Checkpoint);
            _m.Source.Freeze(MigrationScenario.Container);
            _m.Source.WriteImages(_m.ImageDir, "dump.log");  // possibly torn: never restored from

            var result = _m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            Assert.Equal(MigrationStatus.RolledBack, result.Status);
            Assert.Single(_m.Source.CallsOf(HostOp.Resume));
            Assert.Empty(_m.Source.CallsOf(HostOp.Restore));
            _m.AssertRunsOnlyOn(_m.Source, result);
        }

        [Fact]
        public void Died_during_the_transfer_thaws_the_source_and_removes_the_partial_copy()
        {
            _m.DieAt(MigrationPhase.Transfer);
            _m.Destination.AddFile(_m.ImageDir + "/inventory.img");

            var result = _m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            Assert.Equal(MigrationStatus.RolledBack, result.Status);
            Assert.Empty(_m.Source.CallsOf(HostOp.Restore));
            Assert.Contains("On hostA: Paused", result.Found);
            _m.AssertRunsOnlyOn(_m.Source, result);
        }

        [Fact]
        public void Died_during_the_transfer_with_the_frozen_copy_gone_restores_on_the_source_from_the_images()
        {
            _m.DieAt(MigrationPhase.Transfer);
            // The source host restarted meanwhile: its frozen copy is gone, its images are on disk.
            _m.Source.RemoveContainer(MigrationScenario.Container);
            // Part of the stream had arrived.
            _m.Destination.AddFile(_m.ImageDir + "/inventory.img");
            _m.Destination.AddFile(MigrationScenario.Bundle + "/config.json");

            var result = _m.Resume();

            Assert.Equal(ResumeAction.RestoredOnSource, result.Action);
            Assert.Equal(MigrationStatus.RolledBack, result.Status);
            Assert.Equal(_m.ImageDir, _m.Source.RestoredFrom);
            Assert.Contains("On hostA: no such container; on hostB: no such container; the journal's last phase: Transfer, not completed.", result.Found);
            _m.AssertRunsOnlyOn(_m.Source, result);
        }

        [Fact]
        public void Died_in_a_restore_that_half_worked_kills_that_copy_before_thawing_the_source()
        {
            _m.DieAt(MigrationPhase.Restore);
            _m.Destination.WithContainer(MigrationScenario.Container, MigrationScenario.Bundle, ContainerStatus.Created);
            _m.Source.FailOn(HostOp.Resume, "would run twice", when: () => _m.Destination.HasContainer(MigrationScenario.Container));

            var result = _m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            Assert.Contains(_m.Destination.Calls, c => c.Op == HostOp.Delete && c.Argument == "web --force");
            _m.AssertRunsOnlyOn(_m.Source, result);
        }

        [Fact]
        public void A_copy_running_on_the_destination_during_a_rollback_is_not_kept()
        {
            _m.Scenario.Options.Hooks = new FailingHook(LiveMigrate.Hooks.HookPoint.PostRestore);
            _m.Scenario.Options.RollbackOnHookFailure = true;
            _m.DieAt(MigrationPhase.Rollback);
            Assert.True(_m.Destination.IsRunning(MigrationScenario.Container));

            var result = _m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            _m.AssertRunsOnlyOn(_m.Source, result);
        }

        [Fact]
        public void Post_copy_died_while_pages_flowed_stops_the_daemon_removes_the_copy_then_ends_the_dump_and_thaws_the_source()
        {
            using var m = new InterruptedMigration(MigrationMode.PostCopy);
            m.DieAt(MigrationPhase.Pages);
            Assert.True(m.Destination.IsRunning(MigrationScenario.Container));
            // The lazy dump still holds the frozen tasks by ptrace: a thaw would not let them run until it has ended.
            Assert.Equal(ContainerStatus.Paused, m.Source.StatusOf(MigrationScenario.Container));

            var result = m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            Assert.Equal(m.ImageDir, m.Destination.CallsOf(HostOp.StopPageDaemons).Single().Argument);
            var removed = m.Destination.CallsOf(HostOp.Delete).First().Seq;
            var ended = m.Source.CallsOf(HostOp.EndLazyCheckpoint).Single();
            Assert.Equal(m.ImageDir, ended.Argument);
            Assert.True(ended.Seq > removed && m.Source.CallsOf(HostOp.Resume).Single().Seq > ended.Seq);
            // The dead controller's guards on the page ports go too.
            Assert.Equal(m.Record.Id, m.Source.CallsOf(HostOp.UnguardPorts).Single().Argument);
            Assert.Equal(m.Record.Id, m.Destination.CallsOf(HostOp.UnguardPorts).Single().Argument);
            Assert.Empty(m.Source.GuardedPorts);
            Assert.Empty(m.Destination.GuardedPorts);
            Assert.Null(m.Source.RestoredFrom);
            m.AssertRunsOnlyOn(m.Source, result);
        }

        [Fact]
        public void Post_copy_frozen_by_its_page_guard_is_removed_never_thawed_and_the_source_thawed()
        {
            using var m = new InterruptedMigration(MigrationMode.PostCopy);
            m.DieAt(MigrationPhase.Pages);
            m.Destination.WithContainer(MigrationScenario.Container, MigrationScenario.Bundle, ContainerStatus.Paused);

            var result = m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            Assert.Contains(m.Said, s => s.Contains("page guard froze it") && s.Contains("never thawed"));
            Assert.Empty(m.Destination.CallsOf(HostOp.Resume));
            Assert.Contains(m.Destination.Calls, c => c.Op == HostOp.Delete && c.Argument == "web --force");
            m.AssertRunsOnlyOn(m.Source, result);
        }

        [Fact]
        public void Post_copy_whose_guard_saw_every_page_arrive_after_the_controller_died_is_finished_on_the_destination()
        {
            using var m = new InterruptedMigration(MigrationMode.PostCopy);
            m.DieAt(MigrationPhase.Pages);
            m.Destination.PageGuardStates[m.ImageDir] = "done";

            var result = m.Resume();

            Assert.Equal(ResumeAction.Finished, result.Action);
            Assert.True(m.Destination.IsRunning(MigrationScenario.Container));
            Assert.Empty(m.Destination.CallsOf(HostOp.Delete));
            Assert.False(m.Source.HasContainer(MigrationScenario.Container));
            Assert.Contains(m.Said, s => s.Contains("page guard says so"));
        }

        [Fact]
        public void Post_copy_whose_guard_froze_the_copy_is_rolled_back_whatever_else_it_wrote()
        {
            using var m = new InterruptedMigration(MigrationMode.PostCopy);
            m.DieAt(MigrationPhase.Pages);
            m.Destination.PageGuardStates[m.ImageDir] = "frozen lost_unix_ms=1 frozen_unix_ms=2";

            var result = m.Resume();

            Assert.Equal(ResumeAction.Thawed, result.Action);
            Assert.False(m.Destination.HasContainer(MigrationScenario.Container));
            m.AssertRunsOnlyOn(m.Source, result);
        }

        [Fact]
        public void Post_copy_running_nowhere_is_never_restored_from_images_that_hold_no_memory()
        {
            using var m = new InterruptedMigration(MigrationMode.PostCopy);
            m.DieAt(MigrationPhase.Pages);
            m.Source.RemoveContainer(MigrationScenario.Container);  // the frozen copy, where the memory was, is gone

            var ex = Assert.Throws<InvalidOperationException>(() => m.Resume());

            Assert.Contains("hold no memory", ex.Message);
            Assert.Empty(m.Source.CallsOf(HostOp.Restore));
            Assert.True(m.Source.Locks.ContainsKey(m.LockDir));
            Assert.False(m.Destination.IsRunning(MigrationScenario.Container));
        }

        [Fact]
        public void Running_nowhere_without_images_is_reported_and_the_lock_kept()
        {
            _m.DieAt(MigrationPhase.Transfer);
            _m.Source.RemoveContainer(MigrationScenario.Container);
            _m.Source.RemoveTree(_m.ImageDir, default);

            var ex = Assert.Throws<InvalidOperationException>(() => _m.Resume());

            Assert.Contains("runs nowhere", ex.Message);
            Assert.Contains(_m.ImageDir, ex.Message);
            Assert.True(_m.Source.Locks.ContainsKey(_m.LockDir));
            var saved = _m.Saved;
            Assert.False(saved.IsFinished);
            Assert.Contains("runs nowhere", saved.ResumeError);
        }

        private sealed class FailingHook : LiveMigrate.Hooks.IMigrationHooks
        {
            private readonly LiveMigrate.Hooks.HookPoint _point;
            public FailingHook(LiveMigrate.Hooks.HookPoint point) { _point = point; }
            public bool Has(LiveMigrate.Hooks.HookPoint point) => point == _point;
            public void Invoke(LiveMigrate.Hooks.HookPoint point, LiveMigrate.Hooks.HookContext context) => throw new InvalidOperationException("health check failed");
        }
    }
}
