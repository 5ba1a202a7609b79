using LiveMigrate.Hooks;
using LiveMigrate.Migration;
using System.Collections.Generic;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>The plan's defaults: section over the built-in ones; what a wave or migration does not set itself.</summary>
    internal sealed class PlanDefaults
    {
        public int Throttle { get; set; } = PlanSchema.DefaultThrottle;
        public FailurePolicy FailurePolicy { get; set; } = PlanSchema.DefaultFailurePolicy;
        /// <summary>Each migration starts from a copy of this, with no container yet.</summary>
        public MigrationRequest Request { get; } = PlanSettingsReader.BuiltIn();
        public Dictionary<HookPoint, IReadOnlyList<PlanHook>> Hooks { get; set; } = new Dictionary<HookPoint, IReadOnlyList<PlanHook>>();
    }
}
