<#
.SYNOPSIS
    Runs the Pester tests against a built module in this (fresh) process and writes the counts as JSON.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [switch] $NoIntegration
)
$ErrorActionPreference = 'Stop'
$pester = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages/pester/5.7.1/tools/Pester.psd1'
Import-Module $pester -Force
$env:LIVEMIGRATE_MODULE = (Resolve-Path $ModulePath).Path
# Every migration a test runs is journaled: into a folder of this run, never the user's own journal.
$env:LIVEMIGRATE_JOURNAL = Join-Path ([IO.Path]::GetTempPath()) "livemigrate-test-journal-$PID"

$config = New-PesterConfiguration
$config.Run.Path = Join-Path $PSScriptRoot 'Pester'
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ($NoIntegration) { $config.Filter.ExcludeTag = 'Integration' }
$result = Invoke-Pester -Configuration $config

[pscustomobject]@{
    passed  = $result.PassedCount
    failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content $ResultPath
Remove-Item -Recurse -Force $env:LIVEMIGRATE_JOURNAL -ErrorAction Ignore
exit ([int]($result.Result -ne 'Passed'))
