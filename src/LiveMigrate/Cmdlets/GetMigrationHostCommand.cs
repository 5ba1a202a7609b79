using System.Management.Automation;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Lists the hosts open in this runspace.</summary>
    [Cmdlet(VerbsCommon.Get, "MigrationHost")]
    [OutputType(typeof(MigrationHost))]
    public sealed class GetMigrationHostCommand : PSCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] Name { get; set; } = { "*" };

        protected override void ProcessRecord()
        {
            foreach (var pattern in Name)
            {
                if (!WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    if (HostRegistry.TryGet(pattern, out var exact)) WriteObject(exact);
                    else WriteError(new ErrorRecord(new ItemNotFoundException($"No open host named '{pattern}'. Open it with New-MigrationHost."),
                        "HostNotFound", ErrorCategory.ObjectNotFound, pattern));
                    continue;
                }
                var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
                foreach (var host in HostRegistry.All)
                {
                    if (wildcard.IsMatch(host.Name)) WriteObject(host);
                }
            }
        }
    }
}
