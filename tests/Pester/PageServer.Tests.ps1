# Stop with -StreamMemory over the direct route: CRIU's page server on the destination takes the memory as the source dumps
# it, in the lab; left out, readiness decides.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Move-Container -Mode Stop -StreamMemory' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $hosts = 1..2 | ForEach-Object { Connect-LabHost $_ }
        $name = 'migpsrv'
        Remove-LabContainer $name
        $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 256

        # What lab host N holds under its images folder, seen from inside its mount namespace.
        function Get-ImageFiles([int] $Index) {
            $sshd = Get-Content (Join-Path (Get-LabEnvironment).Root "hosts/lm$Index/sshd.pid")
            @(& nsenter -t $sshd -m sh -c 'ls /var/lib/livemigrate/images/"$1"-*/ 2>/dev/null' sh $name)
        }
        function Get-PageRules([int] $Index, [string] $Id) {
            @(foreach ($chain in 'OUTPUT', 'INPUT') { Invoke-InLabHost $Index @('iptables', '-w', '-S', $chain) | Where-Object { $_ -match "livemigrate-pages-$Id " } })
        }
    }
    AfterAll { Remove-LabContainer $name }

    It 'rolls back to the source, thawed and whole, when the page server dies in the middle of the dump' {
        Wait-WorkloadTick 1 $name 0 | Out-Null  # ticking before the move
        $move = Start-LabMove $name 'Stop' 'Checkpoint' @{ StreamMemory = $true }
        # The dump of 256 MiB has begun sending into it: the page server goes.
        Start-Sleep -Milliseconds 150
        $killed = @(Get-LabProcess "criu page-server --images-dir /var/lib/livemigrate/images/$name-")
        $killed | ForEach-Object { & kill -KILL $_ }
        $errors = (Complete-LabMove $move).Errors

        $killed.Count | Should -Be 1 -Because 'the page server listened from before the freeze until the dump ended'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
        $errors[0].Exception.Message | Should -BeLike '*in Checkpoint*'
        Assert-RolledBackToFirstHost $name $start
        @(Get-LabProcess "criu page-server .*/$name-").Count | Should -Be 0
        foreach ($i in 1, 2) { Get-PageRules $i $errors[0].TargetObject.MigrationId | Should -BeNullOrEmpty -Because "no page port stays guarded on lab host $i" }
        # Two full passes over the 256 MiB after the thaw: the frozen tasks' memory was never touched.
        $final = Wait-WorkloadPasses 1 $name 2
        $final.passes | Should -BeGreaterOrEqual $final.target
        $final.errors | Should -Be 0
    }

    It 'moves the container with none of its memory written on the source, and the memory arrives whole' {
        Wait-WorkloadTick 1 $name 0 | Out-Null
        $move = Start-LabMove $name 'Stop' 'Transfer*' @{ StreamMemory = $true }
        # Frozen, after the dump: its pages are on the destination already, and were never on the source.
        $sourceFiles = Get-ImageFiles 1
        $destinationFiles = Get-ImageFiles 2
        $done = Complete-LabMove $move
        $result = $done.Results[0]

        $done.Errors | Should -BeNullOrEmpty
        $result.Status.ToString() | Should -Be 'Succeeded'
        $result.TransferRoute.ToString() | Should -Be 'Direct'
        $sourceFiles | Should -Contain 'inventory.img'
        $sourceFiles | Where-Object { $_ -like 'pages-*' } | Should -BeNullOrEmpty -Because 'CRIU sent the pages into the link, not to the source''s disk'
        @($destinationFiles | Where-Object { $_ -like 'pages-*' }).Count | Should -BeGreaterThan 0
        # CRIU's own count: the workload's 256 MiB at least, all of it sent while dumping and counted as moved.
        $result.BytesStreamedWhileDumping | Should -BeGreaterThan 256MB
        $result.BytesTransferred | Should -BeGreaterThan $result.BytesStreamedWhileDumping
        $result.BytesStreamedWhileDumping | Should -Be ($result.FinalPagesWritten * 4096)
        $result.Downtime | Should -BeGreaterThan ($result.CheckpointTime + $result.TransferTime)
        foreach ($i in 1, 2) { Get-PageRules $i $result.MigrationId | Should -BeNullOrEmpty }
        @(Get-LabContainerLocation $name) | Should -Be @(2)
        $final = Wait-WorkloadPasses 2 $name 2
        $final.passes | Should -BeGreaterOrEqual $final.target
        $final.errors | Should -Be 0
        $final.start_unix_ms | Should -Be $start.start_unix_ms
    }

    It 'left out, streams or dumps as readiness''s Memory row says from the hosts'' CPUs, and the move does what it said' {
        $cpus = [int](Invoke-InLabHost 1 @('nproc'))
        $r = Invoke-LabWatched { param($name) Move-Container -Name $name -Source (Connect-LabHost 2) -Destination (Connect-LabHost 1) -Mode Stop } @($name)
        $result = $r.Output | Select-Object -Last 1

        $r.Errors | Should -BeNullOrEmpty
        $result.Status.ToString() | Should -Be 'Succeeded'
        $row = $r.Verbose | Where-Object { $_ -like 'Readiness: * Memory on *' }
        if ($cpus -ge 4) {
            $row | Should -BeLike '*Streamed: -StreamMemory Auto chose it*'
            $result.BytesStreamedWhileDumping | Should -BeGreaterThan 256MB
        }
        else {
            $row | Should -BeLike "*Dumped: -StreamMemory Auto chose it, as * has $cpus CPUs*"
            $r.Verbose | Should -Contain '-StreamMemory Auto: dumped on the source, then sent, from what readiness found.'
            $result.BytesStreamedWhileDumping | Should -Be 0
        }
        $final = Wait-WorkloadPasses 1 $name 1
        $final.errors | Should -Be 0
    }

    It 'rolls back to the source when every connection to the source is cut while the memory streams' {
        Wait-WorkloadTick 1 $name 0 | Out-Null
        $move = Start-LabMove $name 'Stop' 'Checkpoint' @{ StreamMemory = $true }
        Start-Sleep -Milliseconds 150
        # Every SSH session of lab host 1 dies (the link's master and its memory session among them), the controller's own included.
        foreach ($listener in 'sshd.pid', 'socat.pid') { & pkill -KILL -P (Get-Content (Join-Path (Get-LabEnvironment).Root "hosts/lm1/$listener")) }
        $errors = (Complete-LabMove $move).Errors

        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
        $errors[0].Exception.Message | Should -BeLike '*in Checkpoint*'
        Assert-RolledBackToFirstHost $name $start
        @(Get-LabProcess "criu page-server .*/$name-").Count | Should -Be 0 -Because 'the page server that waited for the rest of the memory was ended'
        foreach ($i in 1, 2) { Get-PageRules $i $errors[0].TargetObject.MigrationId | Should -BeNullOrEmpty }
        $final = Wait-WorkloadPasses 1 $name 2
        $final.errors | Should -Be 0
    }
}
