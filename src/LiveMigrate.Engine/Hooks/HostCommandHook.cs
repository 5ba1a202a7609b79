using System;
using System.Collections.Generic;
using System.Threading;
using LiveMigrate.Commands;
using LiveMigrate.Hosts;

namespace LiveMigrate.Hooks
{
    /// <summary>Which host a command hook runs on.</summary>
    public enum HookHost { Source, Destination }

    /// <summary>A hook that runs an argument vector on the source or destination (a health check, a load balancer update).</summary>
    public sealed class HostCommandHook
    {
        public HostCommandHook(HookHost on, IReadOnlyList<string> arguments, TimeSpan timeout)
        {
            if (arguments.Count == 0) throw new ArgumentException("A host command hook needs a program to run: Run = @('program', 'argument', ...).");
            On = on;
            Arguments = arguments;
            Timeout = timeout;
        }

        public HookHost On { get; }
        public IReadOnlyList<string> Arguments { get; }
        public TimeSpan Timeout { get; }

        /// <summary>Runs the command; throws, naming its exit code and error output, unless it exits 0.</summary>
        public string Run(IHostSession host, CancellationToken ct)
        {
            var cmd = new CommandLine(Arguments) { StandardInput = StreamTarget.DevNull, HostTimeout = Timeout };
            return host.RunChecked(cmd, Timeout + TimeSpan.FromSeconds(5), ct).StandardOutput;
        }

        public override string ToString() => $"on the {On.ToString().ToLowerInvariant()}: {new CommandLine(Arguments)}";
    }
}
