using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using LiveMigrate.Journal;

namespace LiveMigrate.Tests.Fakes
{
    /// <summary>Keeps a copy of each record as saved, like a file would: later changes to the object do not show.</summary>
    public sealed class MemoryJournalStore : IJournalStore
    {
        private readonly Dictionary<string, string> _saved = new(StringComparer.Ordinal);

        public int Saves { get; private set; }
        /// <summary>When set, every save throws this.</summary>
        public Exception? Failure { get; set; }

        public void Save(MigrationJournalRecord record)
        {
            if (Failure != null) throw Failure;
            lock (_saved)
            {
                _saved[record.Id] = JsonSerializer.Serialize(record);
                Saves++;
            }
        }

        public MigrationJournalRecord? Load(string id)
        {
            lock (_saved) return _saved.TryGetValue(id, out var json) ? JsonSerializer.Deserialize<MigrationJournalRecord>(json) : null;
        }

        public IReadOnlyList<MigrationJournalRecord> List()
        {
            lock (_saved) return _saved.Keys.Select(id => Load(id)!).OrderByDescending(r => r.StartedUtc).ToList();
        }

        public MigrationJournalRecord Single() => List().Single();

        private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);

        /// <summary>Like the file store's lock: one holder at a time.</summary>
        public IDisposable Claim(string id)
        {
            lock (_claimed)
            {
                if (!_claimed.Add(id)) throw new InvalidOperationException($"Migration {id} is being resumed already.");
            }
            return new Release(() => { lock (_claimed) _claimed.Remove(id); });
        }

        private sealed class Release : IDisposable
        {
            private readonly Action _release;
            public Release(Action release) { _release = release; }
            public void Dispose() => _release();
        }
    }
}
