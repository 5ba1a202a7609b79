using System;
using System.Collections.Generic;

namespace LiveMigrate.PreCopy
{
    /// <summary>
    /// When pre-dump rounds stop and the final dump (the freeze) begins. Each round after the first carries
    /// only the pages written since the one before, so rounds pay off while that number falls fast; they
    /// stop when it is small, when it no longer falls, or after a fixed number of rounds.
    /// </summary>
    public sealed class PreCopyPolicy
    {
        /// <summary>
        /// At most this many rounds (default 5). Every round briefly freezes the container while CRIU collects
        /// its dirty pages, and a workload that writes memory faster than the link carries it never converges:
        /// past a handful of rounds more only add freezes and traffic.
        /// </summary>
        public int MaxRounds { get; set; } = 5;

        /// <summary>
        /// Stop once a round writes fewer pages than this (default 1024 pages, 4 MiB). At the 100-300 MB/s an
        /// SSH stream gets, 4 MiB is tens of milliseconds of frozen transfer, less than another round's own
        /// freeze and SSH round trips would cost.
        /// </summary>
        public long MinPagesWritten { get; set; } = 1024;

        /// <summary>
        /// Stop once a round writes no less than (100 - this) percent of the round before (default 25): the
        /// workload then dirties memory about as fast as rounds carry it, and the final delta stops shrinking.
        /// </summary>
        public int MinShrinkPercent { get; set; } = 25;

        public PreCopyPolicy Copy() => (PreCopyPolicy)MemberwiseClone();

        /// <summary>Why the rounds so far are enough, or null to run another.</summary>
        public string? StopReason(IReadOnlyList<long> pagesWritten)
        {
            if (MaxRounds < 1 || MinPagesWritten < 0 || MinShrinkPercent < 0 || MinShrinkPercent > 100)
                throw new ArgumentException("MaxRounds must be at least 1, MinPagesWritten not negative, MinShrinkPercent between 0 and 100.");
            var n = pagesWritten.Count;
            if (n == 0) return null;
            var last = pagesWritten[n - 1];
            if (last < MinPagesWritten) return $"converged: round {n} wrote {last} pages, fewer than {MinPagesWritten}";
            if (n >= 2 && last * 100 > pagesWritten[n - 2] * (100 - MinShrinkPercent))
                return $"not shrinking: round {n} wrote {last} pages after {pagesWritten[n - 2]}, less than {MinShrinkPercent}% fewer";
            if (n >= MaxRounds) return $"maximum of {MaxRounds} rounds reached";
            return null;
        }
    }
}
