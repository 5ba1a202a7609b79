using System;
using System.Diagnostics;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using LiveMigrate.Tests.Fakes;
using Xunit;

namespace LiveMigrate.Tests.Journal
{
    /// <summary>What a resume must not touch: another caller's migration, a live one, a finished one, a double.</summary>
    public sealed class ResumeRefusalTests : IDisposable
    {
        private readonly InterruptedMigration _m = new InterruptedMigration();

        public ResumeRefusalTests() { _m.DieAt(MigrationPhase.Transfer); }

        public void Dispose() => _m.Dispose();

        [Fact]
        public void Another_callers_lock_is_respected()
        {
            _m.Source.Locks[_m.LockDir] = "migration 20261128T020000-0badf00d of web to hostC, by ops@ctl2 (process 7), since 2026-11-28 02:00:00 UTC";

            var ex = Assert.Throws<InvalidOperationException>(() => _m.Resume());

            Assert.Contains("being migrated by someone else: migration 20261128T020000-0badf00d", ex.Message);
            Assert.DoesNotContain(_m.Source.MutatingCalls, c => c.Op != HostOp.Checkpoint && c.Op != HostOp.CreateDirectory);
            Assert.Contains("0badf00d", _m.Source.Locks[_m.LockDir]);
        }

        [Fact]
        public void A_migration_whose_controller_still_runs_is_left_alone()
        {
            using var self = Process.GetCurrentProcess();
            _m.Record.ControllerMachine = Environment.MachineName;

            var ex = Assert.Throws<InvalidOperationException>(() => _m.Resume());

            Assert.Contains($"still running, in process {self.Id}", ex.Message);
            Assert.Equal("Running", _m.Record.State);
        }

        [Fact]
        public void A_finished_migration_is_not_resumed()
        {
            _m.Record.Status = MigrationStatus.Succeeded;

            var ex = Assert.Throws<InvalidOperationException>(() => _m.Resume());

            Assert.Contains("ended already (Succeeded)", ex.Message);
        }

        [Fact]
        public void A_container_running_on_both_hosts_is_left_for_a_person()
        {
            _m.Source.WithContainer(MigrationScenario.Container, MigrationScenario.Bundle);
            _m.Destination.WithContainer(MigrationScenario.Container, MigrationScenario.Bundle);
            _m.Record.Phases.Add(new JournalPhase { Phase = MigrationPhase.Restore });

            var ex = Assert.Throws<InvalidOperationException>(() => _m.Resume());

            Assert.Contains("runs on both", ex.Message);
            Assert.Empty(_m.Destination.CallsOf(HostOp.Delete));
            Assert.True(_m.Source.Locks.ContainsKey(_m.LockDir));
        }
    }
}
