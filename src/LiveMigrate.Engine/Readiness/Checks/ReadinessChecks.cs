using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace LiveMigrate.Readiness.Checks
{
    /// <summary>The checks, in the order they are reported: hosts first, then the pair, then the container.</summary>
    internal static class ReadinessChecks
    {
        public static IReadOnlyList<ReadinessResult> Judge(ReadinessEvidence e)
        {
            var all = new List<ReadinessResult>();
            all.AddRange(HostChecks.Judge(e));
            all.AddRange(PairChecks.Judge(e));
            if (e.Request.ContainerName != null) all.AddRange(ContainerChecks.Judge(e));
            return all;
        }

        /// <summary>A row for a check whose probe did not run or failed; null when it succeeded.</summary>
        public static ReadinessResult? Unavailable<T>(string check, string host, Outcome<T> outcome, string whyNotRun)
        {
            if (!outcome.Ran) return new ReadinessResult(check, host, ReadinessStatus.Skipped, whyNotRun);
            if (outcome.Error is { } ex)
                return new ReadinessResult(check, host, ReadinessStatus.Fail, $"Could not be checked: {ex.Message}",
                    "Fix what the error names and run Test-MigrationReadiness again; until then nothing shows the migration would work.");
            return null;
        }

        public static string Size(long bytes) => bytes >= 1L << 30
            ? (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB"
            : (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB";

        public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

        /// <summary>Compares dotted version numbers by their numeric parts ("1.1.5+ds1" reads as 1.1.5).</summary>
        public static int CompareVersions(string a, string b)
        {
            int[] Parts(string v) => v.Split('.', '+', '-', '~').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).TakeWhile(n => n >= 0).ToArray();
            var x = Parts(a);
            var y = Parts(b);
            for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
            {
                var c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
                if (c != 0) return c;
            }
            return 0;
        }
    }
}
