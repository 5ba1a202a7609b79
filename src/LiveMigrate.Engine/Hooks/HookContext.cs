using System;
using System.Collections.Generic;
using LiveMigrate.Migration;

namespace LiveMigrate.Hooks
{
    /// <summary>What a hook is told: which migration, where it stands, how long each phase took so far, and any error.</summary>
    public sealed class HookContext
    {
        public HookContext(string migrationId, string container, string source, string destination, HookPoint hook, MigrationPhase phase,
            IReadOnlyDictionary<MigrationPhase, TimeSpan> timings, TimeSpan elapsed, string? error)
        {
            MigrationId = migrationId;
            Container = container;
            Source = source;
            Destination = destination;
            Hook = hook;
            Phase = phase;
            Timings = timings;
            Elapsed = elapsed;
            Error = error;
        }

        public string MigrationId { get; }
        public string Container { get; }
        public string Source { get; }
        public string Destination { get; }
        public HookPoint Hook { get; }
        /// <summary>The phase just finished (post-hooks) or about to start (pre-hooks).</summary>
        public MigrationPhase Phase { get; }
        /// <summary>Each phase's duration so far.</summary>
        public IReadOnlyDictionary<MigrationPhase, TimeSpan> Timings { get; }
        public TimeSpan Elapsed { get; }
        /// <summary>Why the migration failed (OnFailure, OnRollback); null otherwise.</summary>
        public string? Error { get; }

        public override string ToString() => $"{Hook} of {Container} ({Source} -> {Destination})";
    }
}
