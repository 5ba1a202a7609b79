# Real live migrations between the lab's SSH hosts, with the workload checking itself inside the container.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Move-Container' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $hosts = 1..3 | ForEach-Object { Connect-LabHost $_ }

        function Assert-NothingLeft([int] $HostIndex, [string] $Name) {
            Test-Path (Get-LabHostPath $HostIndex "containers/$Name") | Should -BeFalse -Because "the bundle must leave lab host $HostIndex"
            @(Get-ChildItem (Get-LabHostPath $HostIndex 'images') -Filter "$Name-*").Count | Should -Be 0 -Because "no images stay on lab host $HostIndex"
            Test-Path (Get-LabHostPath $HostIndex "locks/$Name") | Should -BeFalse -Because 'the migration lock goes with the migration'
            Invoke-LabRunc $HostIndex @('state', $Name) 2>$null | Out-Null
            $LASTEXITCODE | Should -Not -Be 0 -Because "runc on lab host $HostIndex must not know $Name any more"
        }
    }

    Context 'a 64 MiB workload A -> B -> C -> A' {
        BeforeAll {
            $name = 'mig64'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 64
        }
        AfterAll { Remove-LabContainer $name }

        It 'keeps counting, uncorrupted, across each hop (<From> -> <To>)' -ForEach @(
            @{ From = 1; To = 2 }, @{ From = 2; To = 3 }, @{ From = 3; To = 1 }
        ) {
            $before = Wait-WorkloadTick $From $name 0
            $startMs = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
            $result = Get-Container -Host $hosts[$From - 1] -Name $name | Move-Container -Destination $hosts[$To - 1]

            $result | Should -BeOfType 'LiveMigrate.Migration.MigrationResult'
            $result.Status | Should -Be 'Succeeded'
            $result.RunningOn | Should -Be $hosts[$To - 1].Name
            $result.Source | Should -Be $hosts[$From - 1].Name
            $result.BytesTransferred | Should -BeGreaterThan 64MB
            # CRIU's own count: at least the workload's 64 MiB (16384 pages), all written while frozen.
            $result.FinalPagesWritten | Should -BeGreaterThan 16384
            $result.PagesMoved | Should -Be $result.FinalPagesWritten
            $result.Downtime | Should -BeGreaterThan ([TimeSpan]::Zero)
            $result.Downtime | Should -BeLessThan $result.Duration
            $result.CheckpointTime + $result.TransferTime + $result.RestoreTime | Should -BeLessOrEqual ($result.Downtime + [TimeSpan]::FromMilliseconds(100))
            foreach ($p in 'Prepare', 'Checkpoint', 'Transfer', 'Restore', 'Verify', 'Cleanup') { $result.Phases[$p] | Should -BeGreaterThan ([TimeSpan]::Zero) }

            $after = Wait-WorkloadTick $To $name ($before.counter + 20)
            $after.errors | Should -Be 0
            $after.seed | Should -Be $start.seed -Because 'the same process continues, not a fresh start'
            $after.start_unix_ms | Should -Be $start.start_unix_ms
            @(Get-LabContainerLocation $name) | Should -Be @($To)
            Assert-NothingLeft $From $name
            Get-WorkloadLog $To $name | Where-Object { $_ -match 'CORRUPTION' } | Should -BeNullOrEmpty

            # The workload's own view: its largest tick gap since the move began is the freeze.
            $seen = Get-WorkloadLog $To $name | ForEach-Object {
                if ($_ -match '^gap (\d+) ms end_unix_ms (\d+)' -and [long]$Matches[2] -ge $startMs) { [int]$Matches[1] }
            } | Measure-Object -Maximum
            $seen.Maximum | Should -BeGreaterThan ($result.Downtime.TotalMilliseconds * 0.5)
            $seen.Maximum | Should -BeLessThan ($result.Downtime.TotalMilliseconds + 1500)
        }

        It 'completed full memory verification passes after the last hop' {
            $s = Get-WorkloadState 1 $name
            Start-Sleep -Seconds 1
            (Get-WorkloadState 1 $name).passes | Should -BeGreaterThan $s.passes
        }
    }

    Context 'post-copy, 64 MiB, A -> B -> A' {
        BeforeAll {
            $name = 'migpc'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 64
        }
        AfterAll { Remove-LabContainer $name }

        # Relayed, the pages cross a controller port that admits one connection, the controller's own.
        It 'restores at once, fills every page afterwards and keeps the memory intact (<From> -> <To>, <Route>)' -ForEach @(
            @{ From = 1; To = 2; Route = 'Auto' }, @{ From = 2; To = 1; Route = 'Relay' }
        ) {
            $before = Wait-WorkloadTick $From $name 0
            $result = Move-Container -Name $name -Source $hosts[$From - 1] -Destination $hosts[$To - 1] -Mode PostCopy -TransferRoute $Route -Verbose 4>&1 |
                Tee-Object -Variable said | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }

            $result.Status | Should -Be 'Succeeded'
            $result.Mode | Should -Be 'PostCopy'
            if ($Route -eq 'Relay') { $result.TransferRoute | Should -Be 'Relay' }
            # Auto goes direct here, and the pages with it (not relayed after all).
            ($said | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Where-Object { $_ -like '*cannot carry the pages*' } | Should -BeNullOrEmpty
            $result.PagesTime | Should -BeGreaterThan ([TimeSpan]::Zero)
            # Only images without memory, and the bundle, travel before the restore; the 64 MiB follows through the tunnel.
            $result.BytesTransferred | Should -BeLessThan 16MB
            # CRIU's own count: the 64 MiB (16384 pages) went after the restore, next to nothing while frozen.
            $result.PostCopyPages | Should -BeGreaterThan 16384
            $result.FinalPagesWritten | Should -BeLessThan 1024

            # Two full verification passes after the move: every page of the 64 MiB arrived intact.
            Wait-WorkloadTick $To $name ($before.counter + 20) | Out-Null
            $final = Wait-WorkloadPasses $To $name 2
            $final.passes | Should -BeGreaterOrEqual $final.target
            $final.errors | Should -Be 0
            $final.start_unix_ms | Should -Be $start.start_unix_ms
            @(Get-LabContainerLocation $name) | Should -Be @($To)
            Assert-NothingLeft $From $name
            @(Get-ChildItem (Get-LabHostPath $To 'images') -Filter "$name-*").Count | Should -Be 0
        }
    }

    Context 'pre-copy on hosts without soft-dirty tracking' {
        # These lab hosts' kernel lacks CONFIG_MEM_SOFT_DIRTY: pre-copy must refuse clearly, before any freeze.
        BeforeAll {
            $name = 'migpre'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 16
        }
        AfterAll { Remove-LabContainer $name }

        It 'Move-Container -Mode PreCopy stops before the freeze, naming CONFIG_MEM_SOFT_DIRTY (<Case>)' -ForEach @(
            @{ Case = 'readiness'; Skip = $false; Id = 'ReadinessFailed*' }, @{ Case = 'engine, -SkipReadiness'; Skip = $true; Id = 'MigrationAborted*' }
        ) {
            Wait-WorkloadTick 1 $name 0 | Out-Null
            $err = $null
            $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -Mode PreCopy -SkipReadiness:$Skip -ErrorVariable err -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike $Id
            ($err[0].Exception.Message + ($err[0].Exception.Results | Out-String)) | Should -Match 'CONFIG_MEM_SOFT_DIRTY'
            if ($Skip) { $err[0].TargetObject.Status | Should -Be 'Aborted' }
            Assert-RolledBackToFirstHost $name $start
            Test-Path (Get-LabHostPath 1 "locks/$name.predump") | Should -BeFalse
        }

        It 'Invoke-ContainerPredump fails the same way and leaves the container running' {
            $err = $null
            $rounds = Invoke-ContainerPredump -Name $name -Source $hosts[0] -Destination $hosts[1] -ErrorVariable err -ErrorAction SilentlyContinue
            $rounds | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'NotSupported*'
            $err[0].Exception.Message | Should -Match 'CONFIG_MEM_SOFT_DIRTY'
            Assert-RolledBackToFirstHost $name $start
        }

        It '-Mode Auto picks a mode these hosts can run, and the move succeeds' {
            $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -Mode Auto
            $result.Status | Should -Be 'Succeeded'
            $result.Mode | Should -Be 'PostCopy' -Because 'no soft-dirty tracking here, but userfaultfd and large pipes'
            Move-Container -Name $name -Source $hosts[1] -Destination $hosts[0] | Out-Null
            $after = Wait-WorkloadTick 1 $name 0
            $after.errors | Should -Be 0
            $after.start_unix_ms | Should -Be $start.start_unix_ms
        }
    }

    Context 'rollback when the destination cannot restore' {
        BeforeAll {
            $name = 'migrb'
            Remove-LabContainer $name
            # A bind mount whose source only lab host 1 has: runc restore on host 2 fails for real.
            New-Item -ItemType Directory -Force (Get-LabHostPath 1 'only-on-lm1') | Out-Null
            Remove-Item -Recurse -Force (Get-LabHostPath 2 'only-on-lm1') -ErrorAction Ignore
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 16 -ExtraArguments '--bind', '/var/lib/livemigrate/only-on-lm1:/data'
        }
        AfterAll { Remove-LabContainer $name; Remove-Item -Recurse -Force (Get-LabHostPath 1 'only-on-lm1') -ErrorAction Ignore }

        It 'ends with the container running on the source and an error that says why (<Mode>)' -ForEach @(@{ Mode = 'Stop' }, @{ Mode = 'PostCopy' }) {
            Wait-WorkloadTick 1 $name 0 | Out-Null  # ticking before the move
            $err = $null
            # -SkipReadiness: readiness would refuse this before the freeze; this tests the engine's rollback.
            $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -Mode $Mode -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            $err[0].CategoryInfo.Category | Should -Be 'OperationStopped'
            $err[0].Exception.Message | Should -BeLike '*Restore*'
            $err[0].Exception.Message | Should -BeLike '*only-on-lm1*'
            $err[0].Exception.Message | Should -BeLike "*runs on $($hosts[0].Name) again*"
            $err[0].TargetObject.Status | Should -Be 'RolledBack'
            $err[0].TargetObject.RunningOn | Should -Be $hosts[0].Name

            Assert-RolledBackToFirstHost $name $start
        }
    }

    Context 'rollback when the destination''s disk fills up during the transfer' {
        BeforeAll {
            $name = 'migfull'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 64
            # An 8 MiB file system over the destination's image directory, inside that host's own mount namespace.
            $sshd = Get-Content (Join-Path (Get-LabEnvironment).Root 'hosts/lm2/sshd.pid')
            & nsenter -t $sshd -m mount -t tmpfs -o size=8m lmfull /var/lib/livemigrate/images
            if ($LASTEXITCODE -ne 0) { throw 'could not mount the small file system on lab host 2' }
        }
        AfterAll {
            & nsenter -t $sshd -m umount /var/lib/livemigrate/images
            Remove-LabContainer $name
        }

        It 'ends on the source, says the disk was full, and leaves nothing behind' {
            Wait-WorkloadTick 1 $name 0 | Out-Null  # ticking before the move
            $err = $null
            Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            $err[0].Exception.Message | Should -BeLike '*Transfer*No space left on device*'
            Assert-RolledBackToFirstHost $name $start
        }
    }

    Context 'rollback when the connection to the source is cut during the transfer' {
        BeforeAll {
            $name = 'migcut'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 256
        }
        AfterAll { Remove-LabContainer $name }

        It 'opens the connection again, rolls back to the source and keeps the memory intact' {
            Wait-WorkloadTick 1 $name 0 | Out-Null  # ticking before the move
            # Dumped, then sent (PageServer.Tests cuts a streamed one).
            $move = Start-LabMove $name 'Stop' 'Transfer: *' @{ StreamMemory = $false }
            # Every SSH session of lab host 1 dies, the controller's own connections (sshd -i behind the lab's socat) included.
            foreach ($listener in 'sshd.pid', 'socat.pid') { & pkill -KILL -P (Get-Content (Join-Path (Get-LabEnvironment).Root "hosts/lm1/$listener")) }
            $errors = (Complete-LabMove $move).Errors

            $errors[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            $errors[0].Exception.Message | Should -BeLike '*Transfer*'
            Assert-RolledBackToFirstHost $name $start
        }
    }

    Context 'post-copy page ports' {
        BeforeAll {
            $name = 'migpguard'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 256
        }
        AfterAll { Remove-LabContainer $name }

        It 'are closed to every process but the migration''s page clients while the pages flow, and open again afterwards' {
            $move = Start-LabMove $name 'PostCopy' 'Pages'
            $id = (Get-MigrationJournal -Unfinished | Where-Object Container -eq $name).Id
            # Each host's rules in its own network namespace: the source's page port, the destination's end of the tunnel.
            $rules = @(); $nobodyRefused = @(); $rootRefused = @()
            $connect = 'exec 3<>"/dev/tcp/127.0.0.1/$1"'
            foreach ($i in 1, 2) {
                $own = @(foreach ($chain in 'OUTPUT', 'INPUT') { Invoke-InLabHost $i @('iptables', '-w', '-S', $chain) | Where-Object { $_ -match "livemigrate-pages-$id " } })
                $rules += $own
                $sshd = Get-Content (Join-Path (Get-LabEnvironment).Root "hosts/lm$i/sshd.pid")
                foreach ($port in @($own | Where-Object { $_ -match '^-A OUTPUT' } | ForEach-Object { if ($_ -match '--dport (\d+)') { $Matches[1] } })) {
                    & nsenter -t $sshd -n setpriv --reuid=65534 --regid=65534 --clear-groups bash -c $connect sh $port 2>$null
                    $nobodyRefused += $LASTEXITCODE -ne 0
                    # root itself, as any process of the login user that is not one of the migration's page clients.
                    & nsenter -t $sshd -n bash -c $connect sh $port 2>$null
                    $rootRefused += $LASTEXITCODE -ne 0
                }
            }
            $result = (Complete-LabMove $move).Results

            @($rules | Where-Object { $_ -match '^-A OUTPUT' }).Count | Should -Be 2 -Because 'the source''s page port and the destination''s end of the tunnel'
            @($rules | Where-Object { $_ -match '^-A INPUT' -and $_ -match '! -i lo' }).Count | Should -Be 2 -Because 'nothing reaches them from another interface'
            $rules | Where-Object { $_ -match '^-A OUTPUT' } | Should -Match '! --gid-owner \d+ '
            $nobodyRefused | Should -Be @($true, $true) -Because 'another user cannot reach the memory'
            $rootRefused | Should -Be @($true, $true) -Because 'nor can a root process that is not the migration''s'
            $result[0].Status.ToString() | Should -Be 'Succeeded' -Because 'the migration''s own connections still get through'
            foreach ($i in 1, 2) { @(foreach ($chain in 'OUTPUT', 'INPUT') { Invoke-InLabHost $i @('iptables', '-w', '-S', $chain) | Where-Object { $_ -match "livemigrate-pages-$id " } }).Count | Should -Be 0 }
            $final = Wait-WorkloadPasses 2 $name 1
            $final.errors | Should -Be 0
            $final.start_unix_ms | Should -Be $start.start_unix_ms
        }

        It 'let the relayed pages through too: the controller''s connector on the source runs as a page client' {
            $result = Move-Container -Name $name -Source $hosts[1] -Destination $hosts[0] -Mode PostCopy -TransferRoute Relay -SkipReadiness

            $result.Status | Should -Be 'Succeeded'
            $result.TransferRoute | Should -Be 'Relay'
            $final = Wait-WorkloadPasses 1 $name 1
            $final.passes | Should -BeGreaterOrEqual $final.target
            $final.errors | Should -Be 0
            $final.start_unix_ms | Should -Be $start.start_unix_ms
        }
    }

    Context 'rollback when the page traffic of post-copy breaks' {
        BeforeAll {
            $name = 'migpcut'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 256
        }
        AfterAll { Remove-LabContainer $name }

        It 'kills the copy running on the destination, ends the source''s lazy dump and thaws the source, memory intact' {
            Wait-WorkloadTick 1 $name 0 | Out-Null  # ticking before the move
            $move = Start-LabMove $name 'PostCopy' 'Pages'
            # The container already runs on the destination, most of its memory still on the source: the page stream dies.
            @(Get-LabContainerLocation $name) | Should -Be @(2)
            & pkill -KILL -f "criu lazy-pages .*/$name-"
            $errors = (Complete-LabMove $move).Errors

            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            $errors[0].Exception.Message | Should -BeLike '*Pages*'
            $errors[0].TargetObject.RunningOn | Should -Be $hosts[0].Name
            Assert-RolledBackToFirstHost $name $start
            # Two full passes over the 256 MiB after the thaw: the frozen tasks' memory was never touched.
            $final = Wait-WorkloadPasses 1 $name 2
            $final.passes | Should -BeGreaterOrEqual $final.target
            $final.errors | Should -Be 0
        }
    }

    Context 'transfer routes' {
        BeforeAll {
            $name = 'migroute'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 64
            $lab = Get-LabEnvironment
            function Assert-NoLinkLeft {
                foreach ($i in 1..3) {
                    @(Get-Content (Join-Path $lab.Root "hosts/lm$i/home/.ssh/authorized_keys") | Where-Object { $_ -like '*livemigrate-link-*' }).Count |
                        Should -Be 0 -Because "the link's key is revoked on lab host $i"
                    @(Get-ChildItem (Join-Path $lab.Root "hosts/lm$i/home/.ssh/livemigrate-links") -ErrorAction Ignore).Count |
                        Should -Be 0 -Because "the record of the link's connections goes with its key on lab host $i"
                }
                foreach ($i in 1..3) { @(Get-ChildItem (Get-LabRunPath $i links) -ErrorAction Ignore).Count | Should -Be 0 -Because 'the link folder with its private key goes' }
                Get-LabProcess 'livemigrate/links/' | Should -BeNullOrEmpty -Because 'no master connection stays open'
            }
            # Makes the OpenSSH client on lab host 1 fail, as on a source that cannot reach the destination.
            $brokenSsh = Join-Path $lab.Root 'broken-ssh'
            Set-Content $brokenSsh "#!/bin/sh`necho 'ssh: connect to host: Network is unreachable' >&2`nexit 255"
            & chmod 755 $brokenSsh
        }
        AfterAll {
            Remove-LabContainer $name
            Remove-Item $brokenSsh -ErrorAction Ignore
        }

        It 'Direct: streams from the source itself, then revokes the key and closes the connection' {
            $verbose = $null
            $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -TransferRoute Direct -SkipReadiness -Verbose 4>&1 |
                Tee-Object -Variable verbose | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }

            $result.Status | Should -Be 'Succeeded'
            $result.TransferRoute | Should -Be 'Direct'
            $result.BytesTransferred | Should -BeGreaterThan 64MB
            ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "Streams go direct, over a key of its own from $($hosts[0].Name) to $($hosts[1].Name)."
            $state = Wait-WorkloadTick 2 $name 0
            $state.errors | Should -Be 0
            $state.seed | Should -Be $start.seed
            Assert-NoLinkLeft
        }

        It 'Relay: goes through the controller and sets nothing up on the hosts' {
            $result = Move-Container -Name $name -Source $hosts[1] -Destination $hosts[0] -TransferRoute Relay -SkipReadiness
            $result.TransferRoute | Should -Be 'Relay'
            (Wait-WorkloadTick 1 $name 0).errors | Should -Be 0
            Assert-NoLinkLeft
        }

        It 'Auto: relays, saying why, when the source cannot make the link; Direct then refuses before the freeze' {
            Invoke-InLabHost 1 @('mount', '--bind', $brokenSsh, '/usr/bin/ssh')
            try {
                $pid1 = (Wait-WorkloadTick 1 $name 0).pid
                $err = $null
                Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -TransferRoute Direct -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationAborted*'
                $err[0].Exception.Message | Should -BeLike '*Network is unreachable*'
                (Wait-WorkloadTick 1 $name 0).pid | Should -Be $pid1 -Because 'nothing was frozen: the same process runs on'
                Assert-NoLinkLeft

                $verbose = $null
                $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -SkipReadiness -Verbose 4>&1 |
                    Tee-Object -Variable verbose | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }
                $result.TransferRoute | Should -Be 'Relay'
                ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
                    Where-Object { $_ -like '*relayed through this controller (the direct link could not be made:*Network is unreachable*' } | Should -Not -BeNullOrEmpty
            }
            finally { Invoke-InLabHost 1 @('umount', '/usr/bin/ssh') }
            (Wait-WorkloadTick 2 $name 0).errors | Should -Be 0
            Assert-NoLinkLeft
        }
    }

    Context '-LazyRestore' {
        BeforeAll {
            $name = 'miglazy'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 64
        }
        AfterAll { Remove-LabContainer $name }

        It 'runs the container before its memory is filled from the images there, and the memory arrives whole' {
            $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -LazyRestore -SkipReadiness

            $result.Status | Should -Be 'Succeeded'
            $result.Mode | Should -Be 'Stop'
            $result.PagesTime | Should -BeGreaterThan ([TimeSpan]::Zero) -Because 'the memory is filled after the restore'
            $result.BytesTransferred | Should -BeGreaterThan 64MB -Because 'every byte still travels while frozen'
            # The workload rereads its whole memory in a pass: one pass after the move proves every page.
            $after = Wait-WorkloadTick 2 $name 0
            $state = Wait-WorkloadTick 2 $name ($after.counter + 5)
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($state.passes -le $after.passes -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200; $state = Get-WorkloadState 2 $name }
            $state.passes | Should -BeGreaterThan $after.passes
            $state.errors | Should -Be 0
            $state.seed | Should -Be $start.seed
            Get-LabProcess "lazy-pages.*$($result.ImagePath)" | Should -BeNullOrEmpty -Because 'the daemon ends once every page is in'
            Assert-NothingLeft 1 $name
            @(Get-ChildItem (Get-LabHostPath 2 'images') -Filter "$name-*").Count | Should -Be 0
        }
    }

    Context '-LazyRestore left to readiness' {
        BeforeAll {
            $big = 'migautolazy'
            $small = 'migautoeager'
            Remove-LabContainer $big
            Remove-LabContainer $small
            $bigStart = New-LabWorkload -HostIndex 1 -Name $big -MiB 260
            New-LabWorkload -HostIndex 1 -Name $small -MiB 16 | Out-Null
            function Get-SaidRestore($records) {
                ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Where-Object { $_ -like '-LazyRestore Auto:*' }
            }
        }
        AfterAll { Remove-LabContainer $big; Remove-LabContainer $small }

        It 'restores a memory from 256 MiB lazily, and the memory arrives whole' {
            $records = Move-Container -Name $big -Source $hosts[0] -Destination $hosts[1] -Mode Stop -Verbose 4>&1
            $result = $records | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }

            $result.Status | Should -Be 'Succeeded'
            Get-SaidRestore $records | Should -Be '-LazyRestore Auto: lazy, from what readiness found.'
            $result.PagesTime | Should -BeGreaterThan ([TimeSpan]::Zero) -Because 'the memory is filled after the restore'
            $after = Wait-WorkloadTick 2 $big 0
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            do { Start-Sleep -Milliseconds 200; $state = Get-WorkloadState 2 $big } while ($state.passes -le $after.passes -and [DateTime]::UtcNow -lt $deadline)
            $state.passes | Should -BeGreaterThan $after.passes
            $state.errors | Should -Be 0
            $state.seed | Should -Be $bigStart.seed
        }

        It 'restores a small memory eagerly, and -LazyRestore:$false keeps a large one eager' {
            $records = Move-Container -Name $small -Source $hosts[0] -Destination $hosts[1] -Mode Stop -Verbose 4>&1
            ($records | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }).PagesTime | Should -Be ([TimeSpan]::Zero)
            Get-SaidRestore $records | Should -Be '-LazyRestore Auto: eager, from what readiness found.'

            $result = Move-Container -Name $big -Source $hosts[1] -Destination $hosts[0] -Mode Stop -LazyRestore:$false
            $result.Status | Should -Be 'Succeeded'
            $result.PagesTime | Should -Be ([TimeSpan]::Zero)
            (Wait-WorkloadTick 1 $big 0).errors | Should -Be 0
        }
    }

    Context 'the frozen source copy' {
        BeforeAll {
            $name = 'migfrozen'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 16
            $initPid = (Invoke-LabRunc 1 @('state', $name) | ConvertFrom-Json).pid
            # The lab's hosts share this machine's PID namespace: the container's network namespace is reachable from here.
            function Get-FrozenRules { & nsenter "--net=/proc/$initPid/ns/net" iptables -S | Where-Object { $_ -like '*livemigrate-frozen*' } }
        }
        AfterAll { Remove-LabContainer $name }

        It 'stays paused, its network dropped, until a rollback thaws it and lifts the lock' {
            $seen = @{}
            $err = $null
            Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue -Hook @{
                PostCheckpoint = { $seen.Status = (Invoke-LabRunc 1 @('state', $name) | ConvertFrom-Json).status; $seen.Rules = @(Get-FrozenRules) }
                PreRestore     = { throw 'not this time' }
            }

            $seen.Status | Should -Be 'paused' -Because 'the checkpoint leaves the source copy whole and frozen'
            $seen.Rules.Count | Should -Be 2 -Because 'in and out are dropped while it waits (CRIU unlocked after its dump)'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            Assert-RolledBackToFirstHost $name $start
            @(Get-FrozenRules).Count | Should -Be 0 -Because 'the thawed container has its network back'
        }

        It 'is killed where it stood once the destination runs the container' {
            $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -SkipReadiness
            $result.Status | Should -Be 'Succeeded'
            # Gone, or a zombie this machine's init has not reaped yet: killed while frozen, it never ran again.
            $stat = Get-Content "/proc/$initPid/stat" -ErrorAction Ignore
            ($null -eq $stat -or $stat -match '^\d+ \(.*\) Z ') | Should -BeTrue -Because "the frozen source process is gone, never thawed (it is: $stat)"
            Assert-NothingLeft 1 $name
            (Wait-WorkloadTick 2 $name 0).errors | Should -Be 0
        }
    }

    Context '-BundleSync' {
        It 'Delta: copies the bundle while it runs, then only the changes; the bundle arrives whole' {
            $name = 'migdelta'
            Remove-LabContainer $name
            try {
                $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 32
                Set-Content (Get-LabHostPath 1 "containers/$name/rootfs/extra.txt") 'made before the move'
                $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -BundleSync Delta -Verbose 4>&1
                $moved = $result | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }
                $moved.Status | Should -Be 'Succeeded'
                ($result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'Copied the bundle ahead \(\d+\.\d MiB\)'
                Get-Content (Get-LabHostPath 2 "containers/$name/rootfs/extra.txt") | Should -Be 'made before the move'
                $after = Wait-WorkloadTick 2 $name 0
                $after.errors | Should -Be 0
                $after.start_unix_ms | Should -Be $start.start_unix_ms
                Assert-NothingLeft 1 $name
            } finally { Remove-LabContainer $name }
        }

        It '<Label>: moves a container whose bundle both hosts share, and leaves the bundle where it is' -ForEach @(
            @{ Label = 'None'; Sync = @{ BundleSync = 'None' } }, @{ Label = 'Auto (the default) finds it shared'; Sync = @{} }
        ) {
            $name = 'migshared'
            Remove-LabContainer $name
            $shared = Get-LabHostPath 1 "containers/$name"
            try {
                $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 16
                # Shared storage: lab host 2 sees lab host 1's bundle folder at the same path.
                Invoke-InLabHost 2 @('mkdir', '-p', "/var/lib/livemigrate/containers/$name")
                Invoke-InLabHost 2 @('mount', '--bind', $shared, "/var/lib/livemigrate/containers/$name")
                $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] @Sync
                $result.Status | Should -Be 'Succeeded'
                $result.BundleSync | Should -Be 'None'
                @(Get-LabContainerLocation $name) | Should -Be @(2)
                Test-Path (Join-Path $shared 'config.json') | Should -BeTrue -Because 'a shared bundle is never removed'
                # The workload, now on lab host 2, writes its state into the shared folder.
                $after = Wait-WorkloadTick 1 $name 0
                $after.errors | Should -Be 0
                $after.start_unix_ms | Should -Be $start.start_unix_ms
            } finally {
                Invoke-LabRunc 2 @('delete', '--force', $name) 2>$null | Out-Null
                Invoke-InLabHost 2 @('umount', "/var/lib/livemigrate/containers/$name")
                Remove-LabContainer $name
            }
        }
    }

    Context 'two moves of same-named containers to one destination at once' {
        BeforeAll {
            $name = 'migtwin'
            Remove-LabContainer $name
            $starts = @{}
            foreach ($from in 1, 2) { $starts[$from] = New-LabWorkload -HostIndex $from -Name $name -MiB 32 }
            # Each waits 3 s before its freeze, so that both are under way together; then both go to lab host 3.
            $moves = foreach ($from in 1, 2) {
                $ps = [powershell]::Create()
                $null = $ps.AddScript({
                    param($module, $lab, $name, $from)
                    Import-Module $module; Import-Module $lab
                    Move-Container -Name $name -Source (Connect-LabHost $from) -Destination (Connect-LabHost 3) -SkipReadiness -Confirm:$false `
                        -Hook @{ PreCheckpoint = { Start-Sleep -Seconds 3 } } -ErrorAction Continue
                }).AddArgument($env:LIVEMIGRATE_MODULE).AddArgument((Join-Path $PSScriptRoot '../lab/Lab.psm1')).AddArgument($name).AddArgument($from)
                [pscustomobject]@{ From = $from; PowerShell = $ps; Handle = $ps.BeginInvoke() }
            }
            $outcomes = foreach ($m in $moves) {
                $results = @($m.PowerShell.EndInvoke($m.Handle))
                [pscustomobject]@{ From = $m.From; Result = $results | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }; Errors = @($m.PowerShell.Streams.Error) }
                $m.PowerShell.Dispose()
            }
            $won = @($outcomes | Where-Object { $_.Result.Status -eq 'Succeeded' })
            $lost = @($outcomes | Where-Object { $_.Result.Status -ne 'Succeeded' })
            $outcomes | ForEach-Object { Write-Host "  from lab host $($_.From): $($_.Result.Status)$($_.Errors.TargetObject.Status) $($_.Errors | ForEach-Object { $_.Exception.Message })" }
        }
        AfterAll { Remove-LabContainer $name }

        It 'moves one, refuses the other before its freeze, and neither undoes the other' {
            $won.Count | Should -Be 1
            $lost.Count | Should -Be 1
            $lost[0].Result | Should -BeNullOrEmpty
            $lost[0].Errors[0].TargetObject.Status | Should -Be 'Aborted'
            $lost[0].Errors[0].FullyQualifiedErrorId | Should -BeLike 'MigrationAborted*'
            $lost[0].Errors[0].Exception.Message | Should -Match "'migtwin' on .+ is being migrated or restored there already: migration $($won[0].Result.MigrationId) of migtwin"
            @(Get-LabContainerLocation $name) | Sort-Object | Should -Be @($lost[0].From, 3) -Because 'the winner runs on lab host 3, the other where it was'
            foreach ($case in @(@{ Host = 3; From = $won[0].From }, @{ Host = $lost[0].From; From = $lost[0].From })) {
                $now = Wait-WorkloadTick $case.Host $name 0
                $after = Wait-WorkloadTick $case.Host $name ($now.counter + 20)
                $after.errors | Should -Be 0
                $after.start_unix_ms | Should -Be $starts[$case.From].start_unix_ms -Because "the same process from lab host $($case.From) runs on lab host $($case.Host)"
            }
            foreach ($i in 1..3) { Test-Path (Get-LabHostPath $i "locks/$name") | Should -BeFalse -Because "no lock stays on lab host $i" }
        }
    }

    Context 'a realistic rootfs (400 MiB of real files) beside the tiny one, default bundle sync' {
        # The freeze's length is the benchmark's to measure (bench/bench.ps1 -RootfsMiB): two moves on a busy 2-core
        # machine vary by more than the issue's 0.5 s alone. The bytes sent while frozen tell whether the rootfs was
        # in the freeze, without the noise.
        It 'keeps the bundle off the freeze in <Mode> mode' -ForEach @(@{ Mode = 'Stop' }, @{ Mode = 'PostCopy' }) {
            $frozenBytes = @{}
            foreach ($w in @{ Name = 'migtinyfs'; Extra = @() }, @{ Name = 'migrealfs'; Extra = @('--rootfs-mib', '400') }) {
                Remove-LabContainer $w.Name
                try {
                    $start = New-LabWorkload -HostIndex 1 -Name $w.Name -MiB 64 -ExtraArguments $w.Extra
                    $result = Move-Container -Name $w.Name -Source $hosts[0] -Destination $hosts[1] -Mode $Mode
                    $result.Status | Should -Be 'Succeeded'
                    $result.BundleSync | Should -Be 'Delta' -Because 'the default moves the bundle while the container runs'
                    (Wait-WorkloadTick 2 $w.Name 0).start_unix_ms | Should -Be $start.start_unix_ms
                    $frozenBytes[$w.Name] = $result.BytesTransferred
                    Write-Host ("    {0} {1}: downtime {2:0} ms (checkpoint {3:0}, transfer {4:0}, restore {6:0} ms; {5:0.0} MiB sent frozen)" -f $Mode, $w.Name,
                        $result.Downtime.TotalMilliseconds, $result.CheckpointTime.TotalMilliseconds, $result.TransferTime.TotalMilliseconds, ($result.BytesTransferred / 1MB), $result.RestoreTime.TotalMilliseconds)
                } finally { Remove-LabContainer $w.Name }
            }
            # What crossed while frozen does not depend on the machine's load: the rootfs's 400 MiB must not be in it.
            $frozenBytes.migrealfs | Should -BeLessThan ($frozenBytes.migtinyfs + 16MB) -Because 'the realistic rootfs must not be copied while frozen'
        }
    }

    Context 'rollback when CRIU hangs (killed at -CriuTimeoutSec)' {
        BeforeAll {
            $name = 'mighang'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 32
        }
        AfterAll { Remove-LabContainer $name }

        It 'rolls back from a restore that never ends on the destination' {
            Mount-HangingCriu 2
            try {
                $err = $null
                $clock = [Diagnostics.Stopwatch]::StartNew()
                # -SkipReadiness: the readiness canary would refuse this host before the freeze (Readiness.Tests).
                Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -CriuTimeoutSec 5 -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue |
                    Should -BeNullOrEmpty
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 60 -Because 'the hang is cut at the timeout'
            } finally { Dismount-HangingCriu 2 }
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            $err[0].Exception.Message | Should -BeLike '*Restore*'
            Assert-RolledBackToFirstHost $name $start
        }

        It 'goes on running on the source when the checkpoint never ends (<Mode>)' -ForEach @(@{ Mode = 'Stop' }, @{ Mode = 'PostCopy' }) {
            Mount-HangingCriu 1
            try {
                $err = $null
                # Post-copy: the lazy dump never says it is ready; the rollback ends it (killed: it never answers) and thaws.
                Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -Mode $Mode -CriuTimeoutSec 5 -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue |
                    Should -BeNullOrEmpty
            } finally { Dismount-HangingCriu 1 }
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            $err[0].Exception.Message | Should -BeLike '*Checkpoint*'
            Assert-RolledBackToFirstHost $name $start
        }
    }

    Context 'what it refuses' {
        BeforeAll {
            $name = 'migno'
            Remove-LabContainer $name
            New-LabWorkload -HostIndex 1 -Name $name -MiB 4 | Out-Null
        }
        AfterAll { Remove-LabContainer $name }

        It 'changes nothing with -WhatIf' {
            $r = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -WhatIf
            $r | Should -BeNullOrEmpty
            @(Get-LabContainerLocation $name) | Should -Be @(1)
        }

        It 'refuses when the destination already has the bundle path: in readiness, and in the engine without it' {
            New-Item -ItemType Directory -Force (Get-LabHostPath 2 "containers/$name") | Out-Null
            try {
                $err = $null
                Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].FullyQualifiedErrorId | Should -BeLike 'ReadinessFailed*'
                $err[0].Exception.Message | Should -BeLike '*Bundle on*already exists there*'
                $err = $null
                Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationAborted*'
                $err[0].Exception.Message | Should -BeLike '*never overwritten*'
                @(Get-LabContainerLocation $name) | Should -Be @(1)
            } finally { Remove-Item -Recurse -Force (Get-LabHostPath 2 "containers/$name") }
        }

        It 'refuses post-copy to a local host before anything is frozen' {
            $err = $null
            Move-Container -Name $name -Source $hosts[0] -Destination (New-MigrationHost -Local) -Mode PostCopy -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
            $err[0].Exception.Message | Should -BeLike '*PostCopy*local host*'
            @(Get-LabContainerLocation $name) | Should -Be @(1)
        }

        It 'refuses a container that another controller is migrating, naming it' {
            $lock = Get-LabHostPath 1 "locks/$name"
            New-Item -ItemType Directory -Force $lock | Out-Null
            Set-Content (Join-Path $lock 'holder') 'migration 20261128T000000-feedbeef of migno to root@10.9.9.9:22, by ops@other-controller (process 777)'
            try {
                $err = $null
                Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationAborted*'
                $err[0].Exception.Message | Should -BeLike '*is being migrated already: migration 20261128T000000-feedbeef*ops@other-controller*'
                @(Get-LabContainerLocation $name) | Should -Be @(1)
                Test-Path $lock | Should -BeTrue -Because "another controller's lock is not ours to remove"
            } finally { Remove-Item -Recurse -Force $lock }
        }

        It 'refuses when the container is not on the source: in readiness, and in the engine without it' {
            $err = $null
            Move-Container -Name 'not-there' -Source $hosts[1] -Destination $hosts[2] -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ReadinessFailed*'
            $err[0].Exception.Message | Should -BeLike "*Container on $($hosts[1].Name): No container named not-there there*"
            $err = $null
            Move-Container -Name 'not-there' -Source $hosts[1] -Destination $hosts[2] -SkipReadiness -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationAborted*'
            $err[0].Exception.Message | Should -BeLike "*No container named 'not-there'*"
        }

        It 'completes container names from the -Source host' {
            $line = "Move-Container -Source '$($hosts[0].Name)' -Name mig"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $name
        }
    }
}

Describe 'Get-Container' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $h = Connect-LabHost 3
        Remove-LabContainer 'getc1'
        New-LabWorkload -HostIndex 3 -Name 'getc1' -MiB 2 | Out-Null
    }
    AfterAll { Remove-LabContainer 'getc1' }

    It 'returns typed containers from runc''s JSON' {
        $c = Get-Container -Host $h -Name 'getc*'
        $c | Should -BeOfType 'LiveMigrate.Runc.ContainerInfo'
        $c.Name | Should -Be 'getc1'
        $c.Status | Should -Be 'Running'
        $c.Pid | Should -BeGreaterThan 1
        $c.Bundle | Should -Be '/var/lib/livemigrate/containers/getc1'
        $c.Host | Should -Be $h.Name
        $c.Created | Should -BeGreaterThan ([DateTimeOffset]::Now.AddHours(-1))
    }

    It 'writes ContainerNotFound for a missing exact name and keeps going' {
        $err = $null
        $c = Get-Container -Host $h -Name 'absent', 'getc1' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound*'
        $c.Name | Should -Be 'getc1'
    }

    It 'formats as a table with the view''s columns' {
        $text = Get-Container -Host $h -Name 'getc1' | Out-String -Width 200
        $text | Should -Match 'Name\s+Status\s+Pid\s+Host'
    }
}
