# Copy-Container, Save-ContainerCheckpoint and Restore-Container with real workloads on the lab's hosts:
# clones keep the original's memory and go on from the moment of the checkpoint, each on its own.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Cloning containers' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $hosts = 1..3 | ForEach-Object { Connect-LabHost $_ }
        # The counter at which a workload last saw time jump: for a restored copy, the moment it was checkpointed.
        function Get-LastGapCounter([int] $HostIndex, [string] $Name) {
            # A restored copy logs its gap at its first tick: until then the last gap in its log is an older one.
            $now = Get-WorkloadState $HostIndex $Name
            Wait-WorkloadTick $HostIndex $Name $now.counter | Out-Null
            $line = Get-WorkloadLog $HostIndex $Name | Where-Object { $_ -match '^gap \d+ ms .* counter (\d+)' } | Select-Object -Last 1
            if ($line -notmatch 'counter (\d+)$') { throw "no gap in the log of $Name on lab host $HostIndex" }
            [long]$Matches[1]
        }
        function Get-LabCheckpoints([int] $HostIndex) { @(Get-ChildItem (Get-LabHostPath $HostIndex 'checkpoints') -ErrorAction Ignore).Name }
    }

    Context 'Copy-Container to two hosts' {
        BeforeAll {
            $name = 'warm'
            'warm', 'warm-1', 'warm-2' | ForEach-Object { Remove-LabContainer $_ }
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 32
            $before = Wait-WorkloadTick 1 $name 0
            $results = @(Copy-Container $name -Source $hosts[0] -Destination $hosts[1], $hosts[2])
        }
        AfterAll { 'warm', 'warm-1', 'warm-2' | ForEach-Object { Remove-LabContainer $_ } }

        It 'reports one running clone per destination, named by the pattern' {
            $results.NewName | Should -Be @('warm-1', 'warm-2')
            $results.Destination | Should -Be @($hosts[1].Name, $hosts[2].Name)
            $results.Status | Sort-Object -Unique | Should -Be 'Running'
            $results[0].SourceFrozen.TotalMilliseconds | Should -BeGreaterThan 0
        }

        It 'sent the checkpoint straight from the source to each host, and left no link behind' {
            $results.TransferRoute | Should -Be @('Direct', 'Direct')
            foreach ($i in 1..3) {
                @(Get-Content (Join-Path (Get-LabEnvironment).Root "hosts/lm$i/home/.ssh/authorized_keys") | Where-Object { $_ -like '*livemigrate-link-*' }).Count | Should -Be 0
            }
            # /run is this machine's, shared with any other lab on it: this lab's links only (their target file).
            @(Get-ChildItem /run/livemigrate/links -ErrorAction Ignore | Where-Object {
                (Get-Content (Join-Path $_.FullName 'target') -ErrorAction Ignore | Select-Object -Last 1) -eq "$((Get-LabEnvironment).Port)" }).Count | Should -Be 0
        }

        It 'leaves three copies running, the original untouched' {
            @(Get-LabContainerLocation 'warm') | Should -Be @(1)
            @(Get-LabContainerLocation 'warm-1') | Should -Be @(2)
            @(Get-LabContainerLocation 'warm-2') | Should -Be @(3)
            $now = Wait-WorkloadTick 1 $name $before.counter
            $now.start_unix_ms | Should -Be $start.start_unix_ms
            $now.errors | Should -Be 0
        }

        It 'gives each clone the original''s memory, counting on from the same value on its own' {
            $from = Get-LastGapCounter 2 'warm-1'
            Get-LastGapCounter 3 'warm-2' | Should -Be $from -Because 'both come from one checkpoint'
            $from | Should -BeGreaterOrEqual $before.counter
            foreach ($c in @(@{ At = 2; Name = 'warm-1' }, @{ At = 3; Name = 'warm-2' })) {
                $s = Wait-WorkloadTick $c.At $c.Name ($from + 20)
                $s.errors | Should -Be 0
                $s.seed | Should -Be $start.seed
                $s.start_unix_ms | Should -Be $start.start_unix_ms
            }
        }

        It 'leaves no checkpoint on any host' {
            1..3 | ForEach-Object { Get-LabCheckpoints $_ | Where-Object { $_ -like 'clone-warm-*' } | Should -BeNullOrEmpty }
        }

        It 'refuses a -NewName that gives two clones one name, before anything is paused' {
            $err = $null
            Copy-Container $name -Source $hosts[0] -Destination $hosts[1], $hosts[2] -NewName 'warm-copy' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
            $err[0].Exception.Message | Should -BeLike "*'warm-copy' for more than one destination*{Index}*"
        }
    }

    Context 'a saved checkpoint, restored twice (back to the same moment)' {
        BeforeAll {
            $name = 'snap'
            'snap', 'snap-a', 'snap-b' | ForEach-Object { Remove-LabContainer $_ }
            New-LabWorkload -HostIndex 1 -Name $name -MiB 16 | Out-Null
            $saved = Save-ContainerCheckpoint $name -Host $hosts[0] -CheckpointName 'snap-moment'
        }
        AfterAll {
            'snap', 'snap-a', 'snap-b' | ForEach-Object { Remove-LabContainer $_ }
            1..3 | ForEach-Object { Remove-Item -Recurse -Force (Get-LabHostPath $_ 'checkpoints/snap-moment') -ErrorAction Ignore }
        }

        It 'keeps the checkpoint on the host, with the container still running' {
            $saved.Name | Should -Be 'snap-moment'
            $saved.Container | Should -Be $name
            Get-LabCheckpoints 1 | Should -Contain 'snap-moment'
            Test-Path (Get-LabHostPath 1 'checkpoints/snap-moment/SHA256SUMS') | Should -BeTrue
            @(Get-LabContainerLocation $name) | Should -Be @(1)
        }

        It 'restores it on another host and on its own, both from the same moment' {
            $a = Restore-Container 'snap-moment' -Host $hosts[0] -Destination $hosts[2] -NewName 'snap-a'
            $b = Restore-Container 'snap-moment' -Host $hosts[0] -NewName 'snap-b'
            $a.Status | Should -Be 'Running'
            $b.Status | Should -Be 'Running'
            $a.Bundle | Should -Be '/var/lib/livemigrate/containers/snap-a'
            @(Get-LabContainerLocation 'snap-a') | Should -Be @(3)
            @(Get-LabContainerLocation 'snap-b') | Should -Be @(1)
            $moment = Get-LastGapCounter 3 'snap-a'
            Get-LastGapCounter 1 'snap-b' | Should -Be $moment
            (Wait-WorkloadTick 3 'snap-a' ($moment + 10)).errors | Should -Be 0
            (Wait-WorkloadTick 1 'snap-b' ($moment + 10)).errors | Should -Be 0
        }

        It 'refuses a checkpoint whose files no longer match their checksums' {
            $image = Get-ChildItem (Get-LabHostPath 3 'checkpoints/snap-moment/images') -Filter 'pages-*.img' | Select-Object -First 1
            $bytes = [IO.File]::ReadAllBytes($image.FullName)
            $bytes[0] = $bytes[0] -bxor 0xff
            [IO.File]::WriteAllBytes($image.FullName, $bytes)
            $err = $null
            Restore-Container 'snap-moment' -Host $hosts[2] -NewName 'snap-c' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].Exception.Message | Should -BeLike '*does not match its SHA256SUMS*'
            @(Get-LabContainerLocation 'snap-c') | Should -BeNullOrEmpty
            Test-Path (Get-LabHostPath 3 'containers/snap-c') | Should -BeFalse
        }
    }
}
