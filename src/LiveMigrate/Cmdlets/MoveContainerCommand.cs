using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using LiveMigrate.Commands.Completion;
using LiveMigrate.Commands.Hooks;
using LiveMigrate.Hooks;
using LiveMigrate.Commands.Hosts;
using LiveMigrate.Commands.Transfer;
using LiveMigrate.Commands.Journal;
using LiveMigrate.Commands.Readiness;
using LiveMigrate.Migration;
using LiveMigrate.PreCopy;
using LiveMigrate.Readiness;
using LiveMigrate.Runc;
using LiveMigrate.Transfer;

namespace LiveMigrate.Commands.Cmdlets
{
    /// <summary>Live-migrates a running container to another host; rolls back to the source on any failure.</summary>
    [Cmdlet(VerbsCommon.Move, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MigrationResult))]
    public sealed class MoveContainerCommand : PSCmdlet
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

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

        /// <summary>Stop and PreCopy: run the container on the destination as soon as its state is restored, and fill its memory there from the transferred images meanwhile.</summary>
        [Parameter]
        public SwitchParameter LazyRestore { get; set; }

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
            if (ErrorRecords.InvalidName("container", Name) is { } invalid)
            {
                WriteError(invalid);
                return;
            }
            if (string.Equals(Source.Name, Destination.Name, StringComparison.OrdinalIgnoreCase))
            {
                WriteError(ErrorRecords.From(new ArgumentException($"-Source and -Destination are both {Source.Name}; a container moves between two hosts."), Name));
                return;
            }
            if (!LiveMigrate.Hosts.HostPath.IsRemovable(LiveMigrate.Hosts.HostPath.Combine(ImageRoot, "x")))
            {
                WriteError(ErrorRecords.From(new ArgumentException(
                    $"-ImageRoot '{ImageRoot}' is too close to / for its image folders to be removed after a migration; use a folder at least two levels deep, such as /var/lib/livemigrate/images."), ImageRoot));
                return;
            }
            if (PredumpId != null)
            {
                if (MyInvocation.BoundParameters.ContainsKey(nameof(Mode)) && Mode != nameof(MigrationMode.PreCopy))
                {
                    WriteError(ErrorRecords.From(new ArgumentException($"-PredumpId finishes a pre-copy; it cannot go with -Mode {Mode}."), PredumpId));
                    return;
                }
                Mode = nameof(MigrationMode.PreCopy);
            }
            if (Mode == Auto && SkipReadiness)
            {
                WriteError(ErrorRecords.From(new ArgumentException("-Mode Auto picks the mode from the readiness checks, which -SkipReadiness skips: name a mode instead."), Name));
                return;
            }
            if (Mode == nameof(MigrationMode.PostCopy) && (Source.IsLocal || Destination.IsLocal))
            {
                WriteError(ErrorRecords.From(new ArgumentException(
                    "-Mode PostCopy carries memory through SSH port forwarding, which a local host does not have; use SSH hosts or -Mode Stop."), Name));
                return;
            }
            HookSet? hooks = null;
            try
            {
                if (Hook != null) hooks = PowerShellHooks.Parse(Hook, this, Source, Destination, _stop.Token);
            }
            catch (ArgumentException ex)
            {
                WriteError(ErrorRecords.From(ex, Hook));
                return;
            }
            if (!this.ShouldProcessOrExplain($"{Name} on {Source.Name}", $"Live-migrate to {Destination.Name}")) return;

            var options = new MigrationOptions
            {
                KeepImages = KeepImages.IsPresent, ImageRoot = ImageRoot, PredumpId = PredumpId, LazyRestore = LazyRestore.IsPresent,
                // Auto is settled by IsReady, from the readiness results.
                Mode = Mode == Auto ? MigrationMode.Stop : (MigrationMode)Enum.Parse(typeof(MigrationMode), Mode, ignoreCase: true),
                Hooks = hooks, RollbackOnHookFailure = RollbackOnHookFailure.IsPresent,
                BundleSync = (LiveMigrate.Migration.BundleSync)Enum.Parse(typeof(LiveMigrate.Migration.BundleSync), BundleSync, ignoreCase: true),
                TransferRoute = TransferRoutes.Parse(TransferRoute),
                PreCopy = new PreCopyPolicy { MaxRounds = MaxRounds, MinPagesWritten = MinPagesWritten, MinShrinkPercent = MinShrinkPercent },
            };
            try
            {
                options.Journal = ControllerJournal.Open();
            }
            catch (InvalidOperationException ex)
            {
                WriteError(ErrorRecords.From(ex, Name));
                return;
            }
            options.Runtime.CriuTimeout = TimeSpan.FromSeconds(CriuTimeoutSec);
            if (!SkipReadiness && !IsReady(options)) return;
            var engine = new MigrationEngine(new SshTreeTransport(options.TransferTimeout, options.TransferRoute), options);
            var progress = new MigrationProgressWriter(this, Name, Source.Name, Destination.Name, () => _stop.IsCancellationRequested);
            try
            {
                var result = engine.Move(Name, Source.Runtime(options.Runtime), Destination.Runtime(options.Runtime), progress, _stop.Token);
                progress.Complete();
                WriteObject(result);
            }
            catch (MigrationException ex)
            {
                progress.Complete();
                if (_stop.IsCancellationRequested) throw new PipelineStoppedException();
                WriteError(ErrorRecords.From(ex, ex.Result));
            }
        }

        private bool IsReady(MigrationOptions options)
        {
            var request = new ReadinessRequest
            {
                ContainerName = Name, Mode = Mode == Auto ? (MigrationMode?)null : options.Mode, ImageRoot = options.ImageRoot, Runtime = options.Runtime,
                BundleSync = options.BundleSync,
                MaxDowntime = MyInvocation.BoundParameters.ContainsKey(nameof(MaxDowntime)) ? MaxDowntime : (TimeSpan?)null,
            };
            var results = ReadinessRunner.Run(this, request, new ReadinessHost(Source.Name, Source.Session), new ReadinessHost(Destination.Name, Destination.Session), _stop.Token);
            if (Mode == Auto)
            {
                options.Mode = ModeChoice.Choose(results, Source.Name, Destination.Name, postCopyPossible: !(Source.IsLocal || Destination.IsLocal));
                results = ModeChoice.ForMode(results, options.Mode);
                WriteVerbose($"-Mode Auto: {options.Mode}, from what readiness found.");
            }
            if (options.BundleSync == LiveMigrate.Migration.BundleSync.Auto && BundleSyncChoice.Chosen(results) is { } sync)
            {
                options.BundleSync = sync;
                WriteVerbose($"-BundleSync Auto: {sync}, from what readiness found.");
            }
            foreach (var r in results) WriteVerbose($"Readiness: {r.Status} {r.Check} on {r.Host}: {r.Detail}");
            var refusal = ReadinessGate.Refusal(Name, results, Force);
            if (refusal == null) return true;
            WriteError(ErrorRecords.From(refusal, Name));
            return false;
        }

        protected override void StopProcessing() => _stop.Cancel();
    }
}
