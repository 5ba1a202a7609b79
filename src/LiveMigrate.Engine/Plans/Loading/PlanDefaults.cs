using LiveMigrate.Hooks;
using System.Collections.Generic;

namespace LiveMigrate.Plans.Loading
{
    /// <summary>The plan's defaults: section over the built-in ones; what a wave or migration does not set itself.</summary>
    internal sealed class PlanDefaults
    {
        public string Mode { get; set; } = PlanSchema.DefaultMode;
        public int Throttle { get; set; } = PlanSchema.DefaultThrottle;
        public FailurePolicy FailurePolicy { get; set; } = PlanSchema.DefaultFailurePolicy;
        public int CriuTimeoutSec { get; set; } = PlanSchema.DefaultCriuTimeoutSec;
        public bool KeepImages { get; set; }
        public Dictionary<HookPoint, IReadOnlyList<PlanHook>> Hooks { get; set; } = new Dictionary<HookPoint, IReadOnlyList<PlanHook>>();
    }
}
