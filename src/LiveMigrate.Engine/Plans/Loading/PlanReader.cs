using System;
using LiveMigrate.Hooks;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using LiveMigrate.Runc;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>Walks a plan's YAML tree once, reporting every problem, and builds the plan when there is none.</summary>
    internal sealed class PlanReader
    {
        private readonly NodeReader _r;
        private readonly HostsReader _hosts;
        private readonly HooksReader _hooks;
        private readonly PlanSettingsReader _settings;
        private readonly List<MigrationEntry> _migrations = new List<MigrationEntry>();
        private readonly List<YamlScalar> _waveNames = new List<YamlScalar>();
        private readonly HashSet<string> _usedHosts = new HashSet<string>(StringComparer.Ordinal);

        public PlanReader(Problems problems, string path)
        {
            _r = new NodeReader(problems);
            _hosts = new HostsReader(_r);
            _hooks = new HooksReader(_r, Path.GetDirectoryName(path) ?? ".");
            _settings = new PlanSettingsReader(_r);
        }

        public MigrationPlan? Read(YamlNode root, string path)
        {
            var plan = _r.Mapping(root, "the plan", "Start the file with 'version: 1', then 'hosts:' and 'waves:' (see about_LiveMigrate_Plans).");
            if (plan == null) return null;
            var version = ReadVersion(plan);
            if (version == null && plan["version"] != null) return null; // another version's keys mean other things
            _r.CheckKeys(plan, PlanSchema.Plan, "at the top of the plan");
            _hosts.Read(plan["hosts"]);
            var defaults = ReadDefaults(plan["defaults"]);
            var waves = ReadWaves(plan["waves"], defaults);
            new PlanCrossChecks(_r.Problems).Check(_migrations, _waveNames, _hosts.Defined, _usedHosts);
            return _r.Problems.HasErrors ? null : new MigrationPlan(path, version!.Value, _hosts.Parsed.Values.ToList(), waves);
        }

        private int? ReadVersion(YamlMapping plan)
        {
            var node = plan["version"];
            if (node == null) return null;
            var supported = string.Join(", ", PlanSchema.SupportedVersions);
            if (node is YamlScalar s && s.IsPlain && int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && PlanSchema.SupportedVersions.Contains(v)) return v;
            _r.Problems.Error(node, PlanProblemCodes.UnsupportedVersion, $"'version' is {node.Describe()}; this LiveMigrate reads plan versions {supported}.",
                $"Write 'version: {PlanSchema.SupportedVersions.Last()}' and keep to its schema, or use the LiveMigrate release that reads this version.");
            return null;
        }

        private PlanDefaults ReadDefaults(YamlNode? node)
        {
            var defaults = new PlanDefaults();
            const string where = "in 'defaults'";
            var m = _r.Mapping(node, "'defaults'", "Write the settings that every migration inherits, such as 'throttle: 2' and 'mode: Stop', under 'defaults:'.");
            if (m == null) return defaults;
            _r.CheckKeys(m, PlanSchema.Defaults, where);
            defaults.Throttle = _r.Int(m, "throttle", PlanSchema.Throttle, where) ?? defaults.Throttle;
            defaults.FailurePolicy = Policy(m, where) ?? defaults.FailurePolicy;
            _settings.Read(m, where, defaults.Request);
            if (m["hooks"] != null) defaults.Hooks = _hooks.Read(m["hooks"], where);
            return defaults;
        }

        private List<PlanWave> ReadWaves(YamlNode? node, PlanDefaults defaults)
        {
            var waves = new List<PlanWave>();
            var list = _r.Sequence(node, "'waves'", "List the waves in the order they run: '- name: first' with its 'migrations:' under it.");
            if (list == null) return waves;
            for (var i = 0; i < list.Items.Count; i++)
            {
                var m = _r.Mapping(list.Items[i], $"wave {i + 1}", "Write each wave as '- name: <name>' with 'migrations:' under it.");
                if (m == null) continue;
                var name = _r.String(m, "name", $"in wave {i + 1}");
                var where = name == null ? $"in wave {i + 1}" : $"in wave '{name}'";
                _r.CheckKeys(m, PlanSchema.Wave, where);
                var throttle = _r.Int(m, "throttle", PlanSchema.Throttle, where) ?? defaults.Throttle;
                var policy = Policy(m, where) ?? defaults.FailurePolicy;
                var migrations = new List<PlannedMigration>();
                var items = _r.Sequence(m["migrations"], $"'migrations' {where}", "List the wave's migrations: '- { container: web, from: lm1, to: lm2 }'.");
                for (var j = 0; j < (items?.Items.Count ?? 0); j++)
                {
                    var migration = ReadMigration(items!.Items[j], j, name ?? $"{i + 1}", where, defaults);
                    if (migration != null) migrations.Add(migration);
                }
                if (name == null) continue;
                _waveNames.Add((YamlScalar)m["name"]!);
                waves.Add(new PlanWave(name, throttle, policy, migrations));
            }
            return waves;
        }

        private PlannedMigration? ReadMigration(YamlNode node, int index, string wave, string waveWhere, PlanDefaults defaults)
        {
            var m = _r.Mapping(node, $"migration {index + 1} {waveWhere}", "Write each migration as '- { container: web, from: lm1, to: lm2 }'.");
            if (m == null) return null;
            var container = _r.String(m, "container", $"in migration {index + 1} {waveWhere}");
            var name = _r.String(m, "name", $"in migration {index + 1} {waveWhere}") ?? container;
            var where = name == null ? $"in migration {index + 1} {waveWhere}" : $"in migration '{name}' {waveWhere}";
            _r.CheckKeys(m, PlanSchema.Migration, where);
            ContainerName? parsed = null;
            if (container != null && !ContainerName.TryParse(container, out parsed))
            {
                _r.Problems.Error(m["container"]!, PlanProblemCodes.InvalidContainerName, $"'{container}' {where} is not a valid container name: runc accepts only ASCII letters, digits and _ + , - . (not '.' or '..').",
                    "Use the name that Get-Container shows for the container.");
            }
            var from = HostReference(m, "from", where);
            var to = HostReference(m, "to", where);
            if (from != null && to != null && (from.Name == to.Name || from.Address.Equals(to.Address)))
            {
                var same = from.Name == to.Name ? $"both '{from.Name}'" : $"'{from.Name}' and '{to.Name}', both {from.Address}";
                _r.Problems.Error(m["to"]!, PlanProblemCodes.SameHost, $"'from' and 'to' {where} are {same}; a migration moves a container between two hosts.", "Name another host in 'to', or remove the migration.");
            }
            var request = defaults.Request.Copy(parsed);
            _settings.Read(m, where, request);
            _settings.ReadPredumpId(m, where, request);
            _settings.CheckEffective(m, where, request);
            var hooks = new Dictionary<HookPoint, IReadOnlyList<PlanHook>>(defaults.Hooks);
            if (m["hooks"] != null) foreach (var stage in _hooks.Read(m["hooks"], where)) hooks[stage.Key] = stage.Value;
            if (name == null || container == null) return null;
            _migrations.Add(new MigrationEntry(wave, name, container, m["name"] as YamlScalar, (YamlScalar)m["container"]!));
            if (from == null || to == null) return null;
            var effectiveHooks = hooks.OrderBy(h => h.Key).SelectMany(h => h.Value).ToList();
            return new PlannedMigration(name, wave, from, to, request, effectiveHooks, m.Line, m.Column);
        }

        private PlanHost? HostReference(YamlMapping m, string key, string where)
        {
            var name = _r.String(m, key, where);
            if (name == null) return null;
            _usedHosts.Add(name);
            if (_hosts.Parsed.TryGetValue(name, out var host)) return host;
            if (!_hosts.Defined.ContainsKey(name))
            {
                var defined = _hosts.Defined.Count == 0 ? "none" : string.Join(", ", _hosts.Defined.Keys);
                _r.Problems.Error(m[key]!, PlanProblemCodes.UnknownHost, $"'{key}' {where} names host '{name}', which the plan does not define (hosts: {defined}).",
                    NodeReader.Capitalize(NearestWord.Hint(name, _hosts.Defined.Keys)) + $"Name a host defined under 'hosts:', or add '{name}' there.");
            }
            return null;
        }

        private FailurePolicy? Policy(YamlMapping m, string where)
        {
            var text = _r.OneOf(m, "failurePolicy", PlanSchema.FailurePolicies, where);
            return text == null ? (FailurePolicy?)null : (FailurePolicy)Enum.Parse(typeof(FailurePolicy), text, ignoreCase: true);
        }
    }
}
