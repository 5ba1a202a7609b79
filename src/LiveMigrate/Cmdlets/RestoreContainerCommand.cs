using System;
using System.Management.Automation;
using LiveMigrate.Clone;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;
using LiveMigrate.Runc;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Restores a saved checkpoint as a new running container, on its host or on another; the checkpoint stays.</summary>
    [Cmdlet(VerbsData.Restore, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ContainerInfo))]
    public sealed class RestoreContainerCommand : LongRunningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(CheckpointNameCompleter))]
        public string CheckpointName { get; set; } = "";

        /// <summary>The host that holds the checkpoint.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Host")]
        [MigrationHostTransformation]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public MigrationHost MigrationHost { get; set; } = null!;

        /// <summary>Where the container runs; the checkpoint's own host when not given (it is copied there first, and kept).</summary>
        [Parameter(Position = 1)]
        [MigrationHostTransformation]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public MigrationHost? Destination { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string NewName { get; set; } = "";

        /// <summary>Direct: the source streams to the destination over its own SSH connection (a throwaway key the destination accepts only to unpack tar). Relay: through this controller. Auto: direct when it can be made.</summary>
        [Parameter]
        [ValidateSet(TransferRoutes.Auto, TransferRoutes.Direct, TransferRoutes.Relay)]
        public string TransferRoute { get; set; } = TransferRoutes.Auto;

        /// <summary>Replaces another checkpoint of the same name on -Destination (without it, that is refused).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var (what, value) in new[] { ("checkpoint", CheckpointName), ("container", NewName) })
            {
                if (!(ErrorRecords.InvalidName(what, value) is { } invalid)) continue;
                WriteError(invalid);
                return;
            }
            var target = Destination ?? MigrationHost;
            if (!this.ShouldProcessOrExplain($"checkpoint {CheckpointName} of {MigrationHost.Name}", $"Restore as container {NewName} on {target.Name}")) return;
            var options = new RuntimeOptions();
            var progress = new StepProgress(this, $"Restoring checkpoint {CheckpointName} of {MigrationHost.Name} as {NewName} on {target.Name}");
            try
            {
                WriteObject(RunWork(progress, ct =>
                {
                    progress.Step("Reading the checkpoint", 0);
                    var store = new CheckpointStore(MigrationHost.Runtime(options), options);
                    var checkpoint = store.Get(CheckpointName, ct);
                    var there = new CheckpointStore(target.Runtime(options), options);
                    if (!ReferenceEquals(target, MigrationHost))
                    {
                        progress.Step($"Copying {checkpoint.Bytes / 1048576.0:0.0} MiB to {target.Name}", 25);
                        Verbose($"Copying checkpoint {CheckpointName} ({checkpoint.Bytes / 1048576.0:0.0} MiB) to {target.Name}.");
                    }
                    checkpoint = store.SendTo(checkpoint, there, TransferRoutes.Transport(TransferRoute, TimeSpan.FromMinutes(30)), Verbose, Force.IsPresent, ct).There;
                    progress.Step($"Restoring as {NewName}", 75);
                    return there.Restore(checkpoint, NewName, ct);
                }));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException) && !IsStopRequested)
            {
                WriteError(ErrorRecords.From(ex, NewName));
            }
        }
    }
}
