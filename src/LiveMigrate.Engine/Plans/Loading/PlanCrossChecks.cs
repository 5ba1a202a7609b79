using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>A migration's name, container and wave, with where they are written: what the checks across the plan need.</summary>
    internal sealed class MigrationEntry
    {
        public MigrationEntry(string wave, string name, string container, YamlScalar? nameNode, YamlScalar containerNode)
        {
            Wave = wave;
            Name = name;
            Container = container;
            NameNode = nameNode;
            ContainerNode = containerNode;
        }

        public string Wave { get; }
        public string Name { get; }
        public string Container { get; }
        /// <summary>Null when the name defaults to the container's.</summary>
        public YamlScalar? NameNode { get; }
        public YamlScalar ContainerNode { get; }
    }

    /// <summary>The rules that span the plan: unique names, one move per container and wave, hosts that are used.</summary>
    internal sealed class PlanCrossChecks
    {
        private readonly Problems _problems;

        public PlanCrossChecks(Problems problems) { _problems = problems; }

        public void Check(IReadOnlyList<MigrationEntry> migrations, IReadOnlyList<YamlScalar> waveNames,
            IReadOnlyDictionary<string, YamlScalar> hosts, ISet<string> usedHosts)
        {
            foreach (var group in waveNames.GroupBy(w => w.Value).Where(g => g.Count() > 1))
            {
                var first = group.First();
                foreach (var again in group.Skip(1))
                {
                    _problems.Error(again, PlanProblemCodes.DuplicateWaveName, $"Wave name '{again.Value}' is used twice (first at line {first.Line}).", "Give each wave a name of its own.");
                }
            }
            var inWave = new HashSet<MigrationEntry>();
            foreach (var group in migrations.GroupBy(m => (m.Wave, m.Container)).Where(g => g.Count() > 1))
            {
                var first = group.First();
                foreach (var again in group.Skip(1))
                {
                    inWave.Add(again);
                    _problems.Error(again.ContainerNode, PlanProblemCodes.DuplicateContainerInWave,
                        $"Container '{again.Container}' is migrated twice in wave '{again.Wave}' (first at line {first.ContainerNode.Line}); a wave runs its migrations at the same time.",
                        "Move the container once per wave: remove one of them, or put it in a later wave.");
                }
            }
            foreach (var group in migrations.GroupBy(m => m.Name).Where(g => g.Count() > 1))
            {
                var first = group.First();
                foreach (var again in group.Skip(1).Where(m => !inWave.Contains(m)))
                {
                    var at = again.NameNode ?? again.ContainerNode;
                    var named = again.NameNode == null ? " (a migration without 'name' is named after its container)" : "";
                    _problems.Error(at, PlanProblemCodes.DuplicateMigrationName,
                        $"Migration name '{again.Name}' is used twice in the plan (first at line {(first.NameNode ?? first.ContainerNode).Line}){named}.",
                        "Give one of them a unique 'name:', such as 'name: " + again.Name + "-" + again.Wave + "'.");
                }
            }
            foreach (var host in hosts.Where(h => !usedHosts.Contains(h.Key)))
            {
                _problems.Warning(host.Value, PlanProblemCodes.UnusedHost, $"Host '{host.Key}' is defined but no migration names it in 'from' or 'to'.", "Remove it, or check the 'from' and 'to' of the migrations for a misspelt host name.");
            }
        }
    }
}
