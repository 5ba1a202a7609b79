using System;
using System.Management.Automation;
using System.Threading;
using LiveMigrate.Clone;
using LiveMigrate.Commands.Completion;
using LiveMigrate.Commands.Hosts;
using LiveMigrate.Commands.Transfer;
using LiveMigrate.Runc;

namespace LiveMigrate.Commands.Cmdlets
{
    /// <summary>Restores a saved checkpoint as a new running container, on its host or on another; the checkpoint stays.</summary>
    [Cmdlet(VerbsData.Restore, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ContainerInfo))]
    public sealed class RestoreContainerCommand : PSCmdlet
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

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
            try
            {
                var store = new CheckpointStore(MigrationHost.Runtime(options), options);
                var checkpoint = store.Get(CheckpointName, _stop.Token);
                var there = new CheckpointStore(target.Runtime(options), options);
                if (!ReferenceEquals(target, MigrationHost)) WriteVerbose($"Copying checkpoint {CheckpointName} ({checkpoint.Bytes / 1048576.0:0.0} MiB) to {target.Name}.");
                checkpoint = store.SendTo(checkpoint, there, TransferRoutes.Transport(TransferRoute, TimeSpan.FromMinutes(30)), WriteVerbose, Force.IsPresent, _stop.Token).There;
                WriteObject(there.Restore(checkpoint, NewName, _stop.Token));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException) && !_stop.IsCancellationRequested)
            {
                WriteError(ErrorRecords.From(ex, NewName));
            }
        }

        protected override void StopProcessing() => _stop.Cancel();
    }
}
