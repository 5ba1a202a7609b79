using System.Collections.Generic;
using LiveMigrate.Hooks;

namespace LiveMigrate.Plans
{
    /// <summary>Something a plan runs at one point of a migration (the engine's hook points).</summary>
    public abstract class PlanHook
    {
        private protected PlanHook(HookPoint stage) { Stage = stage; }

        public HookPoint Stage { get; }
    }

    /// <summary>
    /// A command run on the source or destination host, as an argument vector (never a shell string). Arguments
    /// written '{ secret: NAME }' are SecretManagement secrets, read when the hook runs (see <see cref="Secrets"/>).
    /// </summary>
    public sealed class PlanCommandHook : PlanHook
    {
        internal PlanCommandHook(HookPoint stage, HostCommandHook command, IReadOnlyDictionary<int, PlanSecret> secrets) : base(stage)
        {
            Command = command;
            Secrets = secrets;
        }

        /// <summary>The command; a secret argument is empty here, and marked secret.</summary>
        public HostCommandHook Command { get; }
        /// <summary>The secret to read for each secret argument, by its index in the command.</summary>
        public IReadOnlyDictionary<int, PlanSecret> Secrets { get; }

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

    /// <summary>A SecretManagement secret a plan names: its name, and the vault to read it from (null: every vault).</summary>
    public sealed class PlanSecret
    {
        internal PlanSecret(string name, string? vault)
        {
            Name = name;
            Vault = vault;
        }

        public string Name { get; }
        public string? Vault { get; }

        public override string ToString() => Vault == null ? Name : $"{Name} (vault {Vault})";
    }
}
