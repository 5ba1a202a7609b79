using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using LiveMigrate.PowerShell;

namespace LiveMigrate.PowerShell.Completion
{
    /// <summary>Completes the names of the hosts open in this runspace.</summary>
    public sealed class HostNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = wordToComplete.Trim('\'', '"');
            return HostRegistry.All
                .Where(h => h.Name.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
                .Select(h => new CompletionResult("'" + h.Name + "'", h.Name, CompletionResultType.ParameterValue,
                    h.IsConnected ? $"{h.Name} (connected)" : $"{h.Name} (closed)"));
        }
    }
}
