using System;
using System.Management.Automation;
using LiveMigrate.Journal;
using LiveMigrate.Migration;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;
using LiveMigrate.Transfer;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Ends a migration whose controller died: finishes it on the destination or puts the container back on the source.</summary>
    [Cmdlet(VerbsLifecycle.Resume, "Migration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ResumeResult))]
    public sealed class ResumeMigrationCommand : LongRunningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("MigrationId")]
        [ArgumentCompleter(typeof(JournalIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; } = "";

        /// <summary>The -ImageRoot the migration ran with: the record's image folder must lie in it, or nothing is resumed.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ImageRoot { get; set; } = new MigrationOptions().ImageRoot;

        protected override void ProcessRecord()
        {
            MigrationJournalRecord? record;
            FileJournalStore store;
            try
            {
                store = ControllerJournal.Store();
                record = store.Load(Id);
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is ArgumentException || ex is System.IO.IOException)
            {
                WriteError(ErrorRecords.From(ex, Id));
                return;
            }
            if (record == null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"The journal in {store.Folder} has no migration {Id}. Get-MigrationJournal -Unfinished lists the ones to resume."),
                    "JournalRecordNotFound", ErrorCategory.ObjectNotFound, Id));
                return;
            }
            if (!this.ShouldProcessOrExplain($"{record.Container} (migration {record.Id}, {record.Source} -> {record.Destination})", "Resume the interrupted migration")) return;
            WriteVerbose($"Migration {record.Id} of {record.Container} from {record.Source} to {record.Destination} ({record.Mode}), started {record.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC by {record.Controller}.");
            try
            {
                // Before any connection: a finished or still running migration is refused as it is.
                var options = new MigrationOptions { ImageRoot = ImageRoot };
                MigrationResumer.Check(record, options);
                var source = HostConnector.Resolve(record.Source).Runtime(options.Runtime);
                var destination = HostConnector.Resolve(record.Destination).Runtime(options.Runtime);
                var progress = new StepProgress(this, $"Resuming migration {record.Id} of {record.Container} from {record.Source} to {record.Destination}");
                var result = RunWork(progress, ct => new MigrationResumer(store, options, new SshTreeTransport(options.TransferTimeout)).Resume(record, source, destination, step =>
                {
                    progress.Step(step);
                    Verbose(step);
                }, ct));
                WriteVerbose(record.Resolution);
                WriteObject(result);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                if (IsStopRequested) throw new PipelineStoppedException();
                WriteError(ErrorRecords.From(ex, record));
            }
        }
    }
}
