using System;
using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Migration
{
    /// <summary>What one migration did: where the container is now, how long each phase took, what it cost.</summary>
    public sealed class MigrationResult
    {
        private readonly Dictionary<MigrationPhase, TimeSpan> _phases = new Dictionary<MigrationPhase, TimeSpan>();

        public MigrationResult(string migrationId, string container, string source, string destination)
        {
            MigrationId = migrationId;
            Container = container;
            Source = source;
            Destination = destination;
        }

        public string MigrationId { get; }
        public string Container { get; }
        public string Source { get; }
        public string Destination { get; }
        public MigrationStatus Status { get; internal set; }
        public MigrationMode Mode { get; internal set; }
        /// <summary>How the bundle travelled: Full, Delta or None (never Auto, which is settled before the move).</summary>
        public BundleSync BundleSync { get; internal set; }
        /// <summary>The host the container runs on after the migration, or null when it runs nowhere.</summary>
        public string? RunningOn { get; internal set; }
        /// <summary>From the freeze until the container ran again, wherever that was.</summary>
        public TimeSpan Downtime { get; internal set; }
        public DateTimeOffset StartTime { get; internal set; }
        public TimeSpan Duration { get; internal set; }
        /// <summary>Bytes sent to the destination while frozen: the streams' and, with <see cref="BytesStreamedWhileDumping"/>, the memory's.</summary>
        public long BytesTransferred { get; internal set; }
        /// <summary>
        /// Stop over the direct route: the memory CRIU sent into the destination's page server as it dumped it (counted in
        /// <see cref="BytesTransferred"/>). Its transfer then happens inside <see cref="CheckpointTime"/>, and
        /// <see cref="TransferTime"/> covers only the other images and the bundle. 0 when the memory was dumped, then sent.
        /// </summary>
        public long BytesStreamedWhileDumping { get; internal set; }
        /// <summary>How the streams went: straight from the source to the destination, or through the controller.</summary>
        public Transfer.TransferRoute TransferRoute { get; internal set; } = Transfer.TransferRoute.Relay;
        /// <summary>How the streams were compressed: None, Zstd or Lz4 (never Auto, which is settled before the move).</summary>
        public Transfer.StreamCompression Compression { get; internal set; }
        /// <summary>The Transfer phase's throughput in MB/s (10^6 bytes; compressed, of the tar stream before compression): not the memory streamed while dumping.</summary>
        public double TransferRate => TransferTime.TotalSeconds > 0 ? (BytesTransferred - BytesStreamedWhileDumping) / 1e6 / TransferTime.TotalSeconds : 0;
        public string? ImagePath { get; internal set; }
        public string? Error { get; internal set; }
        public string? RollbackError { get; internal set; }
        /// <summary>Pre-copy: the series whose rounds the final dump builds on.</summary>
        public string? PredumpId { get; internal set; }
        /// <summary>Pre-copy: the rounds this migration ran while the container ran (none when it finished staged rounds).</summary>
        public IReadOnlyList<PreCopy.PreDumpRound> PreCopyRounds => _preCopyRounds;
        internal readonly List<PreCopy.PreDumpRound> _preCopyRounds = new List<PreCopy.PreDumpRound>();
        /// <summary>Pages the final dump wrote into the images while the container was frozen (none in post-copy).</summary>
        public long FinalPagesWritten { get; internal set; }
        /// <summary>Post-copy: pages the destination fetched from the frozen source tasks after the container ran there.</summary>
        public long PostCopyPages { get; internal set; }
        /// <summary>Pages of memory this migration sent: its pre-copy rounds', its final dump's and, in post-copy, those fetched after.</summary>
        public long PagesMoved => FinalPagesWritten + PostCopyPages + _preCopyRounds.Sum(r => r.PagesWritten);
        /// <summary>Hooks that threw, in the order they ran.</summary>
        public IReadOnlyList<Hooks.HookFailure> HookFailures => _hookFailures;
        internal readonly List<Hooks.HookFailure> _hookFailures = new List<Hooks.HookFailure>();

        public TimeSpan PrepareTime => Phase(MigrationPhase.Prepare);
        /// <summary>Pre-copy only: the rounds before the freeze, while the container ran.</summary>
        public TimeSpan PreDumpTime => Phase(MigrationPhase.PreDump);
        /// <summary>The dump, frozen; with <see cref="BytesStreamedWhileDumping"/>, the memory's transfer too.</summary>
        public TimeSpan CheckpointTime => Phase(MigrationPhase.Checkpoint);
        /// <summary>The images' and the bundle's streams, frozen (not the memory streamed while dumping).</summary>
        public TimeSpan TransferTime => Phase(MigrationPhase.Transfer);
        public TimeSpan RestoreTime => Phase(MigrationPhase.Restore);
        /// <summary>Post-copy only: from the restore until every page had arrived, while the container ran.</summary>
        public TimeSpan PagesTime => Phase(MigrationPhase.Pages);
        public TimeSpan VerifyTime => Phase(MigrationPhase.Verify);
        public TimeSpan CleanupTime => Phase(MigrationPhase.Cleanup);
        public TimeSpan RollbackTime => Phase(MigrationPhase.Rollback);
        public IReadOnlyDictionary<MigrationPhase, TimeSpan> Phases => _phases;

        internal void AddPhase(MigrationPhase phase, TimeSpan duration) =>
            _phases[phase] = Phase(phase) + duration;

        private TimeSpan Phase(MigrationPhase phase) => _phases.TryGetValue(phase, out var t) ? t : TimeSpan.Zero;

        public override string ToString() => $"{Container}: {Source} -> {Destination} {Status} (downtime {Downtime.TotalMilliseconds:0} ms)";
    }
}
