using System;
using System.Globalization;
using System.Management.Automation;
using LiveMigrate.Clone;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;
using LiveMigrate.Runc;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Keeps a named, checksummed checkpoint of a running container on its host; the container runs on.</summary>
    [Cmdlet(VerbsData.Save, "ContainerCheckpoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(CheckpointInfo))]
    public sealed class SaveContainerCheckpointCommand : LongRunningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ContainerNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Host", "Source")]
        [MigrationHostTransformation]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public MigrationHost MigrationHost { get; set; } = null!;

        /// <summary>The checkpoint's name on the host; NAME-yyyyMMddTHHmmss when not given.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? CheckpointName { get; set; }

        protected override void ProcessRecord()
        {
            var checkpoint = CheckpointName ?? Name + "-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture);
            foreach (var (what, value) in new[] { ("container", Name), ("checkpoint", checkpoint) })
            {
                if (!(ErrorRecords.InvalidName(what, value) is { } invalid)) continue;
                WriteError(invalid);
                return;
            }
            if (!this.ShouldProcessOrExplain($"{Name} on {MigrationHost.Name}", $"Pause briefly and save as checkpoint {checkpoint}")) return;
            var options = new RuntimeOptions();
            var progress = new StepProgress(this, $"Saving a checkpoint of {Name} on {MigrationHost.Name}");
            try
            {
                var info = RunWork(progress, ct =>
                {
                    progress.Step($"Checkpointing as {checkpoint}, the container paused meanwhile", 0);
                    return new CheckpointStore(MigrationHost.Runtime(options), options).Save(Name, checkpoint, ct);
                });
                WriteVerbose($"{Name} was paused for {info.Frozen.TotalMilliseconds:0} ms; {info.Path} holds {info.Bytes / 1048576.0:0.0} MiB.");
                WriteObject(info);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException) && !IsStopRequested)
            {
                WriteError(ErrorRecords.From(ex, Name));
            }
        }
    }
}
