using System;
using System.Collections.Generic;
using YamlDotNet.Core;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>
    /// A YAML node with where it starts. Our own tree rather than YamlDotNet's representation model,
    /// because that one stops at the first duplicate key and a plan's problems are reported all at once.
    /// </summary>
    internal abstract class YamlNode
    {
        protected YamlNode(Mark start)
        {
            Line = (int)start.Line;
            Column = (int)start.Column;
        }

        public int Line { get; }
        public int Column { get; }

        /// <summary>What the node is, for messages such as "must be a number, not a list".</summary>
        public abstract string Describe();
    }

    internal sealed class YamlScalar : YamlNode
    {
        private static readonly HashSet<string> NullWords = new HashSet<string>(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };

        public YamlScalar(Mark start, string value, ScalarStyle style) : base(start)
        {
            Value = value;
            IsPlain = style == ScalarStyle.Plain;
        }

        public string Value { get; }
        /// <summary>Unquoted: only plain scalars are numbers, booleans or null, as in YAML's core schema.</summary>
        public bool IsPlain { get; }
        public bool IsNull => IsPlain && NullWords.Contains(Value);

        public override string Describe() => IsNull || Value.Length == 0 ? "empty" : $"'{Value}'";
    }

    internal sealed class YamlSequence : YamlNode
    {
        public YamlSequence(Mark start) : base(start) { }

        public List<YamlNode> Items { get; } = new List<YamlNode>();

        public override string Describe() => "a list";
    }

    internal sealed class YamlMapping : YamlNode
    {
        public YamlMapping(Mark start) : base(start) { }

        /// <summary>The entries in file order; a duplicate key is reported while reading and left out.</summary>
        public List<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = new List<KeyValuePair<YamlScalar, YamlNode>>();

        public YamlNode? this[string key]
        {
            get
            {
                foreach (var entry in Entries) if (entry.Key.Value == key) return entry.Value;
                return null;
            }
        }

        public YamlScalar? KeyNode(string key)
        {
            foreach (var entry in Entries) if (entry.Key.Value == key) return entry.Key;
            return null;
        }

        public override string Describe() => "a mapping";
    }
}
