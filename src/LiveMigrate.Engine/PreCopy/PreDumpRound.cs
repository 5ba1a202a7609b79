using System;

namespace LiveMigrate.PreCopy
{
    /// <summary>One pre-dump round: what CRIU wrote while the container ran, and what went to the destination.</summary>
    public sealed class PreDumpRound
    {
        public PreDumpRound(string predumpId, string container, int round, Runc.DumpStats stats, TimeSpan duration, long transferred)
        {
            PredumpId = predumpId;
            Container = container;
            Round = round;
            PagesScanned = stats.PagesScanned;
            PagesWritten = stats.PagesWritten;
            PagesSkippedParent = stats.PagesSkippedParent;
            FrozenTime = stats.FrozenTime;
            Duration = duration;
            Transferred = transferred;
        }

        /// <summary>The staged series this round belongs to; Move-Container -PredumpId finishes from it.</summary>
        public string PredumpId { get; }
        public string Container { get; }
        public int Round { get; }
        public long PagesScanned { get; }
        public long PagesWritten { get; }
        public long PagesSkippedParent { get; }
        /// <summary>The memory this round wrote: PagesWritten pages of 4 KiB.</summary>
        public long Bytes => PagesWritten * Runc.DumpStats.PageSize;
        /// <summary>How long the container was frozen during the round.</summary>
        public TimeSpan FrozenTime { get; }
        /// <summary>The pre-dump itself, from runc's start to its end.</summary>
        public TimeSpan Duration { get; }
        /// <summary>Bytes streamed to the destination for this round (images and their tar framing).</summary>
        public long Transferred { get; }
        /// <summary>Set on the last round only: why no further round ran.</summary>
        public string? StopReason { get; internal set; }

        public override string ToString() => $"{Container} round {Round}: {PagesWritten} pages written";
    }
}
