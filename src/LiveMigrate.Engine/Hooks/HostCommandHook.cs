using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Hooks
{
    /// <summary>Which host a command hook runs on.</summary>
    public enum HookHost { Source, Destination }

    /// <summary>
    /// A hook that runs an argument vector on the source or destination (a health check, a load balancer update).
    /// Secret arguments (a token) reach the program, but verbose output, errors and the journal show *** instead.
    /// </summary>
    public sealed class HostCommandHook
    {
        public HostCommandHook(HookHost on, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyCollection<int>? secretArguments = null)
        {
            if (arguments.Count == 0) throw new ArgumentException("A host command hook needs a program to run: Run = @('program', 'argument', ...).");
            On = on;
            Arguments = arguments;
            Timeout = timeout;
            SecretArguments = secretArguments ?? Array.Empty<int>();
            if (SecretArguments.Any(i => i < 0 || i >= arguments.Count)) throw new ArgumentOutOfRangeException(nameof(secretArguments), "A secret argument's index is outside the command.");
        }

        public HookHost On { get; }
        public IReadOnlyList<string> Arguments { get; }
        public TimeSpan Timeout { get; }
        /// <summary>The indexes of <see cref="Arguments"/> that are secrets.</summary>
        public IReadOnlyCollection<int> SecretArguments { get; }

        /// <summary>The same hook with <paramref name="values"/> (by index) put in and marked secret.</summary>
        public HostCommandHook WithSecrets(IReadOnlyDictionary<int, string> values)
        {
            var arguments = Arguments.ToArray();
            foreach (var kv in values) arguments[kv.Key] = kv.Value;
            return new HostCommandHook(On, arguments, Timeout, SecretArguments.Union(values.Keys).ToList());
        }

        /// <summary>Runs the command; throws, naming its exit code and error output, unless it exits 0. Returns its output, secrets taken out.</summary>
        public string Run(IHostSession host, CancellationToken ct)
        {
            var cmd = Command();
            cmd.StandardInput = StreamTarget.DevNull;
            cmd.HostTimeout = Timeout;
            return cmd.Redact(host.RunChecked(cmd, Timeout + TimeSpan.FromSeconds(5), ct).StandardOutput);
        }

        private CommandLine Command() => new CommandLine(Arguments).HideArguments(SecretArguments);

        public override string ToString() => $"on the {On.ToString().ToLowerInvariant()}: {Command()}";
    }
}
