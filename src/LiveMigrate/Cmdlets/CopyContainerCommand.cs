using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using LiveMigrate.Clone;
using LiveMigrate.Network;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;
using LiveMigrate.Runc;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>
    /// Clones a running container to other hosts under new names, warm: one checkpoint with the original left
    /// running, restored on every destination in parallel.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CloneResult))]
    public sealed class CopyContainerCommand : LongRunningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ContainerNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Host")]
        [MigrationHostTransformation]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public MigrationHost Source { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1)]
        [MigrationHostTransformation]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        [ValidateNotNullOrEmpty]
        public MigrationHost[] Destination { get; set; } = new MigrationHost[0];

        /// <summary>The clones' names: {Name}, {Index} (1, 2, ... in -Destination's order) and {Host} are replaced.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string NewName { get; set; } = NamePattern.Default;

        /// <summary>Keep the checkpoint on every host afterwards, for Restore-Container (it is named in the verbose output).</summary>
        [Parameter]
        public SwitchParameter KeepCheckpoint { get; set; }

        /// <summary>Each clone's own address (IPv4 or IPv6, with or without /PREFIX), one per destination in its order: required for a network service (a namespace at a config.json path).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Address { get; set; }

        /// <summary>Direct: the source streams to each destination over its own SSH connection (a throwaway key the destination accepts only to unpack tar). Relay: through this controller. Auto: direct when it can be made.</summary>
        [Parameter]
        [ValidateSet(TransferRoutes.Auto, TransferRoutes.Direct, TransferRoutes.Relay)]
        public string TransferRoute { get; set; } = TransferRoutes.Auto;

        /// <summary>Zstd (zstd -1) or Lz4 (lz4 -1): the checkpoint streams compressed, the program needed on every host. None (the default): plain tar.</summary>
        [Parameter]
        [ValidateSet(StreamCompressions.None, StreamCompressions.Zstd, StreamCompressions.Lz4)]
        public string Compress { get; set; } = StreamCompressions.None;

        protected override void ProcessRecord()
        {
            if (ErrorRecords.InvalidName("container", Name) is { } invalid)
            {
                WriteError(invalid);
                return;
            }
            var twice = Destination.GroupBy(d => d.Name).FirstOrDefault(g => g.Count() > 1);
            if (twice != null)
            {
                WriteError(ErrorRecords.From(new ArgumentException($"-Destination names {twice.Key} more than once; each host gets one clone per Copy-Container (run it again for another)."), twice.Key));
                return;
            }
            string[] names;
            try { names = NamePattern.Expand(NewName, Name, Destination.Select(d => d.Name).ToList()).ToArray(); }
            catch (ArgumentException ex)
            {
                WriteError(ErrorRecords.From(ex, NewName));
                return;
            }
            IReadOnlyList<CloneAddress>? addresses;
            try { addresses = CloneAddress.ParseAll(Address, Destination.Length); }
            catch (ArgumentException ex)
            {
                WriteError(ErrorRecords.From(ex, Address));
                return;
            }
            var plan = string.Join(", ", Destination.Select((d, i) => $"{names[i]} on {d.Name}" + (addresses == null ? "" : $" at {addresses[i]}")));
            if (!this.ShouldProcessOrExplain($"{Name} on {Source.Name}", $"Clone (pausing it briefly) as {plan}")) return;
            var options = new RuntimeOptions();
            var checkpoint = $"clone-{Name}-{Guid.NewGuid().ToString("N").Substring(0, 8)}";
            if (KeepCheckpoint) WriteVerbose($"The checkpoint is kept as {checkpoint} on every host.");
            var engine = new CloneEngine(TransferRoutes.Transport(TransferRoute, TimeSpan.FromMinutes(30), Compress));
            try
            {
                var targets = Destination.Select((d, i) => (new CheckpointStore(d.Runtime(options), options), names[i])).ToList();
                var progress = new StepProgress(this, $"Cloning {Name} from {Source.Name}", "Copy");
                engine.StepFinished += progress.Finished;
                var results = RunWork(progress, ct => engine.Copy(Name, new CheckpointStore(Source.Runtime(options), options), targets, checkpoint, KeepCheckpoint, ct, addresses));
                foreach (var r in results)
                {
                    WriteObject(r);
                    if (r.Status == CloneStatus.Failed)
                        WriteError(new ErrorRecord(new InvalidOperationException($"{Name} was not cloned as {r.NewName} on {r.Destination}: {r.Error}"), "CloneFailed", ErrorCategory.InvalidResult, r));
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException) && !IsStopRequested)
            {
                WriteError(ErrorRecords.From(ex, Name));
            }
        }
    }
}
