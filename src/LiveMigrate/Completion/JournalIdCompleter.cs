using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using LiveMigrate.PowerShell;

namespace LiveMigrate.PowerShell.Completion
{
    /// <summary>Completes the ids of this controller's journal records, newest first, each described by its container and route.</summary>
    public sealed class JournalIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = wordToComplete.Trim('\'', '"');
            // Completion makes no folder: without one there is nothing to suggest.
            if (!System.IO.Directory.Exists(ControllerJournal.Folder)) return Enumerable.Empty<CompletionResult>();
            try
            {
                return ControllerJournal.Store().List()
                    .Where(r => r.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Select(r => new CompletionResult(r.Id, r.Id, CompletionResultType.ParameterValue, $"{r.Container}: {r.Source} -> {r.Destination}"))
                    .ToList();
            }
            catch (Exception)
            {
                // An unreadable journal folder or record: no suggestions; Get-MigrationJournal reports it.
                return Enumerable.Empty<CompletionResult>();
            }
        }
    }
}
