using LiveMigrate.Hooks;

namespace LiveMigrate.Plans
{
    /// <summary>Something a plan runs at one point of a migration (the engine's hook points).</summary>
    public abstract class PlanHook
    {
        private protected PlanHook(HookPoint stage) { Stage = stage; }

        public HookPoint Stage { get; }
    }

    /// <summary>A command run on the source or destination host, as an argument vector (never a shell string).</summary>
    public sealed class PlanCommandHook : PlanHook
    {
        internal PlanCommandHook(HookPoint stage, HostCommandHook command) : base(stage) { Command = command; }

        public HostCommandHook Command { get; }

        public override string ToString() => $"{Stage} {Command}";
    }

    /// <summary>A PowerShell script on the controller; it runs on the pipeline thread.</summary>
    public sealed class PlanScriptHook : PlanHook
    {
        internal PlanScriptHook(HookPoint stage, string scriptPath) : base(stage) { ScriptPath = scriptPath; }

        /// <summary>The full path, resolved against the plan file's folder.</summary>
        public string ScriptPath { get; }

        public override string ToString() => $"{Stage}: {ScriptPath}";
    }
}
