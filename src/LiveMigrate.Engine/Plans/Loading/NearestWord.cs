using System;
using System.Collections.Generic;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>Finds what a misspelt key, host or value most likely meant.</summary>
    internal static class NearestWord
    {
        /// <summary>The closest candidate, ignoring case, when it is close enough to be a typo; else null.</summary>
        public static string? Find(string word, IEnumerable<string> candidates)
        {
            string? best = null;
            var bestDistance = int.MaxValue;
            foreach (var candidate in candidates)
            {
                var d = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
                if (d < bestDistance && d <= Math.Max(2, candidate.Length / 3))
                {
                    best = candidate;
                    bestDistance = d;
                }
            }
            return best;
        }

        /// <summary>" Did you mean 'x'?" or an empty string.</summary>
        public static string Hint(string word, IEnumerable<string> candidates)
        {
            var nearest = Find(word, candidates);
            return nearest == null ? "" : $"did you mean '{nearest}'? ";
        }

        // Levenshtein distance: insertions, deletions and substitutions.
        private static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++) previous[j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                    current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
                }
                var swap = previous;
                previous = current;
                current = swap;
            }
            return previous[b.Length];
        }
    }
}
