using System;
using System.Collections.Generic;

namespace LiveMigrate.Plans
{
    /// <summary>Something a plan runs at one stage of a migration.</summary>
    public abstract class PlanHook
    {
        private protected PlanHook(HookStage stage) { Stage = stage; }

        public HookStage Stage { get; }
    }

    /// <summary>A command run on the source or destination host, as an argument vector (never a shell string).</summary>
    public sealed class HostCommandHook : PlanHook
    {
        internal HostCommandHook(HookStage stage, HookSide on, IReadOnlyList<string> arguments, TimeSpan timeout) : base(stage)
        {
            On = on;
            Arguments = arguments;
            Timeout = timeout;
        }

        public HookSide On { get; }
        public IReadOnlyList<string> Arguments { get; }
        public TimeSpan Timeout { get; }

        public override string ToString() => $"{Stage} on {On}: {string.Join(" ", Arguments)}";
    }

    /// <summary>A PowerShell script on the controller; it runs on the pipeline thread.</summary>
    public sealed class ScriptHook : PlanHook
    {
        internal ScriptHook(HookStage stage, string scriptPath) : base(stage) { ScriptPath = scriptPath; }

        /// <summary>The full path, resolved against the plan file's folder.</summary>
        public string ScriptPath { get; }

        public override string ToString() => $"{Stage}: {ScriptPath}";
    }
}
