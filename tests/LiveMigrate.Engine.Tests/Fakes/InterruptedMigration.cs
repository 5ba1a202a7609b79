using System;
using System.Threading;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.Runc;
using Xunit;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>
    /// A migration whose controller dies at a phase boundary: the engine runs on its own thread and stops for
    /// good inside the journal call, as if killed there, leaving the hosts and the saved record as they were.
    /// Then <see cref="Resume"/> ends it from the record, with a controller that is not the one that died.
    /// </summary>
    public sealed class InterruptedMigration : IDisposable
    {
        private readonly ManualResetEventSlim _died = new();
        private readonly ManualResetEventSlim _never = new();

        public InterruptedMigration(MigrationMode mode = MigrationMode.Stop)
        {
            Scenario.Options.Mode = mode;
            Scenario.Options.Journal = new DyingJournal(new MigrationJournal(Store), this);
        }

        public MigrationScenario Scenario { get; } = new MigrationScenario();
        public MemoryJournalStore Store { get; } = new MemoryJournalStore();
        public FakeContainerHost Source => Scenario.Source;
        public FakeContainerHost Destination => Scenario.Destination;
        public RecordingObserver Observer => Scenario.Observer;
        public System.Collections.Generic.List<string> Said { get; } = new();
        public MigrationJournalRecord Record { get; private set; } = null!;
        public string ImageDir => Record.ImageDir;
        public string LockDir => Record.LockDir;

        private MigrationPhase _phase;
        private bool _afterCompleting;

        /// <summary>Runs the migration until the controller dies when <paramref name="phase"/> starts, or (after) once it completed.</summary>
        public InterruptedMigration DieAt(MigrationPhase phase, bool whenCompleted = false)
        {
            _phase = phase;
            _afterCompleting = whenCompleted;
            var engine = new Thread(() =>
            {
                try { Scenario.Migrate(); }
                catch (Exception) { /* released at Dispose: what it does then no longer matters */ }
            }) { IsBackground = true };
            engine.Start();
            Assert.True(_died.Wait(TimeSpan.FromSeconds(10)), $"the migration never reached {phase}");
            Record = Store.Single();
            // Another controller resumes: the one that died was this test process.
            Record.ControllerMachine = "dead-controller";
            return this;
        }

        public ResumeResult Resume() =>
            new MigrationResumer(Store, Scenario.Options, Scenario.Transport).Resume(Record, Source, Destination, Said.Add, CancellationToken.None);

        public MigrationJournalRecord Saved => Store.Load(Record.Id)!;

        /// <summary>Running exactly once, on <paramref name="host"/>; the lock gone; no images anywhere.</summary>
        public void AssertRunsOnlyOn(FakeContainerHost host, ResumeResult result)
        {
            Assert.True(host.IsRunning(MigrationScenario.Container), $"{MigrationScenario.Container} must run on {host.Name}");
            var other = host == Source ? Destination : Source;
            Assert.False(other.HasContainer(MigrationScenario.Container), $"{other.Name} still has an entry for {MigrationScenario.Container}");
            Assert.Equal(host.Name, result.RunningOn);
            Assert.Empty(Source.Locks);
            foreach (var h in new[] { Source, Destination })
            {
                Assert.Empty(h.FilesUnder(ImageDir));
                Assert.Empty(h.FilesUnder(ImageDir + ".lazy"));
            }
            Assert.True(host.PathExists(MigrationScenario.Bundle + "/config.json"), $"the bundle must stay on {host.Name}");
            Assert.Empty(other.FilesUnder(MigrationScenario.Bundle));
            var saved = Saved;
            Assert.True(saved.IsFinished);
            Assert.Equal(host.Name, saved.RunningOn);
            Assert.NotNull(saved.Resolution);
        }

        public void Dispose()
        {
            _never.Set();
            Scenario.Dispose();
        }

        private void Die()
        {
            _died.Set();
            _never.Wait();
            throw new InvalidOperationException("the controller came back from the dead");
        }

        private sealed class DyingJournal : IMigrationJournal
        {
            private readonly IMigrationJournal _inner;
            private readonly InterruptedMigration _m;

            public DyingJournal(IMigrationJournal inner, InterruptedMigration m)
            {
                _inner = inner;
                _m = m;
            }

            public void Started(string migrationId, string container, string source, string destination, MigrationMode mode, BundleSync bundleSync, MigrationPaths paths) =>
                _inner.Started(migrationId, container, source, destination, mode, bundleSync, paths);

            public void PathsChosen(string migrationId, MigrationPaths paths) => _inner.PathsChosen(migrationId, paths);

            public void PhaseStarted(string migrationId, MigrationPhase phase, MigrationPaths paths)
            {
                // Dies just before the phase's work begins (its start recorded).
                _inner.PhaseStarted(migrationId, phase, paths);
                if (phase == _m._phase && !_m._afterCompleting) _m.Die();
            }

            public void PhaseCompleted(string migrationId, MigrationPhase phase, MigrationPaths paths)
            {
                // Dies after the phase's work, before its completion is recorded.
                if (phase == _m._phase && _m._afterCompleting) _m.Die();
                _inner.PhaseCompleted(migrationId, phase, paths);
            }

            public void Finished(MigrationResult result) => _inner.Finished(result);
        }
    }
}
