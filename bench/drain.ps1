<#
.SYNOPSIS
    Benchmark: draining one host of small containers with Invoke-MigrationPlan at several throttles.
.DESCRIPTION
    Starts -Count workload containers of -SizeMiB on lab host 1, then for each throttle runs a plan that moves
    them all to lab hosts 2 and 3 (alternately), readiness checks included, and moves them back (not timed).
    The table gives the plan's total time, the longest downtime any migration reported (frozen until running),
    and the largest gap the workloads saw themselves. Every workload's memory check must still pass.
    Ratios between rows of one run are what to read: the machine is shared and noisy (and has 2 CPUs here).
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/LiveMigrate'),
    [ValidateRange(1, 32)] [int] $Count = 8,
    [ValidateRange(1, 1024)] [int] $SizeMiB = 8,
    # Strings split on commas, as bench.ps1's -SizeMiB: under "pwsh -File", [int[]] would read "1,2" as 12.
    [string[]] $Throttle = @('1', '2', '4')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../tests/lab/Lab.psm1')
$lab = Get-LabEnvironment
$names = 1..$Count | ForEach-Object { "drain$_" }
$names | ForEach-Object { Remove-LabContainer $_ }
$started = @{}
foreach ($n in $names) { $started[$n] = New-LabWorkload -HostIndex 1 -Name $n -MiB $SizeMiB }

function New-DrainPlan([int] $Throttle, [switch] $Back) {
    $hostLines = 1..3 | ForEach-Object { "  lm${_}: { address: '$(Get-LabHostName $_)', keyPath: '$($lab.KeyFilePath)', knownHostsPath: '$($lab.KnownHostsPath)' }" }
    $moves = for ($i = 0; $i -lt $names.Count; $i++) {
        $other = "lm$(2 + $i % 2)"
        if ($Back) { "      - { container: $($names[$i]), from: $other, to: lm1 }" } else { "      - { container: $($names[$i]), from: lm1, to: $other }" }
    }
    $path = Join-Path ([IO.Path]::GetTempPath()) "livemigrate-drain-$Throttle.yaml"
    Set-Content $path (@('version: 1', 'hosts:') + $hostLines + @('waves:', '  - name: drain', "    throttle: $Throttle", '    failurePolicy: continue', '    migrations:') + $moves)
    $path
}

$rows = foreach ($t in @($Throttle -split ',' | ForEach-Object { [int]$_.Trim() })) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $outcomes = @(Invoke-MigrationPlan (New-DrainPlan $t) -Confirm:$false)
    $total = $clock.Elapsed
    $failed = @($outcomes | Where-Object Status -ne 'Succeeded')
    if ($failed) { throw "throttle ${t}: $($failed.Count) migration(s) did not succeed: $($failed | ForEach-Object { "$($_.Name) $($_.Status) $($_.Error.Message)" })" }
    $gaps = for ($i = 0; $i -lt $names.Count; $i++) {
        $s = Wait-WorkloadTick (2 + $i % 2) $names[$i] 0
        if ($s.errors -ne 0 -or $s.start_unix_ms -ne $started[$names[$i]].start_unix_ms) { throw "$($names[$i]) lost its memory or restarted: $($s | ConvertTo-Json -Compress)" }
        $s.lastgap_ms
    }
    Write-Host ("throttle {0}: {1:0.0} s" -f $t, $total.TotalSeconds)
    [pscustomobject]@{
        Throttle               = $t
        'Total s'              = [math]::Round($total.TotalSeconds, 1)
        'Longest downtime ms'  = [math]::Round(($outcomes.Result.Downtime | Measure-Object TotalMilliseconds -Maximum).Maximum)
        'Largest gap seen ms'  = ($gaps | Measure-Object -Maximum).Maximum
        'Per container s'      = [math]::Round($total.TotalSeconds / $names.Count, 2)
    }
    $back = @(Invoke-MigrationPlan (New-DrainPlan 4 -Back) -Confirm:$false -SkipReadiness)
    if (@($back | Where-Object Status -ne 'Succeeded')) { throw 'moving the workloads back to lab host 1 failed' }
}
$names | ForEach-Object { Remove-LabContainer $_ }
"Draining $Count containers of $SizeMiB MiB from lab host 1 to 2 and 3 (readiness checks included):"
$rows | Format-Table -AutoSize | Out-String
