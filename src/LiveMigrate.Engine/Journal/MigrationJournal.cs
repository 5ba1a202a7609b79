using System;
using System.Collections.Generic;
using System.Diagnostics;
using LiveMigrate.Migration;

namespace LiveMigrate.Journal
{
    /// <summary>Keeps a record per running migration and saves it to the store at every phase boundary.</summary>
    public sealed class MigrationJournal : IMigrationJournal
    {
        private readonly IJournalStore _store;
        private readonly Func<DateTime> _utcNow;
        private readonly Dictionary<string, MigrationJournalRecord> _running = new Dictionary<string, MigrationJournalRecord>(StringComparer.Ordinal);

        public MigrationJournal(IJournalStore store, Func<DateTime>? utcNow = null)
        {
            _store = store;
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        public void Started(string migrationId, string container, string source, string destination, MigrationMode mode, BundleSync bundleSync, MigrationPaths paths)
        {
            var record = new MigrationJournalRecord
            {
                Id = migrationId, Container = container, Source = source, Destination = destination, Mode = mode, BundleSync = bundleSync, StartedUtc = _utcNow(),
            };
            using (var self = Process.GetCurrentProcess())
            {
                record.Controller = $"{Environment.UserName}@{Environment.MachineName}";
                record.ControllerMachine = Environment.MachineName;
                record.ControllerProcessId = self.Id;
                record.ControllerProcessStartUtc = self.StartTime.ToUniversalTime();
            }
            record.Use(paths);
            lock (_running) _running[migrationId] = record;
            Save(record);
        }

        public void PathsChosen(string migrationId, MigrationPaths paths) => Update(migrationId, r => r.Use(paths));

        public void PhaseStarted(string migrationId, MigrationPhase phase, MigrationPaths paths) =>
            Update(migrationId, r => { r.Use(paths); r.Begin(phase, _utcNow()); });

        public void PhaseCompleted(string migrationId, MigrationPhase phase, MigrationPaths paths) =>
            Update(migrationId, r => { r.Use(paths); r.End(phase, _utcNow()); });

        public void Finished(MigrationResult result)
        {
            MigrationJournalRecord? record;
            lock (_running)
            {
                if (!_running.TryGetValue(result.MigrationId, out record)) return;
                _running.Remove(result.MigrationId);
            }
            lock (record)
            {
                record.Status = result.Status;
                record.RunningOn = result.RunningOn;
                record.Error = result.RollbackError == null ? result.Error : $"{result.Error} Rollback: {result.RollbackError}";
                record.FinishedUtc = _utcNow();
            }
            Save(record);
        }

        private void Update(string migrationId, Action<MigrationJournalRecord> change)
        {
            MigrationJournalRecord? record;
            lock (_running) _running.TryGetValue(migrationId, out record);
            if (record == null) return;
            lock (record) change(record);
            Save(record);
        }

        private void Save(MigrationJournalRecord record)
        {
            lock (record) _store.Save(record);
        }
    }
}
