<#
.SYNOPSIS
    The main job: a real live migration of a workload container across three SSH test hosts.
.DESCRIPTION
    Starts a 64 MiB workload (memory pattern, child process on a pipe, open log file) on lab host 1,
    then moves it 1 -> 2 -> 3 with Move-Container, printing the workload's own counter before and after
    each hop and the result table. Run it through ./build.ps1 Demo, which starts the lab first.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/LiveMigrate'),
    [string] $Name = 'demo',
    [int] $MiB = 64
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../tests/lab/Lab.psm1')

$hosts = 1..3 | ForEach-Object { Connect-LabHost $_ }
$hosts | Format-Table | Out-String -Width 200 | Write-Host
Remove-LabContainer $Name
$state = New-LabWorkload -HostIndex 1 -Name $Name -MiB $MiB
Write-Host "Workload '$Name' started on $($hosts[0].Name): $MiB MiB, counter $($state.counter)"
Get-Container -Host $hosts[0] -Name $Name | Format-Table | Out-String -Width 200 | Write-Host

$results = foreach ($hop in @(@(1, 2), @(2, 3))) {
    $from, $to = $hop
    $before = Wait-WorkloadTick $from $Name 0
    Write-Host ("Hop {0} -> {1}: counter before {2}" -f $hosts[$from - 1].Name, $hosts[$to - 1].Name, $before.counter)
    $r = Get-Container -Host $hosts[$from - 1] -Name $Name | Move-Container -Destination $hosts[$to - 1]
    $after = Wait-WorkloadTick $to $Name ($before.counter + 10)
    Write-Host ("  counter after {0} (errors {1}, memory passes {2}); downtime seen inside the workload {3} ms, reported {4:0} ms" -f `
        $after.counter, $after.errors, $after.passes, $after.lastgap_ms, $r.Downtime.TotalMilliseconds)
    if ($after.errors -ne 0) { throw "The workload reports $($after.errors) errors after the hop." }
    $r
}
$results | Format-Table | Out-String -Width 200 | Write-Host
Get-Container -Host $hosts[2] -Name $Name | Format-Table | Out-String -Width 200 | Write-Host
Write-Host "Demo done: '$Name' keeps running on $($hosts[2].Name). Stop the lab with ./build.ps1 Lab -Stop."
