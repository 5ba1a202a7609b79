<#
.SYNOPSIS
    The main job: a real live migration of a network service across three SSH test hosts, its clients staying connected.
.DESCRIPTION
    Starts a 64 MiB workload (memory pattern, child process on a pipe, open log file) beside a TCP/UDP server on lab
    host 1, in a network namespace of its own on the lab LAN (a veth to the host's bridge, the way a CNI bridge
    plugin makes it). A client in the lab's client namespace holds 8 TCP connections, a UDP exchange and a loop of
    short requests to it. The service then moves 1 -> 2 -> 3 with Move-Container, with its address and its open
    connections; the workload's own counter and the clients' counters are printed before and after each hop, then
    the result table. Run it through ./build.ps1 Demo, which starts the lab first.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/LiveMigrate'),
    [string] $Name = 'demo',
    [int] $MiB = 64
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../tests/lab/Lab.psm1')

$lab = Get-LabEnvironment
$hosts = 1..3 | ForEach-Object { Connect-LabHost $_ }
$hosts | Format-Table | Out-String -Width 200 | Write-Host
Remove-LabContainer $Name
$address = "$($lab.LanPrefix).50"
$state = New-LabWorkload -HostIndex 1 -Name $Name -MiB $MiB -ExtraArguments @('--net', $address)
Write-Host "Service '$Name' started on $($hosts[0].Name) at $($address):7000: $MiB MiB, counter $($state.counter)"
Get-Container -MigrationHost $hosts[0] -Name $Name | Format-Table | Out-String -Width 200 | Write-Host

$client = Start-LabNetClient $address $Name
function Show-Clients([string] $When) {
    $c = Read-LabNetClient $client.State
    Write-Host ("  clients {0}: 8 TCP connections with {1} echoes and {2} streamed records verified, UDP {3} pongs, {4} short requests; resets {5}, lost {6}, doubled {7}, longest pause {8} ms" -f `
        $When, ($c.conns.echoes | Measure-Object -Sum).Sum, ($c.conns.streams | Measure-Object -Sum).Sum, $c.udp.pongs, $c.short.ok,
        $c.totals.resets, $c.totals.lost, $c.totals.doubled, $c.totals.max_pause_ms)
    $c
}
try {
    $results = foreach ($hop in @(@(1, 2), @(2, 3))) {
        $from, $to = $hop
        $before = Wait-WorkloadTick $from $Name 0
        Write-Host ("Hop {0} -> {1}: counter before {2}" -f $hosts[$from - 1].Name, $hosts[$to - 1].Name, $before.counter)
        $null = Show-Clients 'before'
        $r = Get-Container -MigrationHost $hosts[$from - 1] -Name $Name | Move-Container -Destination $hosts[$to - 1]
        $after = Wait-WorkloadTick $to $Name ($before.counter + 10)
        Write-Host ("  counter after {0} (errors {1}, memory passes {2}); downtime seen inside the workload {3} ms, reported {4:0} ms" -f `
            $after.counter, $after.errors, $after.passes, $after.lastgap_ms, $r.Downtime.TotalMilliseconds)
        Start-Sleep -Seconds 2
        $c = Show-Clients 'after'
        if ($after.errors -ne 0) { throw "The workload reports $($after.errors) errors after the hop." }
        if ($c.totals.resets + $c.totals.lost + $c.totals.doubled + $c.totals.corrupt -ne 0) { throw 'A client connection was reset or lost data.' }
        $r
    }
    $results | Format-Table | Out-String -Width 200 | Write-Host
    Get-Container -MigrationHost $hosts[2] -Name $Name | Format-Table | Out-String -Width 200 | Write-Host
    Write-Host "Demo done: '$Name' keeps running on $($hosts[2].Name) at $address, its clients still connected. Stop the lab with ./build.ps1 Lab -Stop."
}
finally {
    Stop-LabNetClient $client | Out-Null
    Remove-Item $client.State -ErrorAction Ignore
}
