using System.Collections.Generic;

namespace LiveMigrate.Plans
{
    /// <summary>Migrations that run together, at most <see cref="Throttle"/> at a time; waves run one after another.</summary>
    public sealed class PlanWave
    {
        internal PlanWave(string name, int throttle, FailurePolicy failurePolicy, IReadOnlyList<PlannedMigration> migrations)
        {
            Name = name;
            Throttle = throttle;
            FailurePolicy = failurePolicy;
            Migrations = migrations;
        }

        public string Name { get; }
        public int Throttle { get; }
        public FailurePolicy FailurePolicy { get; }
        public IReadOnlyList<PlannedMigration> Migrations { get; }

        public override string ToString() => $"{Name} ({Migrations.Count} migrations, throttle {Throttle}, {FailurePolicy})";
    }
}
