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
        /// <summary>A plan nests about ten levels; far deeper is an attack on the reader's stack.</summary>
        public const int MaxDepth = 64;
        /// <summary>
        /// Nodes of the tree with every alias counted as the nodes it stands for. The tree shares an anchor's
        /// nodes, but every reader walks them once per alias: a few aliases of aliases would make a 1 KB file
        /// a walk of billions of nodes.
        /// </summary>
        public const int MaxNodes = 100_000;
        private readonly Problems _problems;
        private readonly Dictionary<string, (YamlNode node, long size)> _anchors = new Dictionary<string, (YamlNode, long)>(StringComparer.Ordinal);
        private readonly Stack<YamlNode> _open = new Stack<YamlNode>();
        private IParser _parser = null!;
        private long _nodes;

        /// <summary>Ends the read at a limit; the problem is already reported.</summary>
        private sealed class LimitReached : Exception { }

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
            catch (LimitReached)
            {
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
            var before = _nodes;
            if (_parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    Count(alias.Start, target.size);
                    return target.node;
                }
                _problems.Error(alias.Start, PlanProblemCodes.UnknownAlias, $"The alias '*{alias.Value.Value}' names no anchor defined before it.", $"Define '&{alias.Value.Value}' on a value above this line, or write the value here.");
                return new YamlScalar(alias.Start, "", ScalarStyle.Plain);
            }
            if (_parser.TryConsume<Scalar>(out var scalar))
            {
                Count(scalar.Start, 1);
                return Anchor(scalar, new YamlScalar(scalar.Start, scalar.Value, scalar.Style), before);
            }
            if (_parser.TryConsume<SequenceStart>(out var sequenceStart))
            {
                Enter(sequenceStart.Start);
                return Anchor(sequenceStart, ReadSequence(new YamlSequence(sequenceStart.Start)), before);
            }
            var mappingStart = _parser.Consume<MappingStart>();
            Enter(mappingStart.Start);
            return Anchor(mappingStart, ReadMapping(new YamlMapping(mappingStart.Start)), before);
        }

        private void Enter(Mark at)
        {
            Count(at, 1);
            if (_open.Count < MaxDepth) return;
            _problems.Error(at, PlanProblemCodes.TooDeep, $"The plan nests lists and mappings more than {MaxDepth} deep here; it is not read further.",
                "A plan needs about ten levels: close the brackets or reduce the indentation (an unclosed '[' or '{' nests every line after it).");
            throw new LimitReached();
        }

        private void Count(Mark at, long nodes)
        {
            _nodes += nodes;
            if (_nodes <= MaxNodes) return;
            _problems.Error(at, PlanProblemCodes.TooLarge, $"The plan holds more than {MaxNodes} values once its aliases are expanded; it is not read further.",
                "Write aliases of small values only, never aliases of lists of aliases, or split the plan into several files.");
            throw new LimitReached();
        }

        private YamlNode Anchor(NodeEvent e, YamlNode node, long before)
        {
            if (!e.Anchor.IsEmpty) _anchors[e.Anchor.Value] = (node, _nodes - before);
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
