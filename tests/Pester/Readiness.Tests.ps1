# Test-MigrationReadiness against the lab's real hosts: each check's Fail is provoked for real inside a lab
# host's own mount namespace (a tool hidden, a hanging CRIU, a small disk...), never by a fake.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Test-MigrationReadiness' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $hosts = 1..2 | ForEach-Object { Connect-LabHost $_ }
        $name = 'rdy'
        Remove-LabContainer $name
        $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 16

        # The rows of one check (on one host, when given).
        function Get-Row($Results, [string] $Check, [int] $HostIndex = 0) {
            @($Results | Where-Object { $_.Check -eq $Check -and (-not $HostIndex -or $_.Host -eq $hosts[$HostIndex - 1].Name) })
        }
        function Test-Readiness([object[]] $Extra = @()) {
            $splat = @{}
            for ($i = 0; $i -lt $Extra.Count; $i += 2) { $splat[$Extra[$i].TrimStart('-')] = $Extra[$i + 1] }
            Test-MigrationReadiness -Name $name -Source $hosts[0] -Destination $hosts[1] @splat
        }
        # Mounts something over a path inside lab host 2 for the length of one context.
        function Mount-OverLabHost2([string] $Path, [string[]] $MountArguments) {
            Invoke-InLabHost 2 (@('mount') + $MountArguments + @($Path))
        }
        function Dismount-LabHost2([string] $Path) { Invoke-InLabHost 2 @('umount', $Path) }
        # Runs SCRIPT with a home folder holding the lab's client key and KNOWNHOSTS as ~/.ssh/known_hosts,
        # as a host named by a string is opened with the defaults found there.
        function Invoke-WithLabHome([string] $KnownHosts, [scriptblock] $Script, [string] $Key = (Get-LabEnvironment).KeyFilePath) {
            $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            New-Item -ItemType Directory -Force "$dir/.ssh" | Out-Null
            Copy-Item $Key "$dir/.ssh/id_ed25519"
            Set-Content "$dir/.ssh/known_hosts" $KnownHosts
            $saved = $env:HOME
            try { $env:HOME = $dir; & $Script } finally { $env:HOME = $saved }
        }
    }
    AfterAll { Remove-LabContainer $name }

    Context 'ready hosts and container' {
        It 'passes every check and says what it measured' {
            $results = Test-Readiness
            $failed = @($results | Where-Object Status -eq 'Fail')
            $failed | ForEach-Object { Write-Host "unexpected Fail: $_ -- $($_.Remedy)" }
            $failed.Count | Should -Be 0
            $checks = $results.Check | Select-Object -Unique
            foreach ($c in 'SSH', 'Tools', 'CRIU check', 'Post-copy', 'Pre-copy', 'Network lock', 'Canary', 'CPU', 'Platform', 'Container', 'Bundle', 'Bundle sync', 'Compression', 'Restore', 'Processes', 'Free space', 'Downtime') {
                $checks | Should -Contain $c
            }
            # The lab's hosts have GNU tar, and the bundle is not shared: the default copies it ahead.
            (Get-Row $results 'Bundle sync').Detail | Should -BeLike 'Delta: -BundleSync Auto chose it; the bundle (* MiB) is copied while the container runs*'
            $results[0].Check | Should -Be 'SSH'
            (Get-Row $results 'Canary' 2).Detail | Should -Match 'checkpointed in [0-9.]+ s and restored in [0-9.]+ s'
            (Get-Row $results 'Downtime').Detail | Should -Match 'About [0-9.]+ s with -Mode Stop, [0-9.]+ s with -Mode PostCopy \(1[0-9] MiB of memory'
            # Measured the way the move's streams go (the direct link), its sample gone from both hosts.
            (Get-Row $results 'Downtime').Detail | Should -Match '[0-9]+ MB/s between the hosts over a direct link'
            (Get-Row $results 'Restore').Detail | Should -BeLike 'Eager: -LazyRestore Auto chose it for 1* MiB of memory (below 256 MiB*'
            foreach ($i in 1, 2) { @(Get-ChildItem (Get-LabHostPath $i 'images') -Filter 'livemigrate-bandwidth-*' -ErrorAction Ignore).Count | Should -Be 0 }
            (Get-Row $results 'Free space' 2).Status | Should -Be 'Pass'
            $results | Where-Object Status -eq 'Pass' | ForEach-Object { $_.Remedy | Should -BeNullOrEmpty }
        }

        It 'reports the missing soft-dirty tracking as a Warn naming the kernel option, and as not needed with -Mode Stop' {
            $warn = Get-Row (Test-MigrationReadiness -Source $hosts[0] -Destination $hosts[1]) 'Pre-copy' 1
            if ($warn.Status -eq 'Pass') { Set-ItResult -Skipped -Because 'this kernel has soft-dirty tracking' }
            $warn.Status | Should -Be 'Warn'
            $warn.Detail | Should -BeLike '*CONFIG_MEM_SOFT_DIRTY*'
            (Get-Row (Test-Readiness '-Mode', 'Stop') 'Pre-copy' 1).Status | Should -Be 'Skipped'
        }

        It 'checks a host pair alone, with no container rows, and -Quiet says $true' {
            $results = Test-MigrationReadiness -Source $hosts[0] -Destination $hosts[1]
            @($results | Where-Object Check -in 'Container', 'Bundle', 'Bundle sync', 'Processes', 'Free space', 'Downtime').Count | Should -Be 0
            Test-MigrationReadiness -Source $hosts[0] -Destination $hosts[1] -Quiet | Should -BeExactly $true
        }

        It 'runs no canary with -NoCanary: its rows Skipped, saying why, the downtime not estimated' {
            $results = Test-Readiness @('-NoCanary', $true)
            foreach ($i in 1, 2) {
                $row = Get-Row $results 'Canary' $i
                $row.Status | Should -Be 'Skipped'
                $row.Detail | Should -BeLike '*-NoCanary*'
            }
            (Get-Row $results 'Downtime').Status | Should -Be 'Skipped'
            (Get-Row $results 'Container' 1).Status | Should -Be 'Pass' -Because 'everything else is still checked'
        }

        It 'takes Name and Source from Get-Container by property name' {
            $results = Get-Container -Host $hosts[0] -Name $name | Test-MigrationReadiness -Destination $hosts[1]
            (Get-Row $results 'Container' 1).Detail | Should -BeLike "$name is running*"
        }

        It 'makes Move-Container refuse a Warn without -Force, and move with it' {
            $err = $null
            Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -MaxDowntime ([timespan]::FromMilliseconds(1)) -ErrorVariable err -ErrorAction SilentlyContinue |
                Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ReadinessWarning*'
            $err[0].Exception.Message | Should -BeLike '*use -Force*Downtime on*over -MaxDowntime*'
            @(Get-LabContainerLocation $name) | Should -Be @(1)
            $moved = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -MaxDowntime ([timespan]::FromMilliseconds(1)) -Force
            $moved.Status | Should -Be 'Succeeded'
            $back = Move-Container -Name $name -Source $hosts[1] -Destination $hosts[0]
            $back.Status | Should -Be 'Succeeded'
            (Wait-WorkloadTick 1 $name 0).errors | Should -Be 0
        }

        It 'warns when the downtime estimate is over -MaxDowntime, suggesting post-copy' {
            $row = Get-Row (Test-Readiness '-MaxDowntime', ([timespan]::FromMilliseconds(1))) 'Downtime'
            $row.Status | Should -Be 'Warn'
            $row.Detail | Should -Match 'with -Mode Stop, .* with -Mode PostCopy .* over -MaxDowntime 0\.00 s'
            $row.Remedy | Should -Not -BeNullOrEmpty
        }
    }

    Context 'SSH' {
        It 'fails a host that cannot be reached and skips its other checks' {
            $results = Invoke-WithLabHome '' { Test-MigrationReadiness -Name $name -Source $hosts[0] -Destination 'root@127.77.0.9:2222' }
            $ssh = @($results | Where-Object { $_.Check -eq 'SSH' -and $_.Host -like '*127.77.0.9*' })
            $ssh.Status | Should -Be 'Fail'
            $ssh.Detail | Should -BeLike '*Cannot reach*'
            $ssh.Remedy | Should -Not -BeNullOrEmpty
            ($results | Where-Object { $_.Host -like '*127.77.0.9*' -and $_.Check -ne 'SSH' }).Status | Sort-Object -Unique | Should -Be 'Skipped'
            Invoke-WithLabHome '' { Test-MigrationReadiness -Name $name -Source $hosts[0] -Destination 'root@127.77.0.9:2222' -Quiet } | Should -BeExactly $false
        }

        It 'fails a host whose key is not the one known_hosts records, before authenticating' {
            $lab = Get-LabEnvironment
            Get-MigrationHost | Where-Object Name -eq (Get-LabHostName 3) | Remove-MigrationHost
            & ssh-keygen -q -t ed25519 -N '' -f "$TestDrive/other" | Out-Null
            $wrongKey = "[$($lab.Addresses[2])]:$($lab.Port) $((Get-Content "$TestDrive/other.pub") -replace ' \S+$', '')"
            $ssh = Invoke-WithLabHome $wrongKey { Get-Row (Test-MigrationReadiness -Source $hosts[0] -Destination (Get-LabHostName 3)) 'SSH' } | Select-Object -Last 1
            $ssh.Status | Should -Be 'Fail'
            $ssh.Remedy | Should -BeLike '*not the one recorded*'
        }

        It 'fails a host that refuses the key, naming the user' {
            $lab = Get-LabEnvironment
            Get-MigrationHost | Where-Object Name -eq (Get-LabHostName 3) | Remove-MigrationHost
            & ssh-keygen -q -t ed25519 -N '' -f "$TestDrive/stranger" | Out-Null
            $known = Get-Content $lab.KnownHostsPath | Where-Object { $_ -like "*$($lab.Addresses[2])*" }
            $ssh = Invoke-WithLabHome ($known -join "`n") { Get-Row (Test-MigrationReadiness -Source $hosts[0] -Destination (Get-LabHostName 3)) 'SSH' } -Key "$TestDrive/stranger" |
                Select-Object -Last 1
            $ssh.Status | Should -Be 'Fail'
            $ssh.Detail | Should -BeLike "*refused authentication as 'root'*"
            $ssh.Remedy | Should -BeLike '*credentials*'
        }
    }

    Context 'a destination that never ran LiveMigrate' {
        BeforeAll {
            # An image root that lab host 2 has never had. On lab host 1 a file stands there, so that the CPU check's dump
            # fails at once instead of racing the canary to make the folder on lab host 2 too.
            $root = '/var/lib/livemigrate/fresh-images'
            $fresh = Get-LabHostPath 2 'fresh-images'
            Remove-Item $fresh -Recurse -Force -ErrorAction Ignore
            Set-Content (Get-LabHostPath 1 'fresh-images') 'not a folder'
        }
        AfterAll { Remove-Item $fresh, (Get-LabHostPath 1 'fresh-images') -Recurse -Force -ErrorAction Ignore }

        It 'passes the canary there: it makes the image root itself' {
            $canary = Get-Row (Test-Readiness '-ImageRoot', $root) 'Canary' 2
            $canary.Status | Should -Be 'Pass' -Because $canary.Detail
            Test-Path $fresh -PathType Container | Should -BeTrue
        }
    }

    Context 'runc missing on the destination' {
        BeforeAll { Mount-OverLabHost2 '/usr/sbin/runc' @('--bind', '/dev/null') }
        AfterAll { Dismount-LabHost2 '/usr/sbin/runc' }

        It 'fails Tools naming the package, and does not run the canary there' {
            $results = Test-Readiness
            $tools = Get-Row $results 'Tools' 2
            $tools.Status | Should -Be 'Fail'
            $tools.Detail | Should -BeLike '*runc is not installed*'
            $tools.Remedy | Should -BeLike '*apt-get install runc*'
            (Get-Row $results 'Canary' 2).Status | Should -Be 'Skipped'
            (Get-Row $results 'Canary' 1).Status | Should -Be 'Pass'
        }
    }

    Context 'iptables broken on the destination' {
        BeforeAll { Mount-OverLabHost2 '/usr/sbin/iptables-restore' @('--bind', '/dev/null') }
        AfterAll { Dismount-LabHost2 '/usr/sbin/iptables-restore' }

        It 'fails Network lock with both fixes, and the canary shows the checkpoint really fails' {
            $results = Test-Readiness
            $lock = Get-Row $results 'Network lock' 2
            $lock.Status | Should -Be 'Fail'
            $lock.Remedy | Should -BeLike '*apt-get install iptables*network-lock nftables*'
            $canary = Get-Row $results 'Canary' 2
            $canary.Status | Should -Be 'Fail'
            $canary.Detail | Should -BeLike '*checkpoint of a throwaway container failed*iptables*'
            $canary.Remedy | Should -BeLike '*install iptables*'
            (Get-Row $results 'Network lock' 1).Status | Should -Be 'Pass'
        }
    }

    Context 'CRIU that hangs on the destination' {
        BeforeAll { Mount-HangingCriu 2 }
        AfterAll { Dismount-HangingCriu 2 }

        It 'fails the canary within its timeout, names the workaround, and leaves no canary behind' {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $canary = Get-Row (Test-Readiness '-CanaryTimeoutSec', 3) 'Canary' 2
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 40 -Because 'a hang must be cut by the canary timeout, not waited out'
            $canary.Status | Should -Be 'Fail'
            $canary.Detail | Should -BeLike '*did not finish in time*'
            $canary.Remedy | Should -BeLike '*CRIU_FAULT=130*'
            (Invoke-LabRunc 2 @('list', '-q')) -join ' ' | Should -Not -BeLike '*livemigrate-canary*'
            @(Get-ChildItem (Get-LabHostPath 2 'images') -Filter 'livemigrate-canary-*').Count | Should -Be 0
        }
    }

    Context 'a destination with another cgroup version' {
        BeforeAll {
            $v2 = (& stat -f -c %T /sys/fs/cgroup) -eq 'cgroup2fs'
            Mount-OverLabHost2 '/sys/fs/cgroup' $(if ($v2) { @('-t', 'tmpfs', 'lmcg') } else { @('-t', 'cgroup2', 'lmcg') })
        }
        AfterAll { Dismount-LabHost2 '/sys/fs/cgroup' }

        It 'fails Platform naming both versions' {
            $rows = Get-Row (Test-Readiness) 'Platform' | Where-Object Detail -like '*cgroup*'
            $rows.Status | Should -Be 'Fail'
            $rows.Detail | Should -Match 'cgroup v[12], the destination cgroup v[12]'
        }
    }

    Context 'the container' {
        It 'fails when the source has no such container' {
            $row = Get-Row (Test-MigrationReadiness -Name 'not-there' -Source $hosts[0] -Destination $hosts[1]) 'Container' 1
            $row.Status | Should -Be 'Fail'
            $row.Remedy | Should -BeLike '*Get-Container*'
        }

        It 'fails when the destination already has a container of that name' {
            New-LabWorkload -HostIndex 2 -Name $name -MiB 4 | Out-Null
            try {
                $row = Get-Row (Test-Readiness) 'Container' 2
                $row.Status | Should -Be 'Fail'
                $row.Detail | Should -BeLike '*already exists*'
            } finally {
                Invoke-LabRunc 2 @('delete', '--force', $name) 2>$null | Out-Null
                Remove-Item -Recurse -Force (Get-LabHostPath 2 "containers/$name")
            }
        }
    }

    Context 'a bind mount the destination lacks' {
        BeforeAll {
            $bound = 'rdybind'
            Remove-LabContainer $bound
            New-Item -ItemType Directory -Force (Get-LabHostPath 1 'only-on-lm1') | Out-Null
            Remove-Item -Recurse -Force (Get-LabHostPath 2 'only-on-lm1') -ErrorAction Ignore
            $boundStart = New-LabWorkload -HostIndex 1 -Name $bound -MiB 8 -ExtraArguments '--bind', '/var/lib/livemigrate/only-on-lm1:/data'
        }
        AfterAll { Remove-LabContainer $bound; Remove-Item -Recurse -Force (Get-LabHostPath 1 'only-on-lm1') -ErrorAction Ignore }

        It 'fails Bundle naming the path' {
            $row = Get-Row (Test-MigrationReadiness -Name $bound -Source $hosts[0] -Destination $hosts[1]) 'Bundle' 2
            $row.Status | Should -Be 'Fail'
            $row.Detail | Should -BeLike '*bind-mount source /var/lib/livemigrate/only-on-lm1*'
        }

        It 'makes Move-Container refuse before anything is frozen, naming the failed check' {
            $err = $null
            Move-Container -Name $bound -Source $hosts[0] -Destination $hosts[1] -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ReadinessFailed*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err[0].Exception.Message | Should -BeLike '*nothing was frozen*Bundle on*only-on-lm1*'
            @($err[0].Exception.Results | Where-Object Status -eq 'Fail').Check | Should -Contain 'Bundle'
            @(Get-LabContainerLocation $bound) | Should -Be @(1)
            $now = Wait-WorkloadTick 1 $bound 0
            $now.start_unix_ms | Should -Be $boundStart.start_unix_ms
            $now.maxgap_ms | Should -BeLessThan 1000 -Because 'the container was never frozen'
        }
    }

    Context 'what the container''s processes hold' {
        BeforeAll {
            $held = 'rdyheld'
            Remove-LabContainer $held
            $sockets = Get-LabHostPath 1 'rdysock'
            New-Item -ItemType Directory -Force $sockets | Out-Null
            New-LabWorkload -HostIndex 1 -Name $held -MiB 4 -ExtraArguments '--bind', '/var/lib/livemigrate/rdysock:/ext' | Out-Null
            # A daemon on the host whose socket the container reaches through the bind mount.
            $listener = Start-Process (Get-LabHolder) -ArgumentList 'listen', "$sockets/agent.sock" -PassThru
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while (-not (Test-Path "$sockets/agent.sock") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Start-LabContainerProcess 1 $held @('/holder', 'connect', '/ext/agent.sock')
            Start-LabContainerProcess 1 $held @('/holder', 'lock', '/var/log/app.lock')
            Start-LabContainerProcess 1 $held @('/holder', 'pty')
            # A terminal of the host's: script gives runc (and so the process) a pty of the host's devpts as its stdio.
            Invoke-InLabHost 1 @('script', '-qc', "runc exec -d $held /bin/sleep 3600", '/dev/null') | Out-Null
            Start-LabContainerProcess 1 $held @('/bin/sleep', '3600') -Stdout (Join-Path $TestDrive 'host-file.log')
            $init = (Invoke-LabRunc 1 @('state', $held) | ConvertFrom-Json).pid
            & nsenter -t $init -n ip link set lo up
            # nc ends at the end of its input, so each gets a pipe that stays open.
            Start-LabContainerProcess 1 $held @('/bin/sh', '-c', 'sleep 3600 | busybox nc -l -p 7000')
            Start-Sleep -Milliseconds 200
            Start-LabContainerProcess 1 $held @('/bin/sh', '-c', 'sleep 3600 | busybox nc 127.0.0.1 7000')
            Start-Sleep -Milliseconds 300
            $rows = Get-Row (Test-MigrationReadiness -Name $held -Source $hosts[0] -Destination $hosts[1]) 'Processes' 1
        }
        AfterAll {
            Remove-LabContainer $held
            if ($listener) { Stop-Process -Id $listener.Id -Force -ErrorAction Ignore }
            Remove-Item -Recurse -Force $sockets -ErrorAction Ignore
        }

        It 'carries the host''s /dev/null that runc gave every process' {
            $rows | Where-Object Detail -like '*/dev/null*' | Should -BeNullOrEmpty
        }

        It 'passes an established TCP connection inside the namespace runc makes: it moves whole with it' {
            $row = $rows | Where-Object Detail -like '*established TCP*127.0.0.1:7000*'
            $row | Should -Not -BeNullOrEmpty -Because "the rows were: $($rows.Detail -join ' / ')"
            $row.Status | Should -Be 'Pass'
            $row.Detail | Should -BeLike '*carried (--tcp-established)*moves whole, lo brought up*'
        }

        It 'passes file locks as carried, and a pty pair inside the container without a row' {
            $row = $rows | Where-Object Detail -like '*file lock(s)*FLOCK*'
            $row | Should -Not -BeNullOrEmpty -Because "the rows were: $($rows.Detail -join ' / ')"
            $row.Status | Should -Be 'Pass'
            $row.Detail | Should -BeLike '*carried (--file-locks)*'
            # One process per refused terminal (a row for each of its fds): the holder of the pty pair is not among them.
            @($rows | Where-Object Detail -like '*terminal open*' | ForEach-Object { ($_.Detail -split ' ')[1] } | Sort-Object -Unique).Count |
                Should -Be 1 -Because "only the host's terminal is refused; the rows were: $($rows.Detail -join ' / ')"
        }

        It 'fails on <What>, naming the fix' -ForEach @(
            @{ What = 'a terminal from outside'; Detail = '*terminal open*/dev/pts/*outside the container*'; Remedy = '*process.terminal false*' }
            @{ What = 'stdio that is a host file'; Detail = '*outside the container*host-file.log*'; Remedy = '*/dev/null or a pipe*' }
            @{ What = 'a UNIX socket to a host daemon'; Detail = '*UNIX socket(s) connected to a process outside*'; Remedy = '*--ext-unix-sk*' }
        ) {
            $row = $rows | Where-Object Detail -like $Detail
            $row | Should -Not -BeNullOrEmpty -Because "the rows were: $($rows.Detail -join ' / ')"
            $row | ForEach-Object { $_.Status | Should -Be 'Fail'; $_.Remedy | Should -BeLike $Remedy }
        }
    }

    Context 'a destination without room for the images' {
        BeforeAll { Mount-OverLabHost2 '/var/lib/livemigrate/images' @('-t', 'tmpfs', '-o', 'size=8m', 'lmsmall') }
        AfterAll { Dismount-LabHost2 '/var/lib/livemigrate/images' }

        It 'fails Free space with the numbers and the fix' {
            # The small file system is the image folder's alone, so the bundle's room is judged apart.
            $rows = Get-Row (Test-Readiness) 'Free space' 2
            ($rows | Where-Object Detail -like '*for the bundle*').Status | Should -Be 'Pass'
            $row = $rows | Where-Object Detail -like '*/var/lib/livemigrate/images*'
            $row.Status | Should -Be 'Fail'
            $row.Detail | Should -Match 'Only [0-9]+ MiB free in /var/lib/livemigrate/images; about [0-9]+ MiB is needed for the checkpoint images'
            $row.Remedy | Should -BeLike '*-ImageRoot*'
        }
    }
}
