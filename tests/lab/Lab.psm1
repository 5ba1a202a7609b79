# Helpers for tests that use the SSH test lab started by tests/lab/lab.sh.
$script:LabRoot = if ($env:LM_LAB_ROOT) { $env:LM_LAB_ROOT } else { '/var/lib/livemigrate-lab' }
$script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-LabEnvironment {
    $file = Join-Path $script:LabRoot 'lab.env'
    if (-not (Test-Path $file)) { throw "The lab is not running: start it with ./build.ps1 Lab ($file is missing)." }
    $envs = @{}
    foreach ($line in Get-Content $file) {
        if ($line -match '^(\w+)=(.*)$') { $envs[$Matches[1]] = $Matches[2].Trim('"').Trim() }
    }
    [pscustomobject]@{
        Root           = $envs.LM_LAB_ROOT
        KeyFilePath    = $envs.LM_LAB_KEY
        KnownHostsPath = $envs.LM_LAB_KNOWN_HOSTS
        Port           = [int]$envs.LM_LAB_PORT
        Addresses      = @($envs.LM_LAB_HOSTS -split '\s+' | Where-Object { $_ })
        # Where the hosts reach one another (port 22), and the client namespace on the same LAN.
        LanAddresses   = @($envs.LM_LAB_LAN_HOSTS -split '\s+' | Where-Object { $_ })
        LanPrefix      = $envs.LM_LAB_LAN_PREFIX
        ClientNetns    = $envs.LM_LAB_CLIENT_NETNS
        ClientAddress  = $envs.LM_LAB_CLIENT_ADDR
    }
}

function Test-LabRunning { Test-Path (Join-Path $script:LabRoot 'lab.env') }

# "root@127.77.0.N:2222" for lab host N (1-based).
function Get-LabHostName([int] $Index) {
    $lab = Get-LabEnvironment
    "root@$($lab.Addresses[$Index - 1]):$($lab.Port)"
}

function Connect-LabHost([int] $Index) {
    $lab = Get-LabEnvironment
    # The controller reaches a host at its loopback address; the other hosts reach it on the LAN (the direct route).
    New-MigrationHost (Get-LabHostName $Index) -KeyFilePath $lab.KeyFilePath -KnownHostsPath $lab.KnownHostsPath -LinkAddress $lab.LanAddresses[$Index - 1]
}

# What host N keeps under /var/lib/livemigrate, seen from outside its mount namespace.
function Get-LabHostPath([int] $Index, [string] $Path = '') {
    Join-Path $script:LabRoot "hosts/lm$Index/lib/$Path"
}

# runc as lab host N runs it: in its mount, cgroup and network namespaces, where the cgroup paths runc recorded are its own.
function Invoke-LabRunc([int] $Index, [string[]] $Arguments) {
    $sshd = Get-Content (Join-Path $script:LabRoot "hosts/lm$Index/sshd.pid")
    & nsenter -t $sshd -m -C -n runc @Arguments
}

function New-LabWorkload {
    param([int] $HostIndex, [string] $Name, [int] $MiB = 16, [int] $TickMs = 10, [string[]] $ExtraArguments = @())
    $out = & bash (Join-Path $script:Repo 'tests/lab/new-workload.sh') $HostIndex $Name $MiB $TickMs @ExtraArguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "new-workload.sh failed: $out" }
    Get-WorkloadState -HostIndex $HostIndex -Name $Name
}

# The workload's one-line state file, as a hashtable of numbers.
function Get-WorkloadState([int] $HostIndex, [string] $Name) {
    $file = Get-LabHostPath $HostIndex "containers/$Name/rootfs/var/log/workload.state"
    if (-not (Test-Path $file)) { return $null }
    $state = @{}
    foreach ($pair in ((Get-Content -Raw $file).Trim() -split '\s+')) {
        $k, $v = $pair -split '=', 2
        $state[$k] = [decimal]$v  # the seed is an unsigned 64-bit number
    }
    $state
}

function Get-WorkloadLog([int] $HostIndex, [string] $Name) {
    $file = Get-LabHostPath $HostIndex "containers/$Name/rootfs/var/log/workload.log"
    if (Test-Path $file) { Get-Content $file } else { @() }
}

# Waits until the workload's counter passes $After (it ticks, so it is alive and not frozen).
function Wait-WorkloadTick([int] $HostIndex, [string] $Name, [long] $After, [int] $TimeoutSeconds = 10) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    do {
        $s = Get-WorkloadState $HostIndex $Name
        if ($s -and $s.counter -gt $After) { return $s }
        Start-Sleep -Milliseconds 50
    } while ([DateTime]::UtcNow -lt $deadline)
    throw "Workload $Name on lab host $HostIndex did not tick past $After within $TimeoutSeconds s (state: $($s | ConvertTo-Json -Compress))."
}

# Starts Move-Container of $Name from lab host 1 to 2 in a runspace of its own, as a console or a job runs it, and returns
# once its progress shows a status like $Status (or after 60 s); $With splats more of its parameters. Complete-LabMove
# collects what it wrote.
function Start-LabMove([string] $Name, [string] $Mode, [string] $Status, [hashtable] $With = @{}) {
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
        param($module, $lab, $name, $mode, $with)
        Import-Module $module; Import-Module $lab
        Move-Container -Name $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2) -Mode $mode -ErrorAction Continue @with
    }).AddArgument($env:LIVEMIGRATE_MODULE).AddArgument((Join-Path $PSScriptRoot 'Lab.psm1')).AddArgument($Name).AddArgument($Mode).AddArgument($With)
    $handle = $ps.BeginInvoke()
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not ($ps.Streams.Progress | Where-Object StatusDescription -like $Status) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 5 }
    [pscustomobject]@{ PowerShell = $ps; Handle = $handle }
}

# Waits for a Start-LabMove to end: its results and its error records.
function Complete-LabMove($Move) {
    $result = @($Move.PowerShell.EndInvoke($Move.Handle))
    $errors = @($Move.PowerShell.Streams.Error)
    $Move.PowerShell.Dispose()
    [pscustomobject]@{ Results = $result; Errors = $errors }
}

# Runs $Script in a runspace of its own (as a console or a job runs it) with LiveMigrate and this module imported and
# -Verbose on: what it wrote, its errors, its progress records and its verbose lines, which the calling runspace cannot see.
function Invoke-LabWatched([scriptblock] $Script, [object[]] $ArgumentList = @()) {
    $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $state.ThrowOnRunspaceOpenError = $true
    $state.ImportPSModule([string[]]@($env:LIVEMIGRATE_MODULE, (Join-Path $PSScriptRoot 'Lab.psm1')))
    $state.Variables.Add([System.Management.Automation.Runspaces.SessionStateVariableEntry]::new('VerbosePreference', 'Continue', ''))
    $ps = [powershell]::Create($state)
    try {
        $null = $ps.AddScript($Script.ToString())
        foreach ($argument in $ArgumentList) { $null = $ps.AddArgument($argument) }
        $output = @($ps.Invoke())
        [pscustomobject]@{ Output = $output; Errors = @($ps.Streams.Error); Progress = @($ps.Streams.Progress); Verbose = @($ps.Streams.Verbose | ForEach-Object Message) }
    } finally { $ps.Dispose() }
}

# Waits until the workload has completed $Count more full passes over its memory than it had done when called,
# each checking every word; returns its state then (the caller asserts passes and errors).
function Wait-WorkloadPasses([int] $HostIndex, [string] $Name, [int] $Count, [int] $TimeoutSeconds = 60) {
    $target = (Get-WorkloadState $HostIndex $Name).passes + $Count
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (($s = Get-WorkloadState $HostIndex $Name).passes -lt $target -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    $s['target'] = $target
    $s
}

# tests/workload/holder, built static on first use, for holding what CRIU cannot carry.
function Get-LabHolder {
    $src = Join-Path $script:Repo 'tests/workload/holder.c'
    $bin = Join-Path $script:Repo 'tests/workload/holder'
    if (-not (Test-Path $bin) -or (Get-Item $src).LastWriteTimeUtc -gt (Get-Item $bin).LastWriteTimeUtc) {
        & gcc -O2 -static -Wall -Wextra -o "$bin.$PID.tmp" $src
        if ($LASTEXITCODE -ne 0) { throw 'could not build tests/workload/holder.c' }
        Move-Item -Force "$bin.$PID.tmp" $bin
    }
    $bin
}

# Starts ARGUMENTS as one more process in container NAME on lab host N (runc exec -d), its stdio on
# /dev/null unless -Stdout names a host file. The holder is at /holder inside the container.
function Start-LabContainerProcess([int] $HostIndex, [string] $Name, [string[]] $Arguments, [string] $Stdout = '/dev/null') {
    $inside = Get-LabHostPath $HostIndex "containers/$Name/rootfs/holder"
    if (-not (Test-Path $inside)) { Copy-Item (Get-LabHolder) $inside }  # once: a running holder's file cannot be written
    # Inside the host's mount namespace: runc exec changes into the bundle, which only the host sees.
    Invoke-InLabHost $HostIndex (@('sh', '-c', 'n=$1 o=$2; shift 2; exec runc exec -d "$n" "$@" </dev/null >"$o" 2>&1', 'sh', $Name, $Stdout) + $Arguments)
}

# Runs a command inside lab host N's own mount, cgroup and network namespaces (where its sshd and runc see the files,
# cgroups and network devices).
function Invoke-InLabHost([int] $HostIndex, [string[]] $Command) {
    $sshd = Get-Content (Join-Path $script:LabRoot "hosts/lm$HostIndex/sshd.pid")
    & nsenter -t $sshd -m -C -n @Command
    if ($LASTEXITCODE -ne 0) { throw "'$($Command -join ' ')' failed in lab host $HostIndex" }
}

# Makes CRIU on lab host N never answer runc (its swrk mode sleeps), as the parasite hang of some VMs leaves it
# (see the shared notes on CRIU_FAULT=130; whether the real hang happens depends on the VM, so it is played).
# Every other use of criu works. Undo with Dismount-HangingCriu.
function Mount-HangingCriu([int] $HostIndex) {
    $criu = & sh -c 'command -v criu'
    $dir = Join-Path $script:LabRoot "hanging-criu-$HostIndex"
    New-Item -ItemType Directory -Force $dir | Out-Null
    Copy-Item $criu "$dir/criu-real" -Force
    Set-Content "$dir/criu" "#!/bin/sh`n[ `"`$1`" = swrk ] && exec sleep 3599`nexec $dir/criu-real `"`$@`""
    & chmod 755 "$dir/criu" "$dir/criu-real"
    Invoke-InLabHost $HostIndex @('mount', '--bind', "$dir/criu", $criu)
}

function Dismount-HangingCriu([int] $HostIndex) {
    Invoke-InLabHost $HostIndex @('umount', (& sh -c 'command -v criu'))
    & pkill -KILL -f "^sleep 3599$" 2>$null | Out-Null  # the hung swrk; 3599 is this helper's alone
    Remove-Item -Recurse -Force (Join-Path $script:LabRoot "hanging-criu-$HostIndex") -ErrorAction Ignore
}

function Remove-LabContainer([string] $Name) {
    $lab = Get-LabEnvironment
    foreach ($i in 1..$lab.Addresses.Count) {
        Invoke-LabRunc $i @('delete', '--force', $Name) 2>$null | Out-Null
        # The network namespace and veth new-workload.sh --net made (as a CNI plugin would).
        $hostEnd = "v-$($Name.Substring(0, [Math]::Min(13, $Name.Length)))"
        Invoke-InLabHost $i @('sh', '-c', 'ip link del "$1" 2>/dev/null; [ -e "/run/netns/$2" ] && ip netns del "$2"; true', 'sh', $hostEnd, $Name)
        Remove-Item -Recurse -Force (Get-LabHostPath $i "containers/$Name") -ErrorAction Ignore
        # A test that ended in MigrationFailed leaves the migration lock on purpose.
        Remove-Item -Recurse -Force (Get-LabHostPath $i "locks/$Name") -ErrorAction Ignore
        # The record of its latest pre-dump (Invoke-ContainerPredump, -Mode PreCopy).
        Remove-Item -Recurse -Force (Get-LabHostPath $i "locks/$Name.predump") -ErrorAction Ignore
        Get-ChildItem (Get-LabHostPath $i 'images') -Filter "$Name-*" -ErrorAction Ignore | Remove-Item -Recurse -Force
        # Checkpoints named after it, and the temporary ones of Copy-Container.
        Get-ChildItem (Get-LabHostPath $i 'checkpoints') -ErrorAction Ignore |
            Where-Object { $_.Name -like "$Name-*" -or $_.Name -like "clone-$Name-*" -or $_.Name -eq $Name } | Remove-Item -Recurse -Force
    }
}

# The processes of this lab's hosts whose command line matches $Pattern (other labs may run on the same machine).
function Get-LabProcess([string] $Pattern) {
    $lab = Get-LabEnvironment
    $nets = foreach ($i in 1..$lab.Addresses.Count) {
        & readlink "/proc/$(Get-Content (Join-Path $script:LabRoot "hosts/lm$i/sshd.pid"))/ns/net"
    }
    foreach ($p in @(& pgrep -f $Pattern)) {
        if ((& readlink "/proc/$p/ns/net" 2>$null) -in $nets) { [int]$p }
    }
}

# What lab host N keeps under /run/livemigrate (the links of the direct route), seen from outside it.
function Get-LabRunPath([int] $Index, [string] $Path = '') {
    Join-Path $script:LabRoot "hosts/lm$Index/run/$Path"
}

# Where a container is running across the lab: the host indexes whose runc reports it running.
function Get-LabContainerLocation([string] $Name) {
    $lab = Get-LabEnvironment
    foreach ($i in 1..$lab.Addresses.Count) {
        $json = Invoke-LabRunc $i @('state', $Name) 2>$null
        if ($LASTEXITCODE -eq 0 -and ($json | ConvertFrom-Json).status -eq 'running') { $i }
    }
}

# After a failed or stopped migration from lab host 1 to 2: the container runs exactly once, on host 1,
# the same process (its start time) still ticking with its memory intact, and nothing of the attempt is
# left: no bundle or images on host 2 (seen from inside its mount namespace, where a test may have
# mounted something over them), no images on host 1, no page daemon anywhere.
function Assert-RolledBackToFirstHost([string] $Name, $Start) {
    @(Get-LabContainerLocation $Name) | Should -Be @(1) -Because 'running exactly once, on the source'
    $now = Wait-WorkloadTick 1 $Name 0
    $after = Wait-WorkloadTick 1 $Name ($now.counter + 20)
    $after.errors | Should -Be 0
    $after.start_unix_ms | Should -Be $Start.start_unix_ms
    $sshd = Get-Content (Join-Path $script:LabRoot 'hosts/lm2/sshd.pid')
    $left = & nsenter -t $sshd -m sh -c 'ls -d /var/lib/livemigrate/images/"$1"-* /var/lib/livemigrate/containers/"$1" 2>/dev/null' sh $Name
    $left | Should -BeNullOrEmpty -Because 'nothing of the attempt stays on the destination'
    @(Get-ChildItem (Get-LabHostPath 1 'images') -Filter "$Name-*").Count | Should -Be 0
    @(Get-LabProcess "criu lazy-pages .*/$Name-|runc checkpoint .*--lazy-pages .*/$Name-").Count | Should -Be 0 -Because 'no page daemon or lazy dump outlives a rollback'
}

# Starts tests/workload/netclient in the lab's client namespace against ADDRESS:7000 ($Conns connections, UDP, short
# requests) and returns once every connection and the UDP exchange carry traffic: its process and JSON state file.
function Start-LabNetClient([string] $Address, [string] $Name, [int] $Conns = 8) {
    $lab = Get-LabEnvironment
    $state = Join-Path ([IO.Path]::GetTempPath()) "netclient-$Name-$PID.json"
    Remove-Item $state -ErrorAction Ignore
    $p = Start-Process -PassThru -FilePath nsenter -ArgumentList @("--net=/run/netns/$($lab.ClientNetns)", (Join-Path $script:Repo 'tests/workload/netclient'),
        '--server', $Address, '--port', '7000', '--conns', "$Conns", '--state', $state, '--duration-s', '600')
    $client = [pscustomobject]@{ Process = $p; State = $state }
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    do {
        Start-Sleep -Milliseconds 100
        $now = if (Test-Path $state) { Read-LabNetClient $state }
        if ($now -and $now.udp.pongs -gt 5 -and @($now.conns | Where-Object echoes -gt 0).Count -eq $Conns) { return $client }
    } while ([DateTime]::UtcNow -lt $deadline)
    & kill -INT $p.Id 2>$null
    throw "The client of $Address did not get all $Conns connections and the UDP exchange going within 10 s (state: $($now | ConvertTo-Json -Compress -Depth 3))."
}

function Read-LabNetClient([string] $State) {
    for ($i = 0; $i -lt 20; $i++) { try { return Get-Content -Raw $State | ConvertFrom-Json } catch { Start-Sleep -Milliseconds 50 } }
    throw "cannot read $State"
}

# The client's counters once it has seen traffic again after a move (every connection's echoes, the UDP exchange and
# the short requests went on); throws if they do not within 20 s.
function Wait-LabNetClientProgress($Client, $Before) {
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    do {
        Start-Sleep -Milliseconds 200
        $now = Read-LabNetClient $Client.State
        $moved = @(0..($Before.conns.Count - 1) | Where-Object { $now.conns[$_].echoes -gt $Before.conns[$_].echoes + 5 }).Count -eq $Before.conns.Count -and
            $now.udp.pongs -gt $Before.udp.pongs + 5 -and $now.short.ok -gt $Before.short.ok + 1
        if ($moved) { return $now }
    } until ([DateTime]::UtcNow -gt $deadline)
    throw "The clients did not all get going again within 20 s (state: $($now | ConvertTo-Json -Compress -Depth 3))."
}

# Ends the client (SIGINT: it writes its final state) and returns that state.
function Stop-LabNetClient($Client) {
    & kill -INT $Client.Process.Id 2>$null
    $Client.Process.WaitForExit(5000) | Out-Null
    Read-LabNetClient $Client.State
}

Export-ModuleMember -Function *
