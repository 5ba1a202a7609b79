# A network service moves with its address while its clients stay connected: a container whose network namespace is a
# path of its config.json (veth to the host's bridge br0 on the lab LAN), a client in the lab's client namespace holding
# 8 TCP connections, a UDP exchange and a loop of short requests.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1'); $script:lab = Test-LabRunning }

BeforeAll {
    Import-Module $env:LIVEMIGRATE_MODULE
    Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1')
    $script:client = Join-Path $PSScriptRoot '../workload/netclient'
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
            $client = Start-LabNetClient $address $name
        }
        AfterAll {
            if ($client) { Stop-LabNetClient $client | Out-Null }
            Remove-LabContainer $name
        }

        It 'moves <hop> with every connection intact' -ForEach @(
            @{ hop = '1 -> 2'; From = 1; To = 2 }, @{ hop = '2 -> 3'; From = 2; To = 3 }, @{ hop = '3 -> 1'; From = 3; To = 1 }) {
            $before = Read-LabNetClient $client.State
            $result = Move-Container -Name $name -Source (Connect-LabHost $From) -Destination (Connect-LabHost $To) -Mode $mode -Confirm:$false
            $result.Status.ToString() | Should -Be 'Succeeded'
            @(Get-LabContainerLocation $name) | Should -Be @($To)
            $after = Wait-LabNetClientProgress $client $before
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

    Context 'a namespace runc makes, with a connection inside it' {
        BeforeAll {
            $name = 'webinner'
            Remove-LabContainer $name
            New-LabWorkload -HostIndex 1 -Name $name -MiB 16 -ExtraArguments '--inner-tcp' | Out-Null
            $init = (Invoke-LabRunc 1 @('state', $name) | ConvertFrom-Json).pid
            # runc leaves lo down; the container's nc pair connects once it is up.
            Invoke-InLabHost 1 @('nsenter', '-t', $init, '-n', 'ip', 'link', 'set', 'lo', 'up')
            Start-Sleep -Milliseconds 800
            # Both ends of the one connection, as the container's own namespace lists them.
            function Get-InnerConnections([int] $HostIndex) {
                $pid1 = (Invoke-LabRunc $HostIndex @('state', $name) | ConvertFrom-Json).pid
                @(Invoke-InLabHost $HostIndex @('nsenter', '-t', $pid1, '-n', 'ss', '-Htn', 'state', 'established') |
                    ForEach-Object { ($_ -split '\s+' | Where-Object { $_ })[-2..-1] -join ' ' } | Sort-Object)
            }
            $connections = Get-InnerConnections 1
        }
        AfterAll { Remove-LabContainer $name }

        It 'moves in <_> mode with the connection whole, lo up before CRIU restores it' -ForEach 'Stop', 'PostCopy' {
            $connections.Count | Should -Be 2 -Because 'the client and the server end of 127.0.0.1:7000'
            $from = @(Get-LabContainerLocation $name)[0]
            $to = if ($from -eq 1) { 2 } else { 1 }
            $result = Move-Container -Name $name -Source (Connect-LabHost $from) -Destination (Connect-LabHost $to) -Mode $_ -Confirm:$false
            $result.Status.ToString() | Should -Be 'Succeeded'
            Get-InnerConnections $to | Should -Be $connections -Because 'the same connection, both ends, in the namespace CRIU recreated'
            (Wait-WorkloadTick $to $name 0).errors | Should -Be 0
            # Its later dumps read the host's own CRIU configuration again.
            Test-Path (Get-LabHostPath $to "containers/$name/.livemigrate/loopback-up.sh") | Should -BeFalse
        }

        It 'is what plain runc fails at (the reference): runc restores the namespace with lo down' {
            $ref = 'webinnerref'
            Remove-LabContainer $ref
            try {
                New-LabWorkload -HostIndex 3 -Name $ref -MiB 8 -ExtraArguments '--inner-tcp' | Out-Null
                $pid3 = (Invoke-LabRunc 3 @('state', $ref) | ConvertFrom-Json).pid
                Invoke-InLabHost 3 @('nsenter', '-t', $pid3, '-n', 'ip', 'link', 'set', 'lo', 'up')
                $deadline = [DateTime]::UtcNow.AddSeconds(10)
                while (@(Invoke-InLabHost 3 @('nsenter', '-t', $pid3, '-n', 'ss', '-Htn', 'state', 'established')).Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
                # Over SSH, as a user of the host runs it (in the host's own cgroups and namespaces).
                $lab = Get-LabEnvironment
                $remote = @'
n=NAME; d=/var/lib/livemigrate/images/$n-ref; rm -rf "$d"; mkdir -p "$d"
CRIU_FAULT=130 runc checkpoint --tcp-established --image-path "$d" --work-path "$d" "$n" || { echo dump-failed; exit 0; }
cd "/var/lib/livemigrate/containers/$n" && CRIU_FAULT=130 runc restore -d --tcp-established --image-path "$d" --work-path "$d" "$n" </dev/null >/dev/null 2>&1
echo "restore=$?"; grep Error "$d/restore.log"; rm -rf "$d"
'@
                $said = & ssh -n -F /dev/null -i $lab.KeyFilePath -o "UserKnownHostsFile=$($lab.KnownHostsPath)" -o StrictHostKeyChecking=yes -o BatchMode=yes `
                    -p $lab.Port "root@$($lab.Addresses[2])" $remote.Replace('NAME', $ref)
                $said | Should -Contain 'restore=1' -Because "plain runc fails to restore it: $($said -join ' / ')"
                ($said -join ' ') | Should -BeLike "*Can't connect inet socket back: Network is unreachable*"
            }
            finally { Remove-LabContainer $ref }
        }
    }

    Context 'through a migration plan' {
        BeforeAll {
            $name = 'webplan'
            $lab = Get-LabEnvironment
            $address = "$($lab.LanPrefix).63"
            Remove-LabContainer $name
            New-LabWorkload -HostIndex 1 -Name $name -MiB 32 -ExtraArguments @('--net', $address) | Out-Null
            $client = Start-LabNetClient $address $name
            $hostLines = 1..2 | ForEach-Object {
                "  lm${_}: { address: '$(Get-LabHostName $_)', linkAddress: '$($lab.LanAddresses[$_ - 1])', keyPath: '$($lab.KeyFilePath)', knownHostsPath: '$($lab.KnownHostsPath)' }"
            }
            $plan = Join-Path $TestDrive 'network-plan.yaml'
            Set-Content $plan ("version: 1`nhosts:`n" + ($hostLines -join "`n") + "`nwaves:`n  - name: service`n    migrations:`n      - { container: $name, from: lm1, to: lm2, mode: PostCopy }`n")
        }
        AfterAll {
            if ($client) { Stop-LabNetClient $client | Out-Null }
            Remove-LabContainer $name
        }

        It 'moves the service with its clients connected, as Move-Container does' {
            $before = Read-LabNetClient $client.State
            $outcome = Invoke-MigrationPlan $plan -Confirm:$false
            $outcome.Status.ToString() | Should -Be 'Succeeded'
            @(Get-LabContainerLocation $name) | Should -Be @(2)
            $after = Wait-LabNetClientProgress $client $before
            $after.totals.resets + $after.totals.lost + $after.totals.doubled + $after.totals.corrupt | Should -Be 0
            $after.udp.pongs | Should -BeGreaterThan $before.udp.pongs
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
            $client = Start-LabNetClient $address $name
        }
        AfterAll {
            if ($client) { Stop-LabNetClient $client | Out-Null }
            Remove-LabContainer $name
        }

        It 'rolls back with every connection alive on the source, and nothing of the network left on the destination' {
            $before = Read-LabNetClient $client.State
            Move-Container -Name $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2) -Confirm:$false -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            @(Get-LabContainerLocation $name) | Should -Be @(1)
            $after = Wait-LabNetClientProgress $client $before
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
        $client = Start-LabNetClient $address $name -Conns 4
        $before = Read-LabNetClient $client.State
        $results = @(Copy-Container $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2), (Connect-LabHost 3) -Address $addresses -Confirm:$false)
        # A fresh client against ADDRESS for a few seconds, to the end; its counters.
        function Invoke-ShortClient([string] $Address, [string] $Tag) {
            $state = Join-Path ([IO.Path]::GetTempPath()) "netclient-$Tag-$PID.json"
            Remove-Item $state -ErrorAction Ignore
            & nsenter "--net=/run/netns/$($lab.ClientNetns)" $script:client --server $Address --port 7000 --conns 2 --state $state --duration-s 3 *> $null
            Read-LabNetClient $state
        }
    }
    AfterAll {
        if ($client) { Stop-LabNetClient $client | Out-Null }
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
        $after = Wait-LabNetClientProgress $client $before
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
        $own = Start-LabNetClient "$($lab.LanPrefix).66" 'websvc-2' -Conns 2
        try {
            $ownBefore = Read-LabNetClient $own.State
            $move = Move-Container -Name 'websvc-2' -Source (Connect-LabHost 3) -Destination (Connect-LabHost 1) -Confirm:$false
            $move.Status.ToString() | Should -Be 'Succeeded'
            $ownAfter = Wait-LabNetClientProgress $own $ownBefore
            $ownAfter.totals.resets + $ownAfter.totals.lost + $ownAfter.totals.doubled + $ownAfter.totals.corrupt | Should -Be 0
            foreach ($c in $ownAfter.conns) { $c.echoes | Should -BeGreaterThan ($ownBefore.conns | Where-Object id -eq $c.id).echoes }
        }
        finally { Stop-LabNetClient $own | Out-Null }
    }

    It 'leaves nothing of a clone''s network once it is removed' {
        Remove-LabContainer 'websvc-1'
        Invoke-InLabHost 2 @('sh', '-c', '! ip link show v-websvc-1 2>/dev/null && ! [ -e /run/netns/websvc-1 ]')
    }
}
