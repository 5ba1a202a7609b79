using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using LiveMigrate.PowerShell;
using LiveMigrate.Runc;

namespace LiveMigrate.PowerShell.Completion
{
    /// <summary>Completes container names from the host already given as -Source or -MigrationHost (or its alias -Host), if it is open.</summary>
    public sealed class ContainerNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var host = BoundHost.From(fakeBoundParameters, "Source", "MigrationHost", "Host");
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
    }
}
