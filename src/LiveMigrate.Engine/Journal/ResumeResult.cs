using LiveMigrate.Migration;

namespace LiveMigrate.Journal
{
    /// <summary>What resuming an interrupted migration did.</summary>
    public enum ResumeAction
    {
        /// <summary>It ran on the destination, restored whole: the source was cleaned up as after a success.</summary>
        Finished,
        /// <summary>It still ran on the source (not frozen, or CRIU let it go on): leftovers removed.</summary>
        CleanedUp,
        /// <summary>It was frozen on the source by a checkpoint cut short: thawed there.</summary>
        Thawed,
        /// <summary>It ran nowhere (or only as an incomplete copy on the destination): restored on the source from its images.</summary>
        RestoredOnSource,
    }

    public sealed class ResumeResult
    {
        public ResumeResult(MigrationJournalRecord record, string found, ResumeAction action)
        {
            MigrationId = record.Id;
            Container = record.Container;
            Source = record.Source;
            Destination = record.Destination;
            LastPhase = record.LastPhase;
            Found = found;
            Action = action;
            Status = record.Status ?? MigrationStatus.Failed;
            RunningOn = record.RunningOn;
        }

        public string MigrationId { get; }
        public string Container { get; }
        public string Source { get; }
        public string Destination { get; }
        /// <summary>The phase the controller was in when it died.</summary>
        public MigrationPhase? LastPhase { get; }
        /// <summary>What the two hosts reported.</summary>
        public string Found { get; }
        public ResumeAction Action { get; }
        /// <summary>Succeeded (finished on the destination), RolledBack, or Aborted (nothing had been frozen).</summary>
        public MigrationStatus Status { get; }
        public string? RunningOn { get; }

        public override string ToString() => $"{Container}: {Action}, runs on {RunningOn}";
    }
}
