using System;
using System.Collections.Generic;
using System.Globalization;

namespace LiveMigrate.Readiness.Facts
{
    /// <summary>The "key=value" lines the readiness scripts print; a key may repeat, and other lines are records.</summary>
    internal sealed class KeyValueLines
    {
        private readonly Dictionary<string, List<string>> _values = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        public KeyValueLines(string text)
        {
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                var eq = line.IndexOf('=');
                var space = line.IndexOf(' ');
                if (eq > 0 && (space < 0 || space > eq))
                {
                    Add(line.Substring(0, eq), line.Substring(eq + 1));
                }
                else if (line.Length > 0)
                {
                    Records.Add(line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries));
                    RawRecords.Add(line);
                }
            }
        }

        /// <summary>Lines that are not key=value: space-separated fields, the first naming the kind.</summary>
        public List<string[]> Records { get; } = new List<string[]>();
        /// <summary>The same lines whole, for fields that may hold spaces (paths come last).</summary>
        public List<string> RawRecords { get; } = new List<string>();

        /// <summary>What follows the first <paramref name="fields"/> single-space-separated fields of a record line: a path, spaces kept.</summary>
        public static string After(string raw, int fields)
        {
            var at = 0;
            for (var i = 0; i < fields && at >= 0; i++) at = raw.IndexOf(' ', at) is var space && space >= 0 ? space + 1 : -1;
            return at < 0 ? "" : raw.Substring(at);
        }

        private void Add(string key, string value)
        {
            if (!_values.TryGetValue(key, out var list)) _values[key] = list = new List<string>();
            list.Add(value);
        }

        /// <summary>The last value of <paramref name="key"/>; empty values count as absent.</summary>
        public string? Get(string key) =>
            _values.TryGetValue(key, out var list) && list[list.Count - 1].Length > 0 ? list[list.Count - 1] : null;

        public IReadOnlyList<string> All(string key) =>
            _values.TryGetValue(key, out var list) ? list : (IReadOnlyList<string>)Array.Empty<string>();

        public long? Long(string key) =>
            long.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
    }
}
