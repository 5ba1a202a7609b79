using System;
using System.Management.Automation;
using LiveMigrate.Migration;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;
using LiveMigrate.PreCopy;
using LiveMigrate.Transfer;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Runs pre-dump rounds while the container runs and stages them on the destination for Move-Container -PredumpId.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ContainerPredump", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(PreDumpRound))]
    public sealed class InvokeContainerPredumpCommand : LongRunningCmdlet
    {
        private static readonly PreCopyPolicy Defaults = new PreCopyPolicy();

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

        /// <summary>At most this many rounds.</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int MaxRounds { get; set; } = Defaults.MaxRounds;

        /// <summary>Stop once a round writes fewer pages (4 KiB each) than this.</summary>
        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long MinPagesWritten { get; set; } = Defaults.MinPagesWritten;

        /// <summary>Stop once a round writes not at least this many percent fewer pages than the one before.</summary>
        [Parameter]
        [ValidateRange(0, 100)]
        public int MinShrinkPercent { get; set; } = Defaults.MinShrinkPercent;

        /// <summary>Direct: rounds stream from the source over its own SSH connection (a throwaway key). Relay: through this controller. Auto: direct when it can be made.</summary>
        [Parameter]
        [ValidateSet(TransferRoutes.Auto, TransferRoutes.Direct, TransferRoutes.Relay)]
        public string TransferRoute { get; set; } = TransferRoutes.Auto;

        /// <summary>Zstd (zstd -1) or Lz4 (lz4 -1): the rounds stream compressed, the program needed on both hosts. None (the default): plain tar.</summary>
        [Parameter]
        [ValidateSet(StreamCompressions.None, StreamCompressions.Zstd, StreamCompressions.Lz4)]
        public string Compress { get; set; } = StreamCompressions.None;

        /// <summary>The longest one pre-dump may take before it is killed (CRIU can hang silently).</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int CriuTimeoutSec { get; set; } = 300;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ImageRoot { get; set; } = new MigrationOptions().ImageRoot;

        protected override void ProcessRecord()
        {
            if (ErrorRecords.InvalidName("container", Name) is { } invalid)
            {
                WriteError(invalid);
                return;
            }
            if (string.Equals(Source.Name, Destination.Name, StringComparison.OrdinalIgnoreCase))
            {
                WriteError(ErrorRecords.From(new ArgumentException($"-Source and -Destination are both {Source.Name}; rounds are staged on another host."), Name));
                return;
            }
            if (!this.ShouldProcessOrExplain($"{Name} on {Source.Name}", $"Pre-dump its memory in rounds to {Destination.Name}")) return;
            var options = new MigrationOptions
            {
                ImageRoot = ImageRoot,
                TransferRoute = TransferRoutes.Parse(TransferRoute),
                Compression = StreamCompressions.Parse(Compress),
                PreCopy = new PreCopyPolicy { MaxRounds = MaxRounds, MinPagesWritten = MinPagesWritten, MinShrinkPercent = MinShrinkPercent },
            };
            options.Runtime.CriuTimeout = TimeSpan.FromSeconds(CriuTimeoutSec);
            var engine = new PredumpEngine(new SshTreeTransport(options.TransferTimeout, options.TransferRoute, options.Compression), options);
            var progress = new StepProgress(this, $"Pre-dumping {Name} from {Source.Name} to {Destination.Name}");
            var round = 1;
            string Status() => $"Round {round} of at most {MaxRounds}";
            int Percent() => (round - 1) * 100 / MaxRounds;
            progress.Step(Status(), Percent());
            try
            {
                // Each round is written as soon as it is staged.
                RunWork(progress, ct => engine.Run(Name, Source.Runtime(options.Runtime), Destination.Runtime(options.Runtime), done =>
                {
                    Output(done);
                    round = done.Round + 1;
                    if (done.StopReason == null) progress.Step(Status(), Percent());
                }, Verbose, bytes => progress.Frequent($"{Status()}: {bytes / 1048576.0:0.0} MiB sent", Percent()), ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                if (IsStopRequested) throw new PipelineStoppedException();
                WriteError(ErrorRecords.From(ex, Name));
            }
        }
    }
}
