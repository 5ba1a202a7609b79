using System;
using System.Linq;
using System.Management.Automation;
using LiveMigrate.Journal;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Lists the migrations this controller recorded, newest first.</summary>
    [Cmdlet(VerbsCommon.Get, "MigrationJournal")]
    [OutputType(typeof(MigrationJournalRecord))]
    public sealed class GetMigrationJournalCommand : PSCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("MigrationId")]
        [ArgumentCompleter(typeof(JournalIdCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = { "*" };

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string Container { get; set; } = "*";

        /// <summary>Only migrations without an outcome: running, or interrupted because their controller died.</summary>
        [Parameter]
        public SwitchParameter Unfinished { get; set; }

        protected override void ProcessRecord()
        {
            FileJournalStore store;
            try { store = ControllerJournal.Store(); }
            catch (InvalidOperationException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, ControllerJournal.Folder));
                return;
            }
            WriteVerbose($"Reading the journal in {store.Folder}.");
            var container = WildcardPattern.Get(Container, WildcardOptions.IgnoreCase);
            var records = store.List().Where(r => container.IsMatch(r.Container) && (!Unfinished || !r.IsFinished)).ToList();
            foreach (var pattern in Id)
            {
                var id = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
                var matches = records.Where(r => id.IsMatch(r.Id)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                    WriteError(new ErrorRecord(new ItemNotFoundException($"The journal in {store.Folder} has no migration {pattern}{(Unfinished ? " that is unfinished" : "")}."),
                        "JournalRecordNotFound", ErrorCategory.ObjectNotFound, pattern));
                foreach (var r in matches) WriteObject(r);
            }
        }
    }
}
