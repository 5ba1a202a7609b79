using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Readiness
{
    /// <summary>Whether readiness results let a move go ahead: never on a Fail, on a Warn only with -Force.</summary>
    public static class ReadinessGate
    {
        /// <summary>The refusal to raise, or null when the move may go ahead.</summary>
        public static ReadinessFailedException? Refusal(string container, IReadOnlyList<ReadinessResult> results, bool force)
        {
            var failed = results.Any(r => r.Status == ReadinessStatus.Fail);
            if (!failed && (force || results.All(r => r.Status != ReadinessStatus.Warn))) return null;
            return new ReadinessFailedException(container, results, warningsOnly: !failed);
        }
    }
}
