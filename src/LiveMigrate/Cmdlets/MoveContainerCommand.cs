using System;
using System.Linq;
using System.Management.Automation;
using LiveMigrate.Hooks;
using LiveMigrate.Migration;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;
using LiveMigrate.PreCopy;
using LiveMigrate.Readiness;
using LiveMigrate.Runc;
using LiveMigrate.Threading;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Live-migrates a running container to another host; rolls back to the source on any failure.</summary>
    [Cmdlet(VerbsCommon.Move, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MigrationResult))]
    public sealed class MoveContainerCommand : LongRunningCmdlet
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
        public MigrationHost Destination { get; set; } = null!;

        /// <summary>
        /// Stop copies the whole checkpoint while frozen; PostCopy restores at once and sends memory after; PreCopy
        /// copies memory in rounds while the container runs; Auto picks from what readiness finds.
        /// </summary>
        // A string, not the engine's enum: PowerShell reads parameter types before the module's
        // initializer can point it at the engine's folder.
        [Parameter]
        [ValidateSet(nameof(MigrationMode.Stop), nameof(MigrationMode.PostCopy), nameof(MigrationMode.PreCopy), Auto)]
        public string Mode { get; set; } = nameof(MigrationMode.Stop);

        /// <summary>
        /// Full: the bundle is copied while frozen. Delta: copied while running, then only what changed. None: shared storage.
        /// Auto (the default): None if readiness finds the bundle shared, else Delta, or Full where Delta cannot work.
        /// </summary>
        [Parameter]
        [ValidateSet(nameof(LiveMigrate.Migration.BundleSync.Auto), nameof(LiveMigrate.Migration.BundleSync.Full), nameof(LiveMigrate.Migration.BundleSync.Delta), nameof(LiveMigrate.Migration.BundleSync.None))]
        public string BundleSync { get; set; } = nameof(LiveMigrate.Migration.BundleSync.Auto);

        private const string Auto = "Auto";

        /// <summary>
        /// How the images and bundle are compressed on the way: Zstd (zstd -1, every core) or Lz4 (lz4 -1), None, or Auto (the
        /// default): a codec only when readiness's sample of the memory shows it would beat the measured bandwidth.
        /// </summary>
        [Parameter]
        [ValidateSet(StreamCompressions.Auto, StreamCompressions.None, StreamCompressions.Zstd, StreamCompressions.Lz4)]
        public string Compress { get; set; } = StreamCompressions.Auto;

        /// <summary>Direct: the source streams to the destination over its own SSH connection (a throwaway key). Relay: through this controller. Auto: direct when it can be made.</summary>
        [Parameter]
        [ValidateSet(TransferRoutes.Auto, TransferRoutes.Direct, TransferRoutes.Relay)]
        public string TransferRoute { get; set; } = TransferRoutes.Auto;

        /// <summary>PreCopy: at most this many rounds.</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int MaxRounds { get; set; } = PreCopyDefaults.MaxRounds;

        /// <summary>PreCopy: stop once a round writes fewer pages (4 KiB each) than this.</summary>
        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long MinPagesWritten { get; set; } = PreCopyDefaults.MinPagesWritten;

        /// <summary>PreCopy: stop once a round writes not at least this many percent fewer pages than the one before.</summary>
        [Parameter]
        [ValidateRange(0, 100)]
        public int MinShrinkPercent { get; set; } = PreCopyDefaults.MinShrinkPercent;

        private static readonly PreCopyPolicy PreCopyDefaults = new PreCopyPolicy();

        /// <summary>
        /// Stop and PreCopy: run the container on the destination as soon as its state is restored, and fill its memory there
        /// from the transferred images meanwhile. Not given, readiness decides (lazy from 256 MiB where the destination can);
        /// -LazyRestore:$false always writes the memory first.
        /// </summary>
        [Parameter]
        public SwitchParameter LazyRestore { get; set; }

        /// <summary>
        /// Stop: the final dump sends the memory into CRIU's page server on the destination as it reads it, over the direct
        /// link, instead of writing it on the source first. Not given, readiness decides (streamed where both hosts have
        /// 4 CPUs or more, the route is direct and the memory goes uncompressed); -StreamMemory:$false always dumps on the source.
        /// </summary>
        [Parameter]
        public SwitchParameter StreamMemory { get; set; }

        /// <summary>Finish a pre-copy from the rounds Invoke-ContainerPredump staged under this id (implies -Mode PreCopy).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PredumpId { get; set; }

        /// <summary>Keep the checkpoint images on the destination after a success.</summary>
        [Parameter]
        public SwitchParameter KeepImages { get; set; }

        /// <summary>The longest a checkpoint or restore may take before it is killed (CRIU can hang silently).</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int CriuTimeoutSec { get; set; } = 300;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ImageRoot { get; set; } = new MigrationOptions().ImageRoot;

        /// <summary>Move without running Test-MigrationReadiness first.</summary>
        [Parameter]
        public SwitchParameter SkipReadiness { get; set; }

        /// <summary>Readiness warns (and the move is refused without -Force) when its downtime estimate is longer.</summary>
        [Parameter]
        public TimeSpan MaxDowntime { get; set; }

        /// <summary>Move even though readiness checks warned (a failed check still refuses).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Scriptblocks or host commands per hook point (PreCheckpoint, PostCheckpoint, PreRestore, PostRestore, OnFailure, OnRollback).</summary>
        [Parameter]
        public System.Collections.Hashtable? Hook { get; set; }

        /// <summary>A PostCheckpoint or PostRestore hook that fails rolls the migration back (otherwise it is reported in HookFailures).</summary>
        [Parameter]
        public SwitchParameter RollbackOnHookFailure { get; set; }

        protected override void ProcessRecord()
        {
            if (!ContainerName.TryParse(Name, out var container))
            {
                WriteError(ErrorRecords.InvalidName("container", Name)!);
                return;
            }
            var request = Request(container);
            var source = Source.Endpoint();
            var destination = Destination.Endpoint();
            if (MigrationCoordinator.Refusal(request, source, destination) is { } refused)
            {
                WriteError(ErrorRecords.From(refused.Error, refused.Parameter switch { nameof(ImageRoot) => ImageRoot, nameof(PredumpId) => PredumpId, _ => Name }));
                return;
            }
            try
            {
                if (Hook != null) request.Options.Hooks = PowerShellHooks.Parse(Hook, this, Source, Destination, StopToken);
            }
            catch (ArgumentException ex)
            {
                WriteError(ErrorRecords.From(ex, Hook));
                return;
            }
            if (!this.ShouldProcessOrExplain($"{Name} on {Source.Name}", $"Live-migrate to {Destination.Name}")) return;

            // Readiness reports its progress from worker threads through the pipeline thread, which waits here.
            var coordinator = new MigrationCoordinator(ControllerJournal.Open, (rq, s, d, ct) => ReadinessRunner.Run(this, rq, s, d));
            MigrationOptions options;
            try
            {
                options = coordinator.Settle(request, source, destination, WriteVerbose, StopToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is ReadinessFailedException)
            {
                WriteError(ErrorRecords.From(ex, Name));
                return;
            }
            var progress = new MigrationProgressWriter(this, Name, Source.Name, Destination.Name);
            var observer = new DispatchingMigrationObserver(progress, Dispatcher);
            try
            {
                var result = RunWork(ct => coordinator.Move(request, options, source, destination, observer, ct));
                progress.Complete();
                WriteObject(result);
            }
            catch (MigrationException ex)
            {
                progress.Complete();
                WriteError(ErrorRecords.From(ex, ex.Result));
            }
        }

        /// <summary>The parameters as the engine's request; every rule about them is the coordinator's.</summary>
        private MigrationRequest Request(ContainerName container)
        {
            var request = new MigrationRequest(container)
            {
                // -PredumpId finishes a pre-copy: it implies the mode unless one was named.
                Mode = Mode == Auto ? (MigrationMode?)null
                    : PredumpId != null && !MyInvocation.BoundParameters.ContainsKey(nameof(Mode)) ? MigrationMode.PreCopy
                    : (MigrationMode)Enum.Parse(typeof(MigrationMode), Mode, ignoreCase: true),
            };
            var o = request.Options;
            o.KeepImages = KeepImages.IsPresent;
            o.ImageRoot = ImageRoot;
            o.PredumpId = PredumpId;
            o.LazyRestore = MyInvocation.BoundParameters.ContainsKey(nameof(LazyRestore)) ? LazyRestore.IsPresent : (bool?)null;
            o.StreamMemory = MyInvocation.BoundParameters.ContainsKey(nameof(StreamMemory)) ? StreamMemory.IsPresent : (bool?)null;
            o.RollbackOnHookFailure = RollbackOnHookFailure.IsPresent;
            o.BundleSync = (LiveMigrate.Migration.BundleSync)Enum.Parse(typeof(LiveMigrate.Migration.BundleSync), BundleSync, ignoreCase: true);
            o.TransferRoute = TransferRoutes.Parse(TransferRoute);
            o.Compression = StreamCompressions.Parse(Compress);
            o.PreCopy = new PreCopyPolicy { MaxRounds = MaxRounds, MinPagesWritten = MinPagesWritten, MinShrinkPercent = MinShrinkPercent };
            o.Runtime.CriuTimeout = TimeSpan.FromSeconds(CriuTimeoutSec);
            request.Readiness.Skip = SkipReadiness.IsPresent;
            request.Readiness.Force = Force.IsPresent;
            request.Readiness.MaxDowntime = MyInvocation.BoundParameters.ContainsKey(nameof(MaxDowntime)) ? MaxDowntime : (TimeSpan?)null;
            return request;
        }
    }
}
