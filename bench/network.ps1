<#
.SYNOPSIS
    Benchmark: what the clients of a network service see while Move-Container moves it, against the downtime.
.DESCRIPTION
    A workload container of -SizeMiB that also runs tests/workload/netserver on its own address on the lab LAN
    (its network namespace is a path in config.json, as a CNI bridge plugin makes it) moves between lab hosts 1
    and 2, alternately, in each -Mode. Each of the -Runs rounds makes, per mode, two hops:
      with clients  a fresh tests/workload/netclient in the lab's client namespace (8 long-lived TCP connections
                    streaming and echoing sequence-numbered records, a UDP ping every 20 ms, a short
                    connect-request-close call every 200 ms) starts before the move and stops once every
                    connection, the UDP exchange and the short calls have gone on after it; a fresh client per
                    hop, as its counters are running maxima
      without       the same container, nobody connected
    The table gives medians of: the downtime Move-Container reports (frozen until running), the longest pause
    any TCP connection saw between two records, the longest gap between two UDP answers, and the slowest short
    request (a failed attempt is retried after 50 ms until one succeeds; one attempt times out after 2 s).
    Target: the longest client pause at most the downtime plus 0.5 s, in every hop. Any reset, lost, doubled or
    corrupt record on any connection fails the benchmark, as does the workload's memory check.
    Ratios between rows of one run are what to read: the machine is shared and noisy.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/LiveMigrate'),
    # Strings split on commas, as bench.ps1's: under "pwsh -File", [int[]] would read "64,256" as 64256.
    [string[]] $SizeMiB = @('256'),
    [ValidateRange(1, 20)] [int] $Runs = 3,
    [ValidateRange(0, 10)] [int] $WarmupGiB = 4,
    [string[]] $Mode = @('Stop', 'PostCopy')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../tests/lab/Lab.psm1')
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1')
$modes = @($Mode -split ',' | ForEach-Object { $_.Trim() })
$unknown = @($modes | Where-Object { $_ -notin 'Stop', 'PostCopy' })
if ($unknown) { throw "Unknown -Mode $($unknown -join ', '); choose from Stop, PostCopy." }
$lab = Get-LabEnvironment
Invoke-MemoryWarmup $lab.Root $WarmupGiB
$hosts = 1..2 | ForEach-Object { Connect-LabHost $_ }
$name = 'netbench'
$address = "$($lab.LanPrefix).80"
$targetSlackMs = 500

# One hop of the container from lab host $from to the other, in $mode, with or without a client connected.
function Invoke-Hop([int] $from, [string] $mode, [bool] $clients) {
    $to = 3 - $from
    $client = if ($clients) { Start-LabNetClient $address $name }
    try {
        $before = if ($client) { Read-LabNetClient $client.State }
        $r = Move-Container -Name $name -Source $hosts[$from - 1] -Destination $hosts[$to - 1] -Mode $mode -Confirm:$false
        $null = Wait-WorkloadTick $to $name 0
        $sample = @{ At = $to; Downtime = $r.Downtime.TotalMilliseconds }
        if (-not $client) { return $sample }
        # A reset connection stalls for good: its counters below make the clearer message.
        $stalled = $null
        try { $null = Wait-LabNetClientProgress $client $before } catch { $stalled = $_ }
    } finally {
        $final = if ($client) { Stop-LabNetClient $client }
    }
    $t = $final.totals
    if ($t.resets + $t.lost + $t.doubled + $t.corrupt -ne 0 -or $client.Process.ExitCode -ne 0) {
        throw ("$mode hop $from -> ${to}: the clients saw {0} reset(s), {1} lost, {2} doubled and {3} corrupt record(s) (exit code {4}); a live move must keep every connection whole. State: {5}" -f
            $t.resets, $t.lost, $t.doubled, $t.corrupt, $client.Process.ExitCode, $client.State)
    }
    if ($stalled) { throw "$mode hop $from -> ${to}: $stalled" }
    $sample + @{ Pause = $t.max_pause_ms; UdpGap = $final.udp.max_gap_ms; Short = $final.short.max_ms
                 Resets = $t.resets; Lost = $t.lost; Doubled = $t.doubled; Met = $t.max_pause_ms -le $sample.Downtime + $targetSlackMs }
}

$sizes = @($SizeMiB -split ',' | ForEach-Object { [int]$_.Trim() })
$rows = foreach ($mib in $sizes) {
    Remove-LabContainer $name
    $start = New-LabWorkload -HostIndex 1 -Name $name -MiB $mib -ExtraArguments @('--net', $address)
    $at = 1
    $samples = @{}
    foreach ($m in $modes) { $samples["$m clients"] = @(); $samples["$m none"] = @() }
    for ($run = 1; $run -le $Runs; $run++) {
        # Interleaved, so that drift in the machine's load touches every row alike.
        $said = foreach ($m in $modes) {
            foreach ($clients in $true, $false) {
                $sample = Invoke-Hop $at $m $clients
                $at = $sample.At
                $samples["$m $(if ($clients) { 'clients' } else { 'none' })"] += $sample
                if ($clients) { "{0} {1:0} ms, client pause {2} ms, UDP gap {3} ms, short {4} ms" -f $m, $sample.Downtime, $sample.Pause, $sample.UdpGap, $sample.Short }
                else { "{0} without clients {1:0} ms" -f $m, $sample.Downtime }
            }
        }
        Write-Host ("{0} MiB run {1}: {2}" -f $mib, $run, ($said -join '; '))
    }
    $state = Wait-WorkloadTick $at $name 0
    if ($state.errors -ne 0 -or $state.seed -ne $start.seed) { throw "The workload's memory check failed after the $mib MiB runs: $($state | ConvertTo-Json -Compress)" }
    foreach ($m in $modes) {
        foreach ($key in "$m clients", "$m none") {
            $s = $samples[$key]
            $withClients = $key -like '* clients'
            $met = @($s | Where-Object Met).Count
            [pscustomobject]@{
                'MiB'                    = $mib
                'Mode'                   = $m
                'Clients'                = if ($withClients) { '8 TCP + UDP + short' } else { 'none' }
                'Downtime ms (median)'   = [math]::Round((Get-Median $s.Downtime))
                'Longest client pause ms' = if ($withClients) { Get-Median $s.Pause } else { '-' }
                'UDP max gap ms'         = if ($withClients) { Get-Median $s.UdpGap } else { '-' }
                'Slowest short ms'       = if ($withClients) { Get-Median $s.Short } else { '-' }
                'Resets/lost/doubled'    = if ($withClients) { '{0}/{1}/{2}' -f ($s.Resets | Measure-Object -Sum).Sum, ($s.Lost | Measure-Object -Sum).Sum, ($s.Doubled | Measure-Object -Sum).Sum } else { '-' }
                "Pause <= downtime + $targetSlackMs ms" = if (-not $withClients) { '-' } elseif ($met -eq $s.Count) { "met ($met/$($s.Count) hops)" } else { "MISSED ($met/$($s.Count) hops met)" }
                'Runs'                   = $s.Count
            }
        }
    }
    Remove-LabContainer $name
}
"A network service moved between lab hosts 1 and 2 (median of $Runs hops per row; resets/lost/doubled summed):"
ConvertTo-MarkdownTable $rows
