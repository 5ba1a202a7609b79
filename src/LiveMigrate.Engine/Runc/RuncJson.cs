using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace LiveMigrate.Runc
{
    /// <summary>Reads the JSON of <c>runc list --format json</c>, <c>runc state</c> and <c>runc ps --format json</c>.</summary>
    public static class RuncJson
    {
        public static IReadOnlyList<ContainerInfo> ParseList(string json, string host)
        {
            var result = new List<ContainerInfo>();
            if (string.IsNullOrWhiteSpace(json)) return result;
            using var doc = Parse(json);
            // runc prints "null" when there are no containers.
            if (doc.RootElement.ValueKind == JsonValueKind.Null) return result;
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new FormatException("runc list did not print a JSON array: " + Excerpt(json));
            foreach (var item in doc.RootElement.EnumerateArray()) result.Add(ToInfo(item, host));
            return result;
        }

        public static ContainerInfo ParseState(string json, string host)
        {
            using var doc = Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException("runc state did not print a JSON object: " + Excerpt(json));
            return ToInfo(doc.RootElement, host);
        }

        /// <summary>The pids of <c>runc ps --format json</c> (an array of numbers; "null" when there are none), in its order.</summary>
        public static IReadOnlyList<int> ParsePids(string json, string host)
        {
            var result = new List<int>();
            if (string.IsNullOrWhiteSpace(json)) return result;
            using var doc = Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Null) return result;
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new FormatException($"runc ps on {host} did not print a JSON array: " + Excerpt(json));
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var pid) || pid <= 0)
                    throw new FormatException($"runc ps on {host} listed something other than a pid: " + Excerpt(item.GetRawText()));
                result.Add(pid);
            }
            return result;
        }

        private static JsonDocument Parse(string json)
        {
            try { return JsonDocument.Parse(json); }
            catch (JsonException ex) { throw new FormatException("runc printed JSON that cannot be read: " + Excerpt(json), ex); }
        }

        private static ContainerInfo ToInfo(JsonElement e, string host)
        {
            if (e.ValueKind != JsonValueKind.Object)
                throw new FormatException("A runc container entry is not a JSON object: " + Excerpt(e.GetRawText()));
            var id = String(e, "id") ?? throw new FormatException("A runc container entry has no id.");
            var pid = e.TryGetProperty("pid", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;
            DateTimeOffset? created = null;
            if (String(e, "created") is string c &&
                DateTimeOffset.TryParse(c, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                created = when;
            return new ContainerInfo(id, ParseStatus(String(e, "status")), pid, String(e, "bundle") ?? "", created, host);
        }

        public static ContainerStatus ParseStatus(string? status) => status switch
        {
            "creating" => ContainerStatus.Creating,
            "created" => ContainerStatus.Created,
            "running" => ContainerStatus.Running,
            "paused" => ContainerStatus.Paused,
            "stopped" => ContainerStatus.Stopped,
            _ => ContainerStatus.Unknown,
        };

        private static string? String(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static string Excerpt(string s) => s.Length > 200 ? s.Substring(0, 200) + "..." : s;
    }
}
