using System.Collections.Generic;
using System.Linq;
using LiveMigrate.Migration;
using LiveMigrate.Readiness.Checks;

namespace LiveMigrate.Readiness
{
    /// <summary>
    /// -Mode Auto: the shortest freeze the hosts allow, from readiness run without a mode. Pre-copy when the
    /// source tracks dirty memory and nothing else holds pre-copy back (a stopped task) (the freeze then carries only
    /// the last changes, and a failure at any point leaves complete images on the source), else post-copy when both
    /// ends can run it, else stop-and-copy.
    /// </summary>
    public static class ModeChoice
    {
        /// <param name="postCopyPossible">False when a host is local: post-copy needs SSH port forwarding.</param>
        public static MigrationMode Choose(IReadOnlyList<ReadinessResult> results, string source, string destination, bool postCopyPossible)
        {
            bool Passes(string check, string host) =>
                results.Any(r => r.Check == check && r.Host == host) && results.Where(r => r.Check == check && r.Host == host).All(r => r.Status == ReadinessStatus.Pass);
            if (Passes(HostChecks.PreCopy, source)) return MigrationMode.PreCopy;
            if (postCopyPossible && Passes(HostChecks.PostCopy, source) && Passes(HostChecks.PostCopy, destination)) return MigrationMode.PostCopy;
            return MigrationMode.Stop;
        }

        /// <summary>
        /// The results as the chosen mode sees them: a mode's Warn that another mode is unavailable becomes
        /// Skipped, since the move does not use it.
        /// </summary>
        public static IReadOnlyList<ReadinessResult> ForMode(IReadOnlyList<ReadinessResult> results, MigrationMode chosen) =>
            results.Select(r => r.Status == ReadinessStatus.Warn && IsOtherMode(r.Check, chosen)
                ? new ReadinessResult(r.Check, r.Host, ReadinessStatus.Skipped, $"{r.Detail} -Mode Auto chose {chosen}, which does not need it.", r.Remedy)
                : r).ToList();

        private static bool IsOtherMode(string check, MigrationMode chosen) =>
            (check == HostChecks.PreCopy && chosen != MigrationMode.PreCopy) || (check == HostChecks.PostCopy && chosen != MigrationMode.PostCopy);
    }
}
