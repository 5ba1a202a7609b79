using System;
using System.Collections.Generic;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>Reads one YAML document into a <see cref="YamlNode"/> tree, reporting what is not a plan's YAML.</summary>
    internal sealed class YamlTreeReader
    {
        private readonly Problems _problems;
        private readonly Dictionary<string, YamlNode> _anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        private readonly Stack<YamlNode> _open = new Stack<YamlNode>();
        private IParser _parser = null!;

        private YamlTreeReader(Problems problems) { _problems = problems; }

        /// <summary>The document's root, or null when the file is empty or not YAML (the problem is reported).</summary>
        public static YamlNode? Read(string text, Problems problems) => new YamlTreeReader(problems).ReadDocument(text);

        private YamlNode? ReadDocument(string text)
        {
            _parser = new Parser(new StringReader(text));
            try
            {
                _parser.Consume<StreamStart>();
                if (_parser.Accept<StreamEnd>(out var end))
                {
                    _problems.Error(1, 1, PlanProblemCodes.EmptyPlan, "The plan file is empty.", "Start it with 'version: 1', then hosts: and waves: (see about_LiveMigrate_Plans).");
                    return null;
                }
                _parser.Consume<DocumentStart>();
                var root = ReadNode();
                _parser.Consume<DocumentEnd>();
                if (_parser.Accept<DocumentStart>(out var second))
                {
                    _problems.Error(second.Start, PlanProblemCodes.MultipleDocuments, "The file holds more than one YAML document ('---').", "Keep one plan per file: remove the '---' line and what follows, or move it into a file of its own.");
                }
                return root;
            }
            catch (YamlException ex)
            {
                _problems.Error(ex.Start, PlanProblemCodes.YamlSyntax, "YAML syntax error: " + ex.Message, "Check the indentation (spaces only, no tabs), the colons and the quotes here and on the line before.");
                return null;
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet's scanner fails this way, without a position, inside an unclosed [ or {.
                var at = _open.Count > 0 ? _open.Peek() : null;
                _problems.Error(at?.Line ?? 1, at?.Column ?? 1, PlanProblemCodes.YamlSyntax, "YAML syntax error: the YAML cannot be read past this [ or { block.", "Close every [ with ] and every { with }, and quote values that hold ':' or ','.");
                return null;
            }
        }

        private YamlNode ReadNode()
        {
            if (_parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (_anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                _problems.Error(alias.Start, PlanProblemCodes.UnknownAlias, $"The alias '*{alias.Value.Value}' names no anchor defined before it.", $"Define '&{alias.Value.Value}' on a value above this line, or write the value here.");
                return new YamlScalar(alias.Start, "", ScalarStyle.Plain);
            }
            if (_parser.TryConsume<Scalar>(out var scalar)) return Anchor(scalar, new YamlScalar(scalar.Start, scalar.Value, scalar.Style));
            if (_parser.TryConsume<SequenceStart>(out var sequenceStart)) return Anchor(sequenceStart, ReadSequence(new YamlSequence(sequenceStart.Start)));
            var mappingStart = _parser.Consume<MappingStart>();
            return Anchor(mappingStart, ReadMapping(new YamlMapping(mappingStart.Start)));
        }

        private YamlNode Anchor(NodeEvent e, YamlNode node)
        {
            if (!e.Anchor.IsEmpty) _anchors[e.Anchor.Value] = node;
            return node;
        }

        private YamlSequence ReadSequence(YamlSequence sequence)
        {
            _open.Push(sequence);
            while (!_parser.TryConsume<SequenceEnd>(out _)) sequence.Items.Add(ReadNode());
            _open.Pop();
            return sequence;
        }

        private YamlMapping ReadMapping(YamlMapping mapping)
        {
            _open.Push(mapping);
            var first = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
            while (!_parser.TryConsume<MappingEnd>(out _))
            {
                var keyNode = ReadNode();
                var value = ReadNode();
                if (!(keyNode is YamlScalar key))
                {
                    _problems.Error(keyNode.Line, keyNode.Column, PlanProblemCodes.WrongType, $"A key is {keyNode.Describe()}; keys in a plan are names.", "Write a plain name before the colon, such as 'throttle:'.");
                    continue;
                }
                if (first.TryGetValue(key.Value, out var earlier))
                {
                    _problems.Error(key.Line, key.Column, PlanProblemCodes.DuplicateKey, $"The key '{key.Value}' appears twice in this mapping (first at line {earlier.Line}, column {earlier.Column}).", $"Keep one '{key.Value}:' and remove the other; the first one is used until then.");
                    continue;
                }
                first.Add(key.Value, key);
                mapping.Entries.Add(new KeyValuePair<YamlScalar, YamlNode>(key, value));
            }
            _open.Pop();
            return mapping;
        }
    }
}
