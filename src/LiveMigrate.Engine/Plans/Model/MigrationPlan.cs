using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Plans
{
    /// <summary>A validated plan: its hosts and its waves in order, each migration with its effective settings.</summary>
    public sealed class MigrationPlan
    {
        internal MigrationPlan(string path, int version, IReadOnlyList<PlanHost> hosts, IReadOnlyList<PlanWave> waves)
        {
            Path = path;
            Version = version;
            Hosts = hosts;
            Waves = waves;
        }

        public string Path { get; }
        public int Version { get; }
        public IReadOnlyList<PlanHost> Hosts { get; }
        public IReadOnlyList<PlanWave> Waves { get; }
        public IEnumerable<PlannedMigration> Migrations => Waves.SelectMany(w => w.Migrations);
    }
}
