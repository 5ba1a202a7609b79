# A network service moves with its address while its clients stay connected: a container whose network namespace is a
# path of its config.json (veth to the host's bridge br0 on the lab LAN), a client in the lab's client namespace holding
# 8 TCP connections, a UDP exchange and a loop of short requests.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1'); $script:lab = Test-LabRunning }

BeforeAll {
    Import-Module $env:LIVEMIGRATE_MODULE
    Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1')
    $script:client = Join-Path $PSScriptRoot '../workload/netclient'

    # Starts the client against ADDRESS:7000 from the client namespace; its JSON state file is returned.
    function Start-NetClient([string] $Address, [string] $Name, [int] $Conns = 8) {
        $lab = Get-LabEnvironment
        $state = Join-Path ([IO.Path]::GetTempPath()) "netclient-$Name-$PID.json"
        Remove-Item $state -ErrorAction Ignore
        $p = Start-Process -PassThru -FilePath nsenter -ArgumentList @("--net=/run/netns/$($lab.ClientNetns)", $script:client,
            '--server', $Address, '--port', '7000', '--conns', "$Conns", '--state', $state, '--duration-s', '600')
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not ((Test-Path $state) -and (Read-NetClient $state).udp.pongs -gt 5) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        [pscustomobject]@{ Process = $p; State = $state }
    }
    function Read-NetClient([string] $State) {
        for ($i = 0; $i -lt 20; $i++) { try { return Get-Content -Raw $State | ConvertFrom-Json } catch { Start-Sleep -Milliseconds 50 } }
        throw "cannot read $State"
    }
    # The client's counters once it has seen traffic again after a move (every connection's echoes went on).
    function Wait-NetClientProgress($Client, $Before) {
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do {
            Start-Sleep -Milliseconds 200
            $now = Read-NetClient $Client.State
            $moved = @(0..($Before.conns.Count - 1) | Where-Object { $now.conns[$_].echoes -gt $Before.conns[$_].echoes + 5 }).Count -eq $Before.conns.Count -and
                $now.udp.pongs -gt $Before.udp.pongs + 5 -and $now.short.ok -gt $Before.short.ok + 1
        } until ($moved -or [DateTime]::UtcNow -gt $deadline)
        $now
    }
    function Stop-NetClient($Client) {
        & kill -INT $Client.Process.Id 2>$null
        $Client.Process.WaitForExit(5000) | Out-Null
        Read-NetClient $Client.State
    }
}

Describe 'Moving a network service with its clients connected' -Tag Integration -Skip:(-not $script:lab) {
    Context 'A -> B -> C -> A in <_> mode' -ForEach 'Stop', 'PostCopy' {
        BeforeAll {
            $mode = $_
            $name = "web$($mode.ToLower())"
            $lab = Get-LabEnvironment
            $address = "$($lab.LanPrefix).$(if ($mode -eq 'Stop') { 60 } else { 61 })"
            Remove-LabContainer $name
            New-LabWorkload -HostIndex 1 -Name $name -MiB 64 -ExtraArguments @('--net', $address) | Out-Null
            $client = Start-NetClient $address $name
        }
        AfterAll {
            if ($client) { Stop-NetClient $client | Out-Null }
            Remove-LabContainer $name
        }

        It 'moves <hop> with every connection intact' -ForEach @(
            @{ hop = '1 -> 2'; From = 1; To = 2 }, @{ hop = '2 -> 3'; From = 2; To = 3 }, @{ hop = '3 -> 1'; From = 3; To = 1 }) {
            $before = Read-NetClient $client.State
            $result = Move-Container -Name $name -Source (Connect-LabHost $From) -Destination (Connect-LabHost $To) -Mode $mode -Confirm:$false
            $result.Status.ToString() | Should -Be 'Succeeded'
            @(Get-LabContainerLocation $name) | Should -Be @($To)
            $after = Wait-NetClientProgress $client $before
            Write-Host ("      {0} {1}: downtime {2:0} ms, longest client pause {3} ms, udp max gap {4} ms, short max {5} ms" -f $mode, $hop,
                $result.Downtime.TotalMilliseconds, $after.totals.max_pause_ms, $after.udp.max_gap_ms, $after.short.max_ms)
            $after.totals.resets | Should -Be 0 -Because 'no connection was reset'
            $after.totals.lost | Should -Be 0
            $after.totals.doubled | Should -Be 0
            $after.totals.corrupt | Should -Be 0
            foreach ($c in $after.conns) { $c.echoes | Should -BeGreaterThan ($before.conns | Where-Object id -eq $c.id).echoes -Because "connection $($c.id) goes on" }
            $after.udp.pongs | Should -BeGreaterThan $before.udp.pongs -Because 'the UDP exchange resumes'
            $after.short.ok | Should -BeGreaterThan $before.short.ok -Because 'short requests go on succeeding'
            # Nothing of the network stays on the host it left.
            Invoke-InLabHost $From @('sh', '-c', "! ip link show v-$($name.Substring(0, [Math]::Min(13, $name.Length))) 2>/dev/null && ! [ -e /run/netns/$name ]")
        }
    }

    Context 'a restore that fails on the destination' {
        BeforeAll {
            $name = 'webroll'
            $lab = Get-LabEnvironment
            $address = "$($lab.LanPrefix).62"
            Remove-LabContainer $name
            $hostDir = Get-LabHostPath 1 'netroll-bind'
            New-Item -ItemType Directory -Force $hostDir | Out-Null
            # The bind source exists on host 1 only: host 2's restore fails for real.
            New-LabWorkload -HostIndex 1 -Name $name -MiB 32 -ExtraArguments @('--net', $address, '--bind', '/var/lib/livemigrate/netroll-bind:/data') | Out-Null
            $client = Start-NetClient $address $name
        }
        AfterAll {
            if ($client) { Stop-NetClient $client | Out-Null }
            Remove-LabContainer $name
        }

        It 'rolls back with every connection alive on the source, and nothing of the network left on the destination' {
            $before = Read-NetClient $client.State
            Move-Container -Name $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2) -Confirm:$false -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            @(Get-LabContainerLocation $name) | Should -Be @(1)
            $after = Wait-NetClientProgress $client $before
            $after.totals.resets | Should -Be 0
            $after.totals.lost + $after.totals.doubled + $after.totals.corrupt | Should -Be 0
            $after.udp.pongs | Should -BeGreaterThan $before.udp.pongs
            Invoke-InLabHost 2 @('sh', '-c', "! ip link show v-$name 2>/dev/null && ! [ -e /run/netns/$name ]")
        }
    }
}

Describe 'Cloning a network service' -Tag Integration -Skip:(-not $script:lab) {
    BeforeAll {
        $name = 'websvc'
        $clones = 'websvc-1', 'websvc-2'
        $lab = Get-LabEnvironment
        $address = "$($lab.LanPrefix).64"
        $addresses = "$($lab.LanPrefix).65", "$($lab.LanPrefix).66/24"
        @($name) + $clones | ForEach-Object { Remove-LabContainer $_ }
        New-LabWorkload -HostIndex 1 -Name $name -MiB 32 -ExtraArguments @('--net', $address) | Out-Null
        $client = Start-NetClient $address $name -Conns 4
        $before = Read-NetClient $client.State
        $results = @(Copy-Container $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2), (Connect-LabHost 3) -Address $addresses -Confirm:$false)
        # A fresh client against ADDRESS for a few seconds, to the end; its counters.
        function Invoke-ShortClient([string] $Address, [string] $Tag) {
            $state = Join-Path ([IO.Path]::GetTempPath()) "netclient-$Tag-$PID.json"
            Remove-Item $state -ErrorAction Ignore
            & nsenter "--net=/run/netns/$($lab.ClientNetns)" $script:client --server $Address --port 7000 --conns 2 --state $state --duration-s 3 *> $null
            Read-NetClient $state
        }
    }
    AfterAll {
        if ($client) { Stop-NetClient $client | Out-Null }
        @($name) + $clones | ForEach-Object { Remove-LabContainer $_ }
    }

    It 'runs one clone per destination, each with its own address and namespace' {
        $results.Status | Should -Be @('Running', 'Running') -Because ($results.Error -join ' ')
        $results | ForEach-Object Address | Should -Be @("$($lab.LanPrefix).65/24", "$($lab.LanPrefix).66/24")
        $results.NamespacePath | Should -Be @('/run/netns/websvc-1', '/run/netns/websvc-2')
        @(Get-LabContainerLocation 'websvc-1') | Should -Be @(2)
        @(Get-LabContainerLocation 'websvc-2') | Should -Be @(3)
        # Its own MAC from its address, the host end named after it on the same bridge, its connections closed.
        $o = $lab.LanPrefix.Split('.')
        $mac = '02:4c:4d:{0:x2}:{1:x2}:41' -f [int]$o[1], [int]$o[2]
        Invoke-InLabHost 2 @('sh', '-c', 'ip -n websvc-1 -o link show eth0 | grep -q "link/ether $1" && ip -o link show v-websvc-1 | grep -q "master br0" && [ "$(ip netns exec websvc-1 ss -Htn state established | wc -l)" = 0 ]', 'sh', $mac)
        # config.json names its namespace, and no longer the CRIU configuration that closed its connections.
        $config = Get-Content -Raw (Get-LabHostPath 2 'containers/websvc-1/config.json') | ConvertFrom-Json
        ($config.linux.namespaces | Where-Object type -eq 'network').path | Should -Be '/run/netns/websvc-1'
        $config.annotations.'org.criu.config' | Should -BeNullOrEmpty
    }

    It 'each clone answers on its own address' -ForEach @(@{ At = 65 }, @{ At = 66 }) {
        $fresh = Invoke-ShortClient "$($lab.LanPrefix).$At" "clone$At"
        $fresh.conns.Count | Should -Be 2
        foreach ($c in $fresh.conns) { $c.echoes | Should -BeGreaterThan 10 -Because "connection $($c.id) to .$At is served" }
        $fresh.totals.resets + $fresh.totals.lost + $fresh.totals.doubled + $fresh.totals.corrupt | Should -Be 0
    }

    It 'leaves the original with its clients: none reset, no byte lost or doubled' {
        $after = Wait-NetClientProgress $client $before
        Write-Host ("      clone: original paused {0:0} ms, longest client pause {1} ms" -f $results[0].SourceFrozen.TotalMilliseconds, $after.totals.max_pause_ms)
        @(Get-LabContainerLocation $name) | Should -Be @(1)
        $after.totals.resets | Should -Be 0
        $after.totals.lost | Should -Be 0
        $after.totals.doubled | Should -Be 0
        $after.totals.corrupt | Should -Be 0
        foreach ($c in $after.conns) { $c.echoes | Should -BeGreaterThan ($before.conns | Where-Object id -eq $c.id).echoes }
    }

    It 'refuses, before pausing anything, a clone without -Address and a count that does not match' {
        $err = $null
        Copy-Container $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2) -NewName 'websvc-x' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err[0].Exception.Message | Should -BeLike '*can never take the original''s address*-Address*'
        Copy-Container $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2), (Connect-LabHost 3) -NewName 'websvc-y{Index}' -Address "$($lab.LanPrefix).67" -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -BeLike '*-Address gives 1 address(es) for 2 clone(s)*'
        foreach ($i in 1..3) { @(Get-ChildItem (Get-LabHostPath $i 'checkpoints') -Filter 'clone-websvc-*' -ErrorAction Ignore).Count | Should -Be 0 }
        @(Get-LabContainerLocation 'websvc-x') | Should -BeNullOrEmpty
    }

    It 'moves a clone later with its own clients connected (its restore alone closed connections)' {
        $own = Start-NetClient "$($lab.LanPrefix).66" 'websvc-2' -Conns 2
        try {
            $ownBefore = Read-NetClient $own.State
            $move = Move-Container -Name 'websvc-2' -Source (Connect-LabHost 3) -Destination (Connect-LabHost 1) -Confirm:$false
            $move.Status.ToString() | Should -Be 'Succeeded'
            $ownAfter = Wait-NetClientProgress $own $ownBefore
            $ownAfter.totals.resets + $ownAfter.totals.lost + $ownAfter.totals.doubled + $ownAfter.totals.corrupt | Should -Be 0
            foreach ($c in $ownAfter.conns) { $c.echoes | Should -BeGreaterThan ($ownBefore.conns | Where-Object id -eq $c.id).echoes }
        }
        finally { Stop-NetClient $own | Out-Null }
    }

    It 'leaves nothing of a clone''s network once it is removed' {
        Remove-LabContainer 'websvc-1'
        Invoke-InLabHost 2 @('sh', '-c', '! ip link show v-websvc-1 2>/dev/null && ! [ -e /run/netns/websvc-1 ]')
    }
}
