using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Readiness
{
    /// <summary>A readiness row whose Detail starts with one of two words ("Lazy:" or "Eager:"), read back as the choice it carries.</summary>
    internal static class YesNoRow
    {
        /// <summary>True for <paramref name="yes"/>, false for <paramref name="no"/>; null when the row is missing, skipped or says neither.</summary>
        public static bool? Read(IReadOnlyList<ReadinessResult> results, string check, string yes, string no)
        {
            var row = results.FirstOrDefault(r => r.Check == check && r.Status != ReadinessStatus.Skipped);
            return row == null ? (bool?)null : row.Detail.StartsWith(yes + ":") ? true : row.Detail.StartsWith(no + ":") ? false : (bool?)null;
        }
    }
}
