using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using LiveMigrate.Clone;
using LiveMigrate.Runc;

namespace LiveMigrate.PowerShell.Completion
{
    /// <summary>Completes the names of the checkpoints kept on the host already given as -MigrationHost (or -Host), if it is open.</summary>
    public sealed class CheckpointNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var host = BoundHost.From(fakeBoundParameters, "MigrationHost", "Host");
            if (host == null) return Enumerable.Empty<CompletionResult>();
            var prefix = wordToComplete.Trim('\'', '"');
            try
            {
                var options = new RuntimeOptions { CommandTimeout = TimeSpan.FromSeconds(3) };
                using var timeout = new CancellationTokenSource(options.CommandTimeout);
                return new CheckpointStore(host.Runtime(options), options).List(timeout.Token)
                    .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, $"checkpoint {n} on {host.Name}"))
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
