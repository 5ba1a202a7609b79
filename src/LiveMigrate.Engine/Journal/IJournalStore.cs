using System;
using System.Collections.Generic;

namespace LiveMigrate.Journal
{
    /// <summary>Where journal records are kept: a folder on the controller, or memory in tests.</summary>
    public interface IJournalStore
    {
        void Save(MigrationJournalRecord record);
        /// <summary>The record of <paramref name="id"/>, or null when there is none.</summary>
        MigrationJournalRecord? Load(string id);
        /// <summary>Every record, newest first.</summary>
        IReadOnlyList<MigrationJournalRecord> List();
        /// <summary>Holds <paramref name="id"/> for one resume until disposed; throws InvalidOperationException while another holds it.</summary>
        IDisposable Claim(string id);
    }
}
