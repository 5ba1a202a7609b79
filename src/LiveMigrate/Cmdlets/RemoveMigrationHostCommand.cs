using System.Management.Automation;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Closes a host's connection and forgets it in this runspace.</summary>
    [Cmdlet(VerbsCommon.Remove, "MigrationHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class RemoveMigrationHostCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Host")]
        [MigrationHostTransformation(OpenOnly = true)]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public MigrationHost[] InputObject { get; set; } = new MigrationHost[0];

        protected override void ProcessRecord()
        {
            foreach (var host in InputObject)
            {
                if (this.ShouldProcessOrExplain(host.Name, "Close the connection")) HostRegistry.Remove(host);
            }
        }
    }
}
