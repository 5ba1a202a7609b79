using System;
using LiveMigrate.Migration;

namespace LiveMigrate.Journal
{
    /// <summary>One phase of a journaled migration: started, and completed unless it failed or the controller died in it.</summary>
    public sealed class JournalPhase
    {
        public MigrationPhase Phase { get; set; }
        public DateTime StartedUtc { get; set; }
        public DateTime? CompletedUtc { get; set; }

        public override string ToString() => CompletedUtc == null ? $"{Phase} (not completed)" : Phase.ToString();
    }
}
