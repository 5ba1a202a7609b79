using System;
using LiveMigrate.Hooks;
using System.Collections.Generic;
using System.Linq;

namespace LiveMigrate.Plans
{
    /// <summary>
    /// The keys, values and limits of plan schema version 1, in one place: the loader validates against these,
    /// and a test holds module/LiveMigrate/Schemas/migration-plan.v1.schema.json to the same.
    /// </summary>
    public static class PlanSchema
    {
        public static readonly IReadOnlyList<int> SupportedVersions = new[] { 1 };
        public static readonly IReadOnlyList<string> Modes = new[] { "Stop", "PostCopy", "PreCopy", "Auto" };
        public static readonly IReadOnlyList<string> BundleSyncs = new[] { "Auto", "Full", "Delta", "None" };
        public static readonly IReadOnlyList<string> TransferRoutes = new[] { "Auto", "Direct", "Relay" };
        public static readonly IReadOnlyList<string> Compressions = new[] { "Auto", "None", "Zstd", "Lz4" };
        public static readonly IReadOnlyList<string> FailurePolicies = new[] { "stop", "continue", "rollback" };
        public static readonly IReadOnlyList<string> HookSides = new[] { "source", "destination" };
        public static readonly IReadOnlyList<string> Become = new[] { "none", "sudo" };
        public static readonly IReadOnlyList<string> HookPoints = Enum.GetNames(typeof(HookPoint));

        public static readonly IntRange Throttle = new IntRange(1, 64);
        public static readonly IntRange Port = new IntRange(1, 65535);
        public static readonly IntRange CriuTimeoutSec = new IntRange(1, 3600);
        public static readonly IntRange HookTimeoutSec = new IntRange(1, 3600);
        public static readonly IntRange MaxRounds = new IntRange(1, 100);
        public static readonly IntRange MinPagesWritten = new IntRange(0, int.MaxValue);
        public static readonly IntRange MinShrinkPercent = new IntRange(0, 100);

        public const string DefaultMode = "Stop";
        public const int DefaultThrottle = 1;
        public const FailurePolicy DefaultFailurePolicy = FailurePolicy.Stop;
        public const int DefaultCriuTimeoutSec = 300;
        public const int DefaultHookTimeoutSec = 60;

        /// <summary>Whether a key means a secret written into the plan (password, sshPassword, passphrase...): refused anywhere under hosts.</summary>
        public static bool IsPlainSecretKey(string key) =>
            key.IndexOf("password", StringComparison.OrdinalIgnoreCase) >= 0 || key.IndexOf("passphrase", StringComparison.OrdinalIgnoreCase) >= 0;

        public static readonly KeySet Plan = new KeySet("plan", new[] { "version", "hosts", "waves" }, new[] { "defaults" });
        public static readonly KeySet Host = new KeySet("host", new[] { "address" }, new[] { "port", "user", "keyPath", "keySecret", "knownHostsPath", "knownHostsSecret", "secret", "vault", "linkAddress", "become" });
        /// <summary>
        /// How a migration runs, in plan defaults and per migration: Move-Container's parameters of the same names, in
        /// camelCase (a Pester test holds them to each other).
        /// </summary>
        public static readonly IReadOnlyList<string> MigrationSettings = new[]
        {
            "mode", "bundleSync", "transferRoute", "compress", "lazyRestore", "streamMemory", "keepImages", "criuTimeoutSec", "imageRoot",
            "maxRounds", "minPagesWritten", "minShrinkPercent", "skipReadiness", "force", "maxDowntime", "rollbackOnHookFailure",
        };

        public static readonly KeySet Defaults = new KeySet("defaults", new string[0], new[] { "throttle", "failurePolicy" }.Concat(MigrationSettings).Concat(new[] { "hooks" }).ToArray());
        public static readonly KeySet Wave = new KeySet("wave", new[] { "name", "migrations" }, new[] { "throttle", "failurePolicy" });
        // predumpId names one container's staged rounds: a migration's own, never a default.
        public static readonly KeySet Migration = new KeySet("migration", new[] { "container", "from", "to" }, new[] { "name" }.Concat(MigrationSettings).Concat(new[] { "predumpId", "hooks" }).ToArray());
        public static readonly KeySet Hooks = new KeySet("hooks", new string[0], HookPoints.ToArray());
        public static readonly KeySet CommandHook = new KeySet("commandHook", new[] { "on", "run" }, new[] { "timeoutSec" });
        public static readonly KeySet ScriptHook = new KeySet("scriptHook", new[] { "script" }, new string[0]);
        public static readonly KeySet SecretArgument = new KeySet("secretArgument", new[] { "secret" }, new[] { "vault" });

        public static readonly IReadOnlyList<KeySet> Objects = new[] { Plan, Host, Defaults, Wave, Migration, Hooks, CommandHook, ScriptHook, SecretArgument };
    }

    /// <summary>The keys one kind of mapping in a plan may have.</summary>
    public sealed class KeySet
    {
        internal KeySet(string name, IReadOnlyList<string> required, IReadOnlyList<string> optional)
        {
            Name = name;
            Required = required;
            All = required.Concat(optional).ToArray();
        }

        /// <summary>The name of this object's definition in the JSON schema ("plan" is the schema's root).</summary>
        public string Name { get; }
        public IReadOnlyList<string> Required { get; }
        public IReadOnlyList<string> All { get; }
    }

    public readonly struct IntRange
    {
        public IntRange(int minimum, int maximum)
        {
            Minimum = minimum;
            Maximum = maximum;
        }

        public int Minimum { get; }
        public int Maximum { get; }
        public bool Contains(int value) => value >= Minimum && value <= Maximum;
        public override string ToString() => $"{Minimum} to {Maximum}";
    }
}
