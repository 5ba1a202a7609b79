using System;
using LiveMigrate.Hooks;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>Reads a hooks: mapping: per stage one hook or a list, each a host command or a script.</summary>
    internal sealed class HooksReader
    {
        private const string HookForm = "Write a command as '{ on: source, run: [systemctl, stop, web] }' or a script as '{ script: ./hooks/drain.ps1 }'.";
        private readonly NodeReader _r;
        private readonly string _planFolder;

        public HooksReader(NodeReader reader, string planFolder)
        {
            _r = reader;
            _planFolder = planFolder;
        }

        /// <summary>The hooks of each stage named; a stage not named is absent (and inherits the defaults').</summary>
        public Dictionary<HookPoint, IReadOnlyList<PlanHook>> Read(YamlNode? node, string where)
        {
            var stages = new Dictionary<HookPoint, IReadOnlyList<PlanHook>>();
            var m = _r.Mapping(node, $"'hooks' {where}", $"Name a stage, then its hook: 'PreCheckpoint: {{ on: source, run: [sync] }}'. The stages are {string.Join(", ", PlanSchema.HookPoints)}.");
            if (m == null) return stages;
            var hooksWhere = $"under 'hooks' {where}";
            _r.CheckKeys(m, PlanSchema.Hooks, hooksWhere);
            foreach (var entry in m.Entries)
            {
                if (!PlanSchema.HookPoints.Contains(entry.Key.Value)) continue;
                var stage = (HookPoint)Enum.Parse(typeof(HookPoint), entry.Key.Value);
                var items = entry.Value is YamlSequence list ? list.Items : new List<YamlNode> { entry.Value };
                if (items.Count == 0)
                {
                    _r.Problems.Error(entry.Value, PlanProblemCodes.InvalidValue, $"The {stage} hook list {hooksWhere} is empty.", "Add a hook to the list, or remove the stage.");
                }
                stages[stage] = items.Select(item => ReadHook(item, stage, $"in the {stage} hook {where}")).OfType<PlanHook>().ToList();
            }
            return stages;
        }

        private PlanHook? ReadHook(YamlNode node, HookPoint stage, string where)
        {
            var m = _r.Mapping(node, $"the {stage} hook", HookForm);
            if (m == null) return null;
            var isScript = m.KeyNode("script") != null;
            var (keys, others) = isScript ? (PlanSchema.ScriptHook, PlanSchema.CommandHook) : (PlanSchema.CommandHook, PlanSchema.ScriptHook);
            _r.CheckKeys(m, keys, where, reportedElsewhere: others.All.Contains);
            foreach (var entry in m.Entries.Where(e => others.All.Contains(e.Key.Value)))
            {
                _r.Problems.Error(entry.Key, PlanProblemCodes.ConflictingSetting, $"'{entry.Key.Value}' {where}: a hook is a host command (on, run, timeoutSec) or a script, not both.", "Split it into two hooks of the same stage, in a list.");
            }
            return isScript ? ReadScript(m, stage, where) : ReadCommand(m, stage, where);
        }

        private PlanHook? ReadCommand(YamlMapping m, HookPoint stage, string where)
        {
            var on = _r.OneOf(m, "on", PlanSchema.HookSides, where);
            var timeout = _r.Int(m, "timeoutSec", PlanSchema.HookTimeoutSec, where) ?? PlanSchema.DefaultHookTimeoutSec;
            var runNode = m["run"];
            if (runNode is YamlScalar shell && !shell.IsNull)
            {
                _r.Problems.Error(runNode, PlanProblemCodes.WrongType, $"'run' {where} is a command line; a plan runs commands as argument lists, never through a shell.",
                    $"Write each argument as an item of a list, such as 'run: [{string.Join(", ", shell.Value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))}]'.");
                return null;
            }
            var run = _r.Sequence(runNode, $"'run' {where}", "List the program and its arguments, such as 'run: [systemctl, stop, web]'.");
            if (run == null || on == null) return null;
            var arguments = new List<string>();
            var secrets = new Dictionary<int, PlanSecret>();
            foreach (var item in run.Items)
            {
                if (item is YamlScalar scalar && !scalar.IsNull) arguments.Add(scalar.Value);
                else if (item is YamlMapping secret && ReadSecret(secret, where) is PlanSecret s)
                {
                    secrets[arguments.Count] = s;
                    arguments.Add("");
                }
                else if (!(item is YamlMapping)) _r.Problems.Error(item, PlanProblemCodes.WrongType, $"An argument of 'run' {where} is {item.Describe()}.", "Write each argument as text (quote it if it holds ':' or starts with a symbol), or a secret as '{ secret: <name> }'.");
            }
            var side = on == "source" ? HookHost.Source : HookHost.Destination;
            return new PlanCommandHook(stage, new HostCommandHook(side, arguments, TimeSpan.FromSeconds(timeout), secrets.Keys.ToList()), secrets);
        }

        // A secret argument: read from SecretManagement when the hook runs, never written into the plan, shown as ***.
        private PlanSecret? ReadSecret(YamlMapping m, string where)
        {
            var secretWhere = $"in a secret argument of 'run' {where}";
            _r.CheckKeys(m, PlanSchema.SecretArgument, secretWhere);
            var name = _r.String(m, "secret", secretWhere);
            var vault = _r.String(m, "vault", secretWhere);
            return name == null ? null : new PlanSecret(name, vault);
        }

        private PlanHook? ReadScript(YamlMapping m, HookPoint stage, string where)
        {
            var script = _r.String(m, "script", where);
            if (script == null) return null;
            var path = Path.GetFullPath(Path.Combine(_planFolder, script));
            if (!string.Equals(Path.GetExtension(path), ".ps1", StringComparison.OrdinalIgnoreCase))
            {
                _r.Problems.Error(m["script"]!, PlanProblemCodes.InvalidValue, $"'script' {where} is '{script}', which is not a PowerShell script (.ps1).", "Name a .ps1 file; to run a program on a host, write '{ on: source, run: [program, argument] }'.");
                return null;
            }
            if (!File.Exists(path))
            {
                _r.Problems.Error(m["script"]!, PlanProblemCodes.ScriptNotFound, $"'script' {where} is '{script}', and {path} does not exist.", "Scripts are found relative to the plan file's folder: fix the path or create the script.");
                return null;
            }
            return new PlanScriptHook(stage, path);
        }
    }
}
