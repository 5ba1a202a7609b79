using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json.Serialization;
using LiveMigrate.Migration;

namespace LiveMigrate.Journal
{
    /// <summary>
    /// What the controller knows of one migration: who moved what where, the paths it used on the hosts, each
    /// phase's start and end, and how it ended. Host names are addresses (user@host:port); no secret is kept.
    /// </summary>
    public sealed class MigrationJournalRecord
    {
        public string Id { get; set; } = "";
        public string Container { get; set; } = "";
        public string Source { get; set; } = "";
        public string Destination { get; set; } = "";
        public MigrationMode Mode { get; set; }
        /// <summary>How the bundle travels (Full in a record written before this was kept, as it was then).</summary>
        public BundleSync BundleSync { get; set; }
        public string Bundle { get; set; } = "";
        public string ImageDir { get; set; } = "";
        public string LockDir { get; set; } = "";
        public DateTime StartedUtc { get; set; }
        /// <summary>user@machine of the controller that ran the migration.</summary>
        public string Controller { get; set; } = "";
        public string ControllerMachine { get; set; } = "";
        public int ControllerProcessId { get; set; }
        public DateTime ControllerProcessStartUtc { get; set; }
        public List<JournalPhase> Phases { get; set; } = new List<JournalPhase>();
        /// <summary>How the migration ended; null while it runs, or when its controller died before the end.</summary>
        public MigrationStatus? Status { get; set; }
        public string? RunningOn { get; set; }
        public string? Error { get; set; }
        public DateTime? FinishedUtc { get; set; }
        /// <summary>What Resume-Migration found and did.</summary>
        public string? Resolution { get; set; }
        /// <summary>Why the last resume could not finish; the record stays unfinished.</summary>
        public string? ResumeError { get; set; }

        [JsonIgnore]
        public MigrationPhase? LastPhase => Phases.Count == 0 ? (MigrationPhase?)null : Phases[Phases.Count - 1].Phase;

        [JsonIgnore]
        public bool IsFinished => Status != null;

        /// <summary>The status, or Running (its controller process lives) or Interrupted (it died) when unfinished.</summary>
        [JsonIgnore]
        public string State => Status?.ToString() ?? (IsControllerRunning() ? "Running" : "Interrupted");

        public bool Reached(MigrationPhase phase) => Phases.Any(p => p.Phase == phase);

        public bool Completed(MigrationPhase phase) => Phases.Any(p => p.Phase == phase && p.CompletedUtc != null);

        /// <summary>Whether the process that ran the migration still runs on this machine (the same process, not a reused id).</summary>
        public bool IsControllerRunning()
        {
            if (!string.Equals(ControllerMachine, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return false;
            try
            {
                using (var p = Process.GetProcessById(ControllerProcessId))
                    return !p.HasExited && Math.Abs((p.StartTime.ToUniversalTime() - ControllerProcessStartUtc).TotalSeconds) < 2;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }

        internal void Use(MigrationPaths paths)
        {
            // A path once chosen stays: the engine forgets the lock's path when it releases it.
            if (paths.Bundle.Length > 0) Bundle = paths.Bundle;
            if (paths.ImageDir.Length > 0) ImageDir = paths.ImageDir;
            if (paths.LockDir.Length > 0) LockDir = paths.LockDir;
        }

        internal void Begin(MigrationPhase phase, DateTime now) => Phases.Add(new JournalPhase { Phase = phase, StartedUtc = now });

        internal void End(MigrationPhase phase, DateTime now)
        {
            var open = Phases.LastOrDefault(p => p.Phase == phase && p.CompletedUtc == null);
            if (open != null) open.CompletedUtc = now;
        }

        public override string ToString() => $"{Id}: {Container} {Source} -> {Destination} {State}";
    }
}
