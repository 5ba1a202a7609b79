using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using LiveMigrate.Commands.Hosts;
using LiveMigrate.Runc;

namespace LiveMigrate.Commands.Completion
{
    /// <summary>Completes container names from the host already given as -Source or -Host, if it is open.</summary>
    public sealed class ContainerNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var host = HostFrom(fakeBoundParameters, "Source") ?? HostFrom(fakeBoundParameters, "Host");
            if (host == null) return Enumerable.Empty<CompletionResult>();
            var prefix = wordToComplete.Trim('\'', '"');
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                return host.Runtime(new RuntimeOptions { CommandTimeout = TimeSpan.FromSeconds(3) }).List(timeout.Token)
                    .Where(c => c.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Select(c => new CompletionResult(c.Name, c.Name, CompletionResultType.ParameterValue, $"{c.Name} ({c.Status}, pid {c.Pid})"))
                    .ToList();
            }
            catch (Exception)
            {
                // Completion must never throw at the user; no suggestions is the honest answer.
                return Enumerable.Empty<CompletionResult>();
            }
        }

        private static MigrationHost? HostFrom(IDictionary bound, string key)
        {
            if (!bound.Contains(key)) return null;
            var value = bound[key] is PSObject p ? p.BaseObject : bound[key];
            if (value is MigrationHost h) return h;
            if (value is object[] arr && arr.Length > 0 && arr[0] is MigrationHost first) return first;
            // Only hosts already open: completion must not open connections or prompt.
            return value is string s && HostRegistry.TryGet(s, out var open) ? open : null;
        }
    }
}
