using System;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using LiveMigrate.Plans;

namespace LiveMigrate.PowerShell.Cmdlets
{
    /// <summary>
    /// Validates migration plan files: one PlanProblem per problem (with file, line, column and a fix), then the
    /// loaded MigrationPlan when nothing is an error; with -Quiet, one $true or $false for all the files.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "MigrationPlan")]
    [OutputType(typeof(PlanProblem), typeof(MigrationPlan), typeof(bool))]
    public sealed class TestMigrationPlanCommand : PSCmdlet
    {
        private bool _allValid = true;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>Write only whether every plan is valid (warnings allowed), as one bool at the end.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var path in Path)
            {
                foreach (var file in Resolve(path)) Test(file);
            }
        }

        protected override void EndProcessing()
        {
            if (Quiet) WriteObject(_allValid);
        }

        private Collection<string> Resolve(string path)
        {
            try
            {
                var files = GetResolvedProviderPathFromPSPath(path, out var provider);
                if (provider.Name != "FileSystem") throw new ArgumentException($"'{path}' is on the {provider.Name} drive; a plan is a file.");
                if (files.Count == 0) throw new ItemNotFoundException($"No plan file matches '{path}'.");
                return files;
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is ProviderNotFoundException)
            {
                Fail(new ErrorRecord(new FileNotFoundException($"Cannot find the plan file '{path}'.", path, ex), "PlanFileNotFound", ErrorCategory.ObjectNotFound, path));
            }
            catch (ArgumentException ex)
            {
                Fail(ErrorRecords.From(ex, path));
            }
            return new Collection<string>();
        }

        private void Test(string file)
        {
            PlanLoadResult result;
            try
            {
                result = MigrationPlanLoader.Load(file);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                var category = ex is FileNotFoundException || ex is DirectoryNotFoundException ? ErrorCategory.ObjectNotFound
                    : ex is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.ReadError;
                Fail(new ErrorRecord(ex, "PlanFileUnreadable", category, file));
                return;
            }
            _allValid &= result.IsValid;
            if (Quiet) return;
            foreach (var problem in result.Problems) WriteObject(problem);
            if (result.Plan != null) WriteObject(result.Plan);
        }

        private void Fail(ErrorRecord error)
        {
            _allValid = false;
            WriteError(error);
        }
    }
}
