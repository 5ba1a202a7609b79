@{
    RootModule           = 'LiveMigrate.dll'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '6f0c4a8e-2b7d-4f53-9a1e-3c5d8e7b9f21'
    Author               = 'LiveMigrate contributors'
    CompanyName          = 'LiveMigrate'
    Copyright            = '(c) LiveMigrate contributors. MIT License.'
    Description          = 'Live-migrates runc containers between Linux hosts with CRIU, over SSH.'
    PowerShellVersion    = '5.1'
    # Windows PowerShell loads the netstandard2.0 build, which needs .NET Framework 4.7.2's netstandard support.
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('LiveMigrate.Format.ps1xml')
    CmdletsToExport      = @(
        'New-MigrationHost'
        'Get-MigrationHost'
        'Remove-MigrationHost'
        'Invoke-ContainerPredump'
        'Get-Container'
        'Move-Container'
        'Test-MigrationReadiness'
        'Test-MigrationPlan'
        'Invoke-MigrationPlan'
        'Copy-Container'
        'Save-ContainerCheckpoint'
        'Restore-Container'
        'Get-MigrationJournal'
        'Resume-Migration'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('runc', 'CRIU', 'container', 'migration', 'live-migration', 'SSH', 'Linux', 'Windows', 'PSEdition_Core', 'PSEdition_Desktop')
            # The build fills in this version's section of CHANGELOG.md. No ProjectUri or LicenseUri: the project has
            # no public address yet, and LICENSE ships in the module folder.
            ReleaseNotes = '{{ReleaseNotes}}'
        }
    }
}
