using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>
    /// Reads typed values out of YAML nodes. Each read that fails reports its problem and returns null,
    /// so the loader carries on and finds the plan's other problems in the same pass.
    /// </summary>
    internal sealed class NodeReader
    {
        public NodeReader(Problems problems) { Problems = problems; }

        public Problems Problems { get; }

        /// <summary>
        /// Reports the keys <paramref name="keys"/> does not know and the required ones that are missing;
        /// keys that <paramref name="reportedElsewhere"/> matches are left to the caller, which reports them its own way.
        /// </summary>
        public void CheckKeys(YamlMapping mapping, KeySet keys, string where, Func<string, bool>? reportedElsewhere = null)
        {
            foreach (var entry in mapping.Entries)
            {
                var key = entry.Key.Value;
                if (keys.All.Contains(key) || (reportedElsewhere?.Invoke(key) ?? false)) continue;
                Problems.Error(entry.Key, PlanProblemCodes.UnknownKey, $"Unknown key '{key}' {where}.",
                    Capitalize(NearestWord.Hint(key, keys.All)) + $"The keys {where} are: {string.Join(", ", keys.All)}.");
            }
            foreach (var required in keys.Required.Where(k => mapping.KeyNode(k) == null))
            {
                Problems.Error(mapping, PlanProblemCodes.MissingKey, $"The key '{required}' is missing {where}.", $"Add '{required}:' to this mapping.");
            }
        }

        public YamlMapping? Mapping(YamlNode? node, string what, string fix)
        {
            if (node == null || node is YamlMapping) return (YamlMapping?)node;
            Problems.Error(node, PlanProblemCodes.WrongType, $"{Capitalize(what)} must be a mapping of keys and values, not {node.Describe()}.", fix);
            return null;
        }

        /// <summary>A list; null (reported) when the node is something else or, with <paramref name="nonEmpty"/>, empty.</summary>
        public YamlSequence? Sequence(YamlNode? node, string what, string fix, bool nonEmpty = true)
        {
            if (node == null) return null;
            if (node is YamlSequence sequence && (sequence.Items.Count > 0 || !nonEmpty)) return sequence;
            var problem = node is YamlSequence ? "is an empty list" : $"must be a list, not {node.Describe()}";
            Problems.Error(node, node is YamlSequence ? PlanProblemCodes.InvalidValue : PlanProblemCodes.WrongType, $"{Capitalize(what)} {problem}.", fix);
            return null;
        }

        /// <summary>A text value; numbers and booleans count as text (a container may be named 1), empty does not.</summary>
        public string? String(YamlMapping mapping, string key, string where)
        {
            var node = mapping[key];
            if (node == null) return null;
            if (node is YamlScalar scalar && !scalar.IsNull && scalar.Value.Length > 0) return scalar.Value;
            Problems.Error(node, PlanProblemCodes.WrongType, $"'{key}' {where} must be text, not {node.Describe()}.", $"Write a value after '{key}:', on the same line.");
            return null;
        }

        public int? Int(YamlMapping mapping, string key, IntRange range, string where)
        {
            var node = mapping[key];
            if (node == null) return null;
            var example = $"{key}: {range.Minimum + (range.Maximum > range.Minimum ? 1 : 0)}";
            if (!(node is YamlScalar scalar) || !scalar.IsPlain || !int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                Problems.Error(node, PlanProblemCodes.WrongType, $"'{key}' {where} must be a whole number, not {node.Describe()}.", $"Write a number from {range}, unquoted, such as '{example}'.");
                return null;
            }
            if (range.Contains(value)) return value;
            Problems.Error(node, PlanProblemCodes.OutOfRange, $"'{key}' {where} is {value}, outside {range}.", $"Use a number from {range}, such as '{example}'.");
            return null;
        }

        public bool? Bool(YamlMapping mapping, string key, string where)
        {
            var node = mapping[key];
            if (node == null) return null;
            if (node is YamlScalar scalar && scalar.IsPlain && (scalar.Value == "true" || scalar.Value == "false")) return scalar.Value == "true";
            Problems.Error(node, PlanProblemCodes.WrongType, $"'{key}' {where} must be true or false, not {node.Describe()}.", $"Write '{key}: true' or '{key}: false', unquoted.");
            return null;
        }

        /// <summary>One of <paramref name="allowed"/>, spelt exactly; a near miss is named in the fix.</summary>
        public string? OneOf(YamlMapping mapping, string key, IReadOnlyList<string> allowed, string where)
        {
            var node = mapping[key];
            if (node == null) return null;
            if (node is YamlScalar scalar && allowed.Contains(scalar.Value)) return scalar.Value;
            var given = node is YamlScalar s ? s.Value : "";
            Problems.Error(node, node is YamlScalar ? PlanProblemCodes.InvalidValue : PlanProblemCodes.WrongType,
                $"'{key}' {where} is {node.Describe()}; it must be one of {string.Join(", ", allowed)}.",
                Capitalize(NearestWord.Hint(given, allowed)) + $"Write one of {string.Join(", ", allowed)}, spelt as shown.");
            return null;
        }

        public static string Capitalize(string text) =>
            text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
