using System;
using System.Linq;
using System.Management.Automation;
using LiveMigrate.Migration;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;
using LiveMigrate.Readiness;
using LiveMigrate.Runc;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Checks, before anything is frozen, whether a container will restore on the destination.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "MigrationReadiness")]
    [OutputType(typeof(ReadinessResult))]
    [OutputType(typeof(bool))]
    public sealed class TestMigrationReadinessCommand : LongRunningCmdlet
    {
        /// <summary>Without a name only the hosts are checked.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ContainerNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        // An object, not a MigrationHost: a host that cannot be opened is the first check's Fail, not a binding error.
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Host")]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        [ValidateNotNull]
        public object Source { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1)]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        [ValidateNotNull]
        public object Destination { get; set; } = null!;

        /// <summary>The mode the move will use; without it, what each mode would need is reported.</summary>
        [Parameter]
        [ValidateSet(nameof(MigrationMode.Stop), nameof(MigrationMode.PostCopy))]
        public string? Mode { get; set; }

        [Parameter]
        public TimeSpan MaxDowntime { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ImageRoot { get; set; } = new MigrationOptions().ImageRoot;

        [Parameter]
        [ValidateRange(1, 600)]
        public int CanaryTimeoutSec { get; set; } = 10;

        /// <summary>No throwaway container on the hosts (the Canary rows are Skipped, and the downtime is not estimated).</summary>
        [Parameter]
        public SwitchParameter NoCanary { get; set; }

        /// <summary>Only $true (no check failed) or $false.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            ContainerName? container = null;
            if (Name != null && !ContainerName.TryParse(Name, out container))
            {
                WriteError(ErrorRecords.InvalidName("container", Name)!);
                return;
            }
            if (!LiveMigrate.Hosts.HostPath.IsSafeAbsolute(ImageRoot))
            {
                WriteError(ErrorRecords.From(new ArgumentException($"-ImageRoot '{ImageRoot}' is not an absolute path without '.' or '..' parts, such as /var/lib/livemigrate/images."), ImageRoot));
                return;
            }
            var request = new MigrationRequest(container) { Mode = Mode == null ? (MigrationMode?)null : (MigrationMode)Enum.Parse(typeof(MigrationMode), Mode, ignoreCase: true) };
            request.Options.ImageRoot = ImageRoot;
            request.Readiness.MaxDowntime = MyInvocation.BoundParameters.ContainsKey(nameof(MaxDowntime)) ? MaxDowntime : (TimeSpan?)null;
            request.Readiness.CanaryTimeout = TimeSpan.FromSeconds(CanaryTimeoutSec);
            request.Readiness.NoCanary = NoCanary.IsPresent;
            var results = ReadinessRunner.Run(this, MigrationCoordinator.ReadinessRequest(request), Open(Source), Open(Destination));
            if (Quiet) WriteObject(results.All(r => r.Status != ReadinessStatus.Fail));
            else WriteObject(results, enumerateCollection: true);
        }

        private static ReadinessHost Open(object value)
        {
            var host = value is PSObject pso ? pso.BaseObject : value;
            if (host is MigrationHost open) return new ReadinessHost(open.Name, open.Session);
            var text = host.ToString() ?? "";
            try
            {
                var resolved = HostConnector.Resolve(text);
                return new ReadinessHost(resolved.Name, resolved.Session);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                return new ReadinessHost(text, null, ex);
            }
        }
    }
}
