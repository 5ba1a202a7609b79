<#
.SYNOPSIS
    Benchmark: downtime of Move-Container against the local floor and the hand-written ssh/tar way.
.DESCRIPTION
    For each workload size, median of -Runs runs of:
      floor        runc checkpoint + runc restore on one host, images on the same disk, no transfer
      hand-written ssh src runc checkpoint; ssh src tar | ssh dst tar; ssh dst runc restore (OpenSSH, a login per step)
      direct push  ssh src 'runc checkpoint ...; tar c ... | ssh dst tar x'; ssh dst runc restore: the best a script does,
                   the images going host to host
      plain OpenSSH stream  not a move: the rate of `cat FILE | ssh dst 'cat > FILE'` from the source to the
                   destination's disk (a fresh connection, aes128-gcm as the module's link prefers), for the workload's
                   size, in the same run: what the module's Transfer MB/s compares with
      Move-Container  the module, lab host to lab host (-Mode Stop, the default; the source streams straight to the
                      destination over its own SSH link, -TransferRoute Auto)
      Move-Container -TransferRoute Relay  the same, every byte relayed through the controller's two SSH connections
      Move-Container -LazyRestore  Stop mode, the destination running the container before its memory is filled there
                      (the Move-Container row leaves it to readiness: lazy from 256 MiB)
      Move-Container -LazyRestore:$false  Stop mode, the destination writing all the memory before the container runs
      Move-Container -StreamMemory  Stop mode, the dump sending the memory into the destination's page server as it
                      reads it (the Move-Container row leaves it to readiness: streamed from 4 CPUs a host)
      Move-Container -StreamMemory:$false  Stop mode, the memory dumped on the source, then sent
      Move-Container -Mode PostCopy  a lazy dump without the memory, restored at once; the memory follows from the
                      frozen source tasks through the SSH tunnel
      Move-Container -Compress None|Zstd|Lz4  Stop mode with each codec named (the Move-Container row is -Compress Auto)
    -Workload random (incompressible words, the default) and/or compressible (text-like runs that zstd and lz4 shrink
    about 20-fold) runs every chosen row for each.
    Then the same workload with a realistic rootfs (-RootfsMiB of this machine's libraries and shared files, as a
    real image holds) runs the floor, Move-Container and -Mode PostCopy with the default bundle sync (the bundle
    copied while the container runs, only its changes while frozen) and with -BundleSync Full (all of it frozen).
    For the module the table also gives the downtime it reports (from the pause until the destination runs
    the container), the freeze gap (the workload's first gap that ended after the pause) and, in
    post-copy, the time until every page arrived: there the largest gap includes later stalls of a
    workload touching memory that has not arrived yet.
    Downtime is measured inside the workload: the largest gap between its ticks during the operation.
    The workload checks its whole memory continuously; a run that corrupts it fails the benchmark.
    This VM backs guest memory lazily: the first touch of a guest page costs ~15 us, so a restore that
    lands on never-used memory is ~3x slower than one that reuses the memory the checkpoint just freed
    (as the local floor always does). -WarmupGiB touches that much memory once first, so that every
    method restores into warm memory and the table compares the methods, not the hypervisor.
    Ratios between rows of one run are what to read: the machine is shared and noisy.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/LiveMigrate'),
    # Strings split on commas: "pwsh -File bench.ps1 -SizeMiB 64,256" passes one string, which [int[]] would read as 64256.
    [string[]] $SizeMiB = @('64', '256', '1024'),
    [ValidateRange(1, 20)] [int] $Runs = 3,
    [ValidateRange(0, 10)] [int] $WarmupGiB = 8,
    # Which rows to run (comma-separated): floor, plain, hand, push, stop, none, zstd, lz4, relay, lazy, eager, stream, dump, postcopy, full,
    # postcopyfull.
    # The floor always runs: ratios need it.
    [string[]] $Method = @('floor', 'plain', 'hand', 'push', 'stop', 'relay', 'eager', 'lazy', 'stream', 'dump', 'postcopy'),
    # The workload's memory (comma-separated): random, compressible.
    [string[]] $Workload = @('random'),
    # The realistic rootfs's size; 0 skips its rows.
    [ValidateRange(0, 4096)] [int] $RootfsMiB = 400
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../tests/lab/Lab.psm1')
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1')
$lab = Get-LabEnvironment
Invoke-MemoryWarmup $lab.Root $WarmupGiB
$hosts = 1..2 | ForEach-Object { Connect-LabHost $_ }
$name = 'bench'
$bundle = "/var/lib/livemigrate/containers/$name"
$criuEnv = 'env CRIU_FAULT=130'

function Get-Quoted([string] $s) { "'" + $s.Replace("'", "'\''") + "'" }

# One OpenSSH login per call, as a hand-written script does it.
function Get-SshCommand([int] $i, [string] $remote) {
    "ssh -F /dev/null -i $(Get-Quoted $lab.KeyFilePath) -o UserKnownHostsFile=$(Get-Quoted $lab.KnownHostsPath) -o BatchMode=yes -c aes128-gcm@openssh.com -p $($lab.Port) root@$($lab.Addresses[$i - 1]) $(Get-Quoted $remote)"
}

# Run on host $from (inside its command): an OpenSSH login from it to host $to over the lab LAN, as a script on the host would make.
function Get-HostToHostSsh([int] $to, [string] $remote) {
    "ssh -F /dev/null -i $(Get-Quoted $lab.KeyFilePath) -o UserKnownHostsFile=$(Get-Quoted $lab.KnownHostsPath) -o BatchMode=yes -c aes128-gcm@openssh.com -o Compression=no root@$($lab.LanAddresses[$to - 1]) $(Get-Quoted $remote)"
}

function Invoke-Bash([string] $script) {
    $out = & bash -c $script 2>&1
    if ($LASTEXITCODE -ne 0) { throw "bench step failed ($LASTEXITCODE): $script`n$out" }
}

function Get-NowMs { [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }

# The largest tick gap the workload logged since $sinceMs: its own view of the downtime.
function Get-WorkloadGap([int] $i, [long] $sinceMs) {
    $gaps = Get-WorkloadLog $i $name | ForEach-Object {
        if ($_ -match '^gap (\d+) ms end_unix_ms (\d+)') { if ([long]$Matches[2] -ge $sinceMs) { [int]$Matches[1] } }
    }
    if (-not $gaps) { throw "The workload logged no gap since $sinceMs on lab host $i; was it frozen at all?" }
    ($gaps | Measure-Object -Maximum).Maximum
}

function Invoke-Floor([int] $at) {
    $img = "/var/lib/livemigrate/images/$name-floor"
    $t0 = Get-NowMs
    Invoke-Bash (Get-SshCommand $at "mkdir -p $img && $criuEnv runc checkpoint --image-path $img --work-path $img $name && $criuEnv runc restore --detach --image-path $img --work-path $img --bundle $bundle $name </dev/null >/dev/null && rm -rf $img")
    $tick = Wait-WorkloadTick $at $name 0
    @{ At = $at; Downtime = Get-WorkloadGap $at $t0; Rate = $null }
}

function Invoke-HandWritten([int] $from, [int] $to) {
    $img = "/var/lib/livemigrate/images/$name-hand"
    $t0 = Get-NowMs
    Invoke-Bash (Get-SshCommand $from "mkdir -p $img && $criuEnv runc checkpoint --image-path $img --work-path $img $name")
    $size = [long](& bash -c (Get-SshCommand $from "du -sb $img $bundle | awk '{s+=`$1} END {print s}'"))
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $paths = "$($img.TrimStart('/')) $($bundle.TrimStart('/'))"
    Invoke-Bash ("set -o pipefail; " + (Get-SshCommand $from "tar -C / -cf - $paths") + " | " + (Get-SshCommand $to 'tar -C / -xf -'))
    $rate = $size / 1e6 / $clock.Elapsed.TotalSeconds
    Invoke-Bash (Get-SshCommand $to "$criuEnv runc restore --detach --image-path $img --work-path $img --bundle $bundle $name </dev/null >/dev/null")
    Invoke-Bash (Get-SshCommand $from "rm -rf $img $bundle")
    Invoke-Bash (Get-SshCommand $to "rm -rf $img")
    $tick = Wait-WorkloadTick $to $name 0
    @{ At = $to; Downtime = Get-WorkloadGap $to $t0; Rate = $rate }
}

# The hand-written direct push: the source checkpoints and streams its images straight to the destination.
function Invoke-DirectPush([int] $from, [int] $to) {
    $img = "/var/lib/livemigrate/images/$name-push"
    $paths = "$($img.TrimStart('/')) $($bundle.TrimStart('/'))"
    $t0 = Get-NowMs
    Invoke-Bash (Get-SshCommand $from "mkdir -p $img && $criuEnv runc checkpoint --image-path $img --work-path $img $name && tar -C / -cf - $paths | $(Get-HostToHostSsh $to 'tar -C / -xf -')")
    Invoke-Bash (Get-SshCommand $to "$criuEnv runc restore --detach --image-path $img --work-path $img --bundle $bundle $name </dev/null >/dev/null")
    Invoke-Bash (Get-SshCommand $from "rm -rf $img $bundle")
    Invoke-Bash (Get-SshCommand $to "rm -rf $img")
    $tick = Wait-WorkloadTick $to $name 0
    @{ At = $to; Downtime = Get-WorkloadGap $to $t0; Rate = $null }
}

# Not a move: the plain OpenSSH stream's rate, a fresh connection writing the workload's size to the destination's disk.
function Invoke-PlainStream([int] $at, [int] $mib) {
    $file = "/var/lib/livemigrate/images/$name-plain"
    Invoke-Bash (Get-SshCommand $at "head -c $($mib)M /dev/urandom > $file")
    # Timed on the source: the controller's own login to it is not part of the stream.
    $ns = & bash -c (Get-SshCommand $at "s=`$(date +%s%N); $(Get-HostToHostSsh (3 - $at) true); m=`$(date +%s%N); cat $file | $(Get-HostToHostSsh (3 - $at) "cat > $file"); e=`$(date +%s%N); echo `$((m - s)) `$((e - m))")
    $login, $stream = ($ns -split ' ') | ForEach-Object { [double]$_ / 1e9 }
    $rate = $mib * 1MB / 1e6 / $stream
    Write-Host ("plain OpenSSH stream: {0:0} MB/s with its login, {1:0} MB/s without ({2:0} ms to log in)" -f $rate, ($mib * 1MB / 1e6 / ($stream - $login)), ($login * 1000))
    Invoke-Bash (Get-SshCommand $at "rm -f $file")
    Invoke-Bash (Get-SshCommand (3 - $at) "rm -f $file")
    @{ At = $at; Downtime = $null; Rate = $rate }
}

# $with: switches named (-LazyRestore, -StreamMemory); left out, readiness decides them, as for a user who does not name them.
function Invoke-Module([int] $from, [int] $to, [string] $mode = 'Stop', [string] $route = 'Auto', [hashtable] $with = @{}, [string] $sync = 'Auto', [string] $compress = 'Auto') {
    $t0 = Get-NowMs
    $r = Move-Container -Name $name -Source $hosts[$from - 1] -Destination $hosts[$to - 1] -Mode $mode -TransferRoute $route -BundleSync $sync -Compress $compress @with
    $tick = Wait-WorkloadTick $to $name 0
    $tick = Wait-WorkloadTick $to $name ($tick.counter + 20)
    $log = @(Get-WorkloadLog $to $name | ForEach-Object { if ($_ -match '^gap (\d+) ms end_unix_ms (\d+)') { @{ Gap = [int]$Matches[1]; End = [long]$Matches[2] } } })
    $gaps = @($log | Where-Object End -ge $t0 | ForEach-Object Gap)
    # The freeze as the workload saw it: the first gap that ended after the pause (the end of Prepare).
    $paused = ($r.StartTime + $r.PrepareTime).ToUnixTimeMilliseconds()
    $freeze = @($log | Where-Object End -ge $paused)[0].Gap
    @{ At = $to; Downtime = ($gaps | Measure-Object -Maximum).Maximum; Freeze = $freeze; Rate = $r.TransferRate
       Reported = $r.Downtime.TotalMilliseconds; Pages = $r.PagesTime.TotalMilliseconds; Sent = $r.BytesTransferred / 1MB; Codec = "$($r.Compression)" }
}

$sizes = @($SizeMiB -split ',' | ForEach-Object { [int]$_.Trim() })
# Each row: its label, and a run from the host the workload is on that returns a sample (At: where it is now).
$all = [ordered]@{
    floor    = @{ Label = 'floor (local checkpoint+restore)'; Run = { param($at) Invoke-Floor $at } }
    plain    = @{ Label = 'plain OpenSSH stream (rate only)'; Run = { param($at) Invoke-PlainStream $at $mib } }
    hand     = @{ Label = 'hand-written ssh + tar'; Run = { param($at) Invoke-HandWritten $at (3 - $at) } }
    push     = @{ Label = 'hand-written direct push'; Run = { param($at) Invoke-DirectPush $at (3 - $at) } }
    stop     = @{ Label = 'Move-Container'; Run = { param($at) Invoke-Module $at (3 - $at) } }
    none     = @{ Label = 'Move-Container -Compress None'; Run = { param($at) Invoke-Module $at (3 - $at) -compress 'None' } }
    zstd     = @{ Label = 'Move-Container -Compress Zstd'; Run = { param($at) Invoke-Module $at (3 - $at) -compress 'Zstd' } }
    lz4      = @{ Label = 'Move-Container -Compress Lz4'; Run = { param($at) Invoke-Module $at (3 - $at) -compress 'Lz4' } }
    relay    = @{ Label = 'Move-Container -TransferRoute Relay'; Run = { param($at) Invoke-Module $at (3 - $at) 'Stop' 'Relay' } }
    lazy     = @{ Label = 'Move-Container -LazyRestore'; Run = { param($at) Invoke-Module $at (3 - $at) -with @{ LazyRestore = $true } } }
    eager    = @{ Label = 'Move-Container -LazyRestore:$false'; Run = { param($at) Invoke-Module $at (3 - $at) -with @{ LazyRestore = $false } } }
    stream   = @{ Label = 'Move-Container -StreamMemory'; Run = { param($at) Invoke-Module $at (3 - $at) -with @{ StreamMemory = $true } } }
    dump     = @{ Label = 'Move-Container -StreamMemory:$false'; Run = { param($at) Invoke-Module $at (3 - $at) -with @{ StreamMemory = $false } } }
    postcopy = @{ Label = 'Move-Container -Mode PostCopy'; Run = { param($at) Invoke-Module $at (3 - $at) 'PostCopy' } }
    full     = @{ Label = 'Move-Container -BundleSync Full'; Run = { param($at) Invoke-Module $at (3 - $at) -sync 'Full' } }
    postcopyfull = @{ Label = 'Move-Container -Mode PostCopy -BundleSync Full'; Run = { param($at) Invoke-Module $at (3 - $at) 'PostCopy' -sync 'Full' } }
}
$chosen = @($Method -split ',' | ForEach-Object { $_.Trim().ToLowerInvariant() })
$unknown = @($chosen | Where-Object { -not $all.Contains($_) })
if ($unknown) { throw "Unknown -Method $($unknown -join ', '); choose from $($all.Keys -join ', ')." }
$memories = @($Workload -split ',' | ForEach-Object { $_.Trim().ToLowerInvariant() })
$badMemory = @($memories | Where-Object { $_ -notin 'random', 'compressible' })
if ($badMemory) { throw "Unknown -Workload $($badMemory -join ', '); choose from random, compressible." }
# The tiny rootfs (one static binary) runs the methods chosen for each memory; the realistic one those the bundle's way changes.
$workloads = @(foreach ($memory in $memories) { @{ Rootfs = 0; Memory = $memory; Methods = $chosen } })
if ($RootfsMiB -gt 0) { $workloads += @{ Rootfs = $RootfsMiB; Memory = 'random'; Methods = @('stop', 'full', 'postcopy', 'postcopyfull') } }
$rows = foreach ($mib in $sizes) { foreach ($w in $workloads) {
    Remove-LabContainer $name
    $extra = @()
    if ($w.Rootfs) { $extra += '--rootfs-mib', $w.Rootfs }
    if ($w.Memory -eq 'compressible') { $extra += '--compressible' }
    $start = New-LabWorkload -HostIndex 1 -Name $name -MiB $mib -ExtraArguments $extra
    $at = 1
    $methods = @($all.Keys | Where-Object { $_ -eq 'floor' -or $w.Methods -contains $_ })
    $samples = @{}
    foreach ($key in $methods) { $samples[$key] = @() }
    for ($run = 1; $run -le $Runs; $run++) {
        # Interleaved, so that drift in the machine's load touches every method alike.
        $said = foreach ($key in $methods) {
            $sample = & $all[$key].Run $at
            $at = $sample.At
            $samples[$key] += $sample
            "{0} {1}{2}" -f $key, $(if ($null -ne $sample.Downtime) { "$($sample.Downtime) ms" } else { "$([math]::Round($sample.Rate)) MB/s" }), $(if ($sample.Reported) { " (reports $([math]::Round($sample.Reported)), freeze gap $($sample.Freeze), $([math]::Round($sample.Sent, 1)) MiB sent frozen$(if ($sample.Pages) { ", pages $([math]::Round($sample.Pages))" }))" })
        }
        Write-Host ("{0} MiB {1}, rootfs {2}, run {3}: {4}" -f $mib, $w.Memory, $(if ($w.Rootfs) { "$($w.Rootfs) MiB" } else { 'tiny' }), $run, ($said -join ', '))
    }
    $state = Wait-WorkloadTick $at $name 0
    if ($state.errors -ne 0 -or $state.seed -ne $start.seed) { throw "The workload's memory check failed after the $mib MiB runs: $($state | ConvertTo-Json -Compress)" }
    $floor = Get-Median ($samples['floor'].Downtime)
    foreach ($key in $methods) {
        $downtimes = @($samples[$key].Downtime | Where-Object { $null -ne $_ })
        $d = if ($downtimes) { Get-Median $downtimes } else { $null }
        $rates = @($samples[$key].Rate | Where-Object { $_ })
        [pscustomobject]@{
            'MiB'              = $mib
            'Memory'           = $w.Memory
            'Rootfs MiB'       = if ($w.Rootfs) { $w.Rootfs } else { 'tiny' }
            'Method'           = $all[$key].Label
            'Downtime ms (median)' = if ($null -ne $d) { [math]::Round($d) } else { '-' }
            'x floor'          = if ($null -ne $d) { '{0:0.00}' -f ($d / $floor) } else { '-' }
            'Codec'            = if ($samples[$key][0].Codec) { @($samples[$key].Codec | Sort-Object -Unique) -join '/' } else { '-' }
            'Transfer MB/s'    = if ($rates) { [math]::Round((Get-Median $rates)) } else { '-' }
            'Reported ms'      = if ($samples[$key][0].Reported) { [math]::Round((Get-Median ($samples[$key].Reported))) } else { '-' }
            'Freeze ms'        = if ($samples[$key][0].Freeze) { [math]::Round((Get-Median ($samples[$key].Freeze))) } else { '-' }
            'Sent frozen MiB'  = if ($samples[$key][0].Reported) { '{0:0.0}' -f (Get-Median ($samples[$key].Sent)) } else { '-' }
            'Pages ms'         = if ($samples[$key][0].Pages) { [math]::Round((Get-Median ($samples[$key].Pages))) } else { '-' }
            'Runs'             = $samples[$key].Count
            'Memory check'     = 'ok'
        }
    }
    Remove-LabContainer $name
} }
$rows | Format-Table -AutoSize | Out-String -Width 240 | Write-Host
