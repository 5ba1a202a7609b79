using System;

namespace LiveMigrate.Migration.Steps
{
    /// <summary>A restored process can die at once (a CPU feature missing, a file gone): look again after the settle time.</summary>
    internal sealed class VerifyStep : MigrationStep
    {
        public override MigrationPhase Phase => MigrationPhase.Verify;

        public override string Describe(MigrationContext c) => $"Checking that {c.Name} runs on {c.Destination.Name}";

        public override void Forward(MigrationContext c)
        {
            if (c.Options.SettleTime > TimeSpan.Zero) c.Ct.WaitHandle.WaitOne(c.Options.SettleTime);
            c.RequireRunning(c.Ct);
        }
    }
}
