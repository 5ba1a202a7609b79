using System;
using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Readiness
{
    /// <summary>A move refused before anything was frozen, because readiness checks failed (or warned, without -Force).</summary>
    public sealed class ReadinessFailedException : Exception
    {
        public ReadinessFailedException(string container, IReadOnlyList<ReadinessResult> results, bool warningsOnly)
            : base(Describe(container, results, warningsOnly))
        {
            Results = results;
            WarningsOnly = warningsOnly;
        }

        /// <summary>Every check's result, the failed ones among them.</summary>
        public IReadOnlyList<ReadinessResult> Results { get; }
        /// <summary>True when nothing failed, but checks warned and -Force was not given.</summary>
        public bool WarningsOnly { get; }

        private static string Describe(string container, IReadOnlyList<ReadinessResult> results, bool warningsOnly)
        {
            var status = warningsOnly ? ReadinessStatus.Warn : ReadinessStatus.Fail;
            var named = results.Where(r => r.Status == status).Select(r => $"{r.Check} on {r.Host}: {r.Detail}" + (r.Remedy.Length > 0 ? $" Fix: {r.Remedy}" : ""));
            return warningsOnly
                ? $"{container} was not moved: readiness checks warned (use -Force to move anyway). " + string.Join(" ", named)
                : $"{container} was not moved, nothing was frozen: readiness checks failed (fix them, or use -SkipReadiness at your own risk). " + string.Join(" ", named);
        }
    }
}
