using System;
using System.Linq;
using System.Management.Automation;
using LiveMigrate.PowerShell;
using LiveMigrate.PowerShell.Completion;
using LiveMigrate.Runc;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>Lists runc containers on hosts.</summary>
    [Cmdlet(VerbsCommon.Get, "Container")]
    [OutputType(typeof(ContainerInfo))]
    public sealed class GetContainerCommand : LongRunningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        // Not -Host: a proxy function or a mock cannot declare $Host (read-only); kept as an alias.
        [Alias("Host", "ComputerName", "Source")]
        [MigrationHostTransformation]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public MigrationHost[] MigrationHost { get; set; } = new MigrationHost[0];

        // Not from the pipeline: a MigrationHost's own Name would bind here.
        [Parameter(Position = 1)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ContainerNameCompleter))]
        public string[] Name { get; set; } = { "*" };

        protected override void ProcessRecord()
        {
            foreach (var host in MigrationHost)
            {
                try
                {
                    var all = host.Runtime(new RuntimeOptions()).List(StopToken);
                    foreach (var pattern in Name)
                    {
                        var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
                        var matches = all.Where(c => wildcard.IsMatch(c.Name)).ToList();
                        if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                        {
                            WriteError(new ErrorRecord(new ItemNotFoundException($"No container named '{pattern}' on {host.Name}."),
                                "ContainerNotFound", ErrorCategory.ObjectNotFound, pattern));
                        }
                        WriteObject(matches, enumerateCollection: true);
                    }
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException) && !IsStopRequested)
                {
                    WriteError(ErrorRecords.From(ex, host));
                }
            }
        }
    }
}
