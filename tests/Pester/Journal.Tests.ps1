# The migration journal: Get-MigrationJournal over records on disk, and Resume-Migration after a controller
# really killed (SIGKILL) in the middle of a migration in the lab.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

BeforeAll {
    Import-Module $env:LIVEMIGRATE_MODULE -Force
    # Never the user's own journal.
    $savedJournal = $env:LIVEMIGRATE_JOURNAL
}
AfterAll { $env:LIVEMIGRATE_JOURNAL = $savedJournal }

Describe 'Get-MigrationJournal and Resume-Migration without hosts' {
    BeforeAll {
        $env:LIVEMIGRATE_JOURNAL = Join-Path $TestDrive 'journal'
        New-Item -ItemType Directory -Force $env:LIVEMIGRATE_JOURNAL | Out-Null

        function Write-Record([string] $Id, [string] $Container, [string] $Started, [string[]] $Phases, $Status, [switch] $ThisProcess) {
            $me = Get-Process -Id $PID
            $record = [ordered]@{
                Id = $Id; Container = $Container; Source = 'root@127.0.0.1:1'; Destination = 'root@127.0.0.2:1'; Mode = 'Stop'
                Bundle = "/var/lib/livemigrate/containers/$Container"; ImageDir = "/var/lib/livemigrate/images/$Container-$Id"; StageDir = ''
                LockDir = "/var/lib/livemigrate/locks/$Container"; StartedUtc = $Started; Controller = 'ops@ctl'
                ControllerMachine = if ($ThisProcess) { [Environment]::MachineName } else { 'a-controller-that-died' }
                ControllerProcessId = $PID; ControllerProcessStartUtc = $me.StartTime.ToUniversalTime().ToString('o')
                Phases = @($Phases | ForEach-Object { @{ Phase = $_; StartedUtc = $Started } }); Status = $Status
            }
            $record | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $env:LIVEMIGRATE_JOURNAL "$Id.json")
        }
        Write-Record '20261128T010000-00000001' 'web' '2026-11-28T01:00:00Z' 'Prepare', 'Checkpoint', 'Transfer' 'Succeeded'
        Write-Record '20261128T020000-00000002' 'web' '2026-11-28T02:00:00Z' 'Prepare', 'Checkpoint', 'Transfer' $null
        Write-Record '20261128T030000-00000003' 'db1' '2026-11-28T03:00:00Z' 'Prepare' $null -ThisProcess
    }

    It 'lists every record, newest first' {
        (Get-MigrationJournal).Id | Should -Be '20261128T030000-00000003', '20261128T020000-00000002', '20261128T010000-00000001'
    }

    It 'lists only unfinished ones with -Unfinished, saying whether their controller still runs' {
        $records = Get-MigrationJournal -Unfinished
        $records.Id | Should -Be '20261128T030000-00000003', '20261128T020000-00000002'
        $records[0].State | Should -Be 'Running'
        $records[1].State | Should -Be 'Interrupted'
        $records[1].LastPhase | Should -Be 'Transfer'
    }

    It 'filters by container and by id, with wildcards' {
        (Get-MigrationJournal -Container w*).Id | Should -Be '20261128T020000-00000002', '20261128T010000-00000001'
        (Get-MigrationJournal *-00000001).Container | Should -Be 'web'
    }

    It 'reports an id it does not have' {
        $err = $null
        Get-MigrationJournal 20261128T040000-00000004 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'JournalRecordNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows the columns of its table view' {
        $table = Get-MigrationJournal -Unfinished -Container web | Out-String -Width 250
        $table | Should -Match 'Id\s+Container\s+Source\s+Destination\s+LastPhase\s+Status\s+Started'
        $table | Should -Match '20261128T020000-00000002\s+web\s+root@127.0.0.1:1\s+root@127.0.0.2:1\s+Transfer\s+Interrupted'
    }

    It 'refuses to resume a finished migration or one whose controller still runs, before connecting' {
        foreach ($case in @(@{ Id = '20261128T010000-00000001'; Says = '*ended already (Succeeded)*' }, @{ Id = '20261128T030000-00000003'; Says = "*still running, in process $PID*" })) {
            $err = $null
            Resume-Migration $case.Id -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].Exception.Message | Should -BeLike $case.Says
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidOperation*'
        }
    }

    It 'refuses a record whose paths are not where a migration puts them, naming the path, before connecting' {
        Write-Record '20261128T050000-00000005' 'web' '2026-11-28T05:00:00Z' 'Prepare', 'Checkpoint', 'Transfer' $null
        $file = Join-Path $env:LIVEMIGRATE_JOURNAL '20261128T050000-00000005.json'
        $record = Get-Content -Raw $file | ConvertFrom-Json
        $record.ImageDir = '/etc'
        $record | ConvertTo-Json -Depth 4 | Set-Content $file
        $err = $null
        Resume-Migration 20261128T050000-00000005 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike "*record names the image folder '/etc', where a migration of 'web' uses /var/lib/livemigrate/images/web-ID*"
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidOperation*' -Because 'refused before any host is opened (127.0.0.1:1 would fail to connect)'
        $record.ImageDir = '/srv/images/web-20261128T050000-00000005'
        $record | ConvertTo-Json -Depth 4 | Set-Content $file
        $err = $null
        Resume-Migration 20261128T050000-00000005 -ImageRoot /srv/images -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Not -BeLike 'InvalidOperation*' -Because 'with the root the migration used, the record passes and the hosts are opened'
        Remove-Item $file
    }

    It 'keeps the journal folder to its owner' -Skip:$IsWindows {
        [IO.File]::GetUnixFileMode($env:LIVEMIGRATE_JOURNAL) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    }

    It 'changes nothing with -WhatIf' {
        $file = Join-Path $env:LIVEMIGRATE_JOURNAL '20261128T020000-00000002.json'
        $before = Get-Content -Raw $file
        Get-MigrationJournal 20261128T020000-00000002 | Resume-Migration -WhatIf | Should -BeNullOrEmpty
        Get-Content -Raw $file | Should -BeExactly $before
    }

    It 'binds -Id from a journal record or a migration result by property name' {
        $p = (Get-Command Resume-Migration).Parameters.Id
        $p.Attributes.Where({ $_ -is [Parameter] }).ValueFromPipelineByPropertyName | Should -Contain $true
        $p.Aliases | Should -Contain 'MigrationId'
    }
}

Describe 'Resume-Migration after the controller was killed' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $env:LIVEMIGRATE_JOURNAL = Join-Path $TestDrive 'lab-journal'
        $hosts = 1..2 | ForEach-Object { Connect-LabHost $_ }
        $mover = Join-Path $TestDrive 'move.ps1'
        Set-Content $mover @'
param($Module, $Lab, $Name, $Mode = 'Stop', $BundleSync = 'Full', $Hold = 'no', $Stream = 'no')
Import-Module $Module; Import-Module $Lab
# -Hold yes: the controller waits before the restore, where the test kills it once the transfer has completed.
$hook = if ($Hold -eq 'yes') { @{ PreRestore = { Start-Sleep -Seconds 120 } } } else { @{} }
Move-Container -Name $Name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2) -Mode $Mode -BundleSync $BundleSync -Hook $hook -SkipReadiness -Confirm:$false -Verbose -StreamMemory:($Stream -eq 'yes')
'@

        # Starts Move-Container lab host 1 -> 2 in a controller process of its own, and kills that process
        # with SIGKILL once its journal says $Phase has started (and $Until, given the record, holds). Returns the record as it was then.
        function Stop-ControllerAt([string] $Name, [string] $Phase, [scriptblock] $Until = { $true }, [string] $Mode = 'Stop', [string] $BundleSync = 'Full', [switch] $HoldBeforeRestore, [switch] $StreamMemory) {
            $self = (Get-Process -Id $PID).Path
            # Under `dotnet pwsh` this process is dotnet itself, which runs pwsh.dll.
            [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
            $labModule = (Resolve-Path (Join-Path $PSScriptRoot '../lab/Lab.psm1')).Path
            $log = Join-Path $TestDrive "$Name.out"
            $controller = Start-Process -FilePath $self -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err" `
                -ArgumentList ($prefix + @('-NoProfile', '-NonInteractive', '-File', $mover, $env:LIVEMIGRATE_MODULE, $labModule, $Name, $Mode, $BundleSync, $(if ($HoldBeforeRestore) { 'yes' } else { 'no' }), $(if ($StreamMemory) { 'yes' } else { 'no' })))
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            $seen = $null
            while (-not $controller.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                $seen = Get-ChildItem $env:LIVEMIGRATE_JOURNAL -Filter '*.json' -ErrorAction Ignore |
                    ForEach-Object { [IO.File]::ReadAllText($_.FullName) | ConvertFrom-Json } |
                    Where-Object { $_.Container -eq $Name -and @($_.Phases.Phase) -contains $Phase } | Select-Object -First 1
                if ($seen -and (& $Until $seen)) { break }
                Start-Sleep -Milliseconds 5
            }
            if (-not $controller.HasExited) { & kill -KILL $controller.Id }
            $controller.WaitForExit()
            if (-not $seen) { throw "The controller never reached ${Phase}: $(Get-Content -Raw $log) $(Get-Content -Raw "$log.err")" }
            $seen
        }

        function Invoke-Resume([string] $Id, [switch] $Watched) {
            if ($Watched) {
                # In a runspace of its own, which sees its progress records too; the hosts are opened there first.
                $run = Invoke-LabWatched { param($id) 1..2 | ForEach-Object { $null = Connect-LabHost $_ }; Resume-Migration -Id $id -Confirm:$false } $Id
                $run.Errors | ForEach-Object { Write-Host "  resume error: $_" }
                $run.Verbose | ForEach-Object { Write-Host "  resume: $_" }
                return [pscustomobject]@{ Result = $run.Output; Verbose = $run.Verbose; Progress = $run.Progress }
            }
            $all = @(Resume-Migration -Id $Id -Verbose -Confirm:$false 4>&1)
            $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { Write-Host "  resume: $_" }
            [pscustomobject]@{ Result = $all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }; Verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) }
        }
    }

    Context 'killed during the transfer of a 256 MiB workload' {
        BeforeAll {
            $name = 'jrnxfer'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 256
            Wait-WorkloadTick 1 $name 0 | Out-Null
            # Killed once a good part of the stream (32 of about 256 MiB) has reached the destination.
            function Get-Arrived { [long](Get-ChildItem (Get-LabHostPath 2 'images') -Filter "$name-*" -ErrorAction Ignore | Get-ChildItem -File | Measure-Object Length -Sum).Sum }
            $killedAt = Stop-ControllerAt $name 'Transfer' { (Get-Arrived) -gt 32MB }
            $arrived = Get-Arrived
            Write-Host "  killed with $([math]::Round($arrived / 1MB, 1)) MiB of images on the destination"
        }
        AfterAll { Remove-LabContainer $name }

        It 'leaves an interrupted record that Get-MigrationJournal -Unfinished shows' {
            $killedAt.Phases[-1].Phase | Should -Be 'Transfer'
            $arrived | Should -BeGreaterThan 32MB -Because 'the controller died in the middle of the stream'
            $arrived | Should -BeLessThan 256MB
            $record = Get-MigrationJournal -Unfinished -Container $name
            $record.Id | Should -Be $killedAt.Id
            $record.State | Should -Be 'Interrupted'
            $record.LastPhase | Should -Be 'Transfer'
            @(Get-LabContainerLocation $name).Count | Should -Be 0 -Because 'checkpointed and not yet restored: it runs nowhere'
            (Invoke-LabRunc 1 @('state', $name) | ConvertFrom-Json).status | Should -Be 'paused' -Because 'the source copy stays frozen, whole, for a rollback'
            Test-Path (Get-LabHostPath 1 "locks/$name") | Should -BeTrue -Because 'the dead controller held the lock'
        }

        It 'rolls it back: the frozen source copy thawed, same process, memory intact, nothing left' {
            $r = Invoke-Resume $killedAt.Id -Watched
            $r.Result.Action | Should -Be 'Thawed'
            $r.Result.Status | Should -Be 'RolledBack'
            $r.Result.RunningOn | Should -Be $hosts[0].Name
            $r.Verbose | Should -Contain "On $($hosts[0].Name): Paused; on $($hosts[1].Name): no such container; the journal's last phase: Transfer, not completed."
            $progress = @($r.Progress | Where-Object Activity -eq "Resuming migration $($killedAt.Id) of $name from $($hosts[0].Name) to $($hosts[1].Name)")
            $progress.StatusDescription | Should -Contain "On $($hosts[0].Name): Paused; on $($hosts[1].Name): no such container; the journal's last phase: Transfer, not completed."
            $progress[-1].RecordType | Should -Be 'Completed'
            @($progress | Where-Object RecordType -eq 'Completed').Count | Should -Be 1

            Assert-RolledBackToFirstHost $name $start
            Test-Path (Get-LabHostPath 1 "locks/$name") | Should -BeFalse -Because 'the resume releases the lock'
            (Get-MigrationJournal $killedAt.Id).Status | Should -Be 'RolledBack'
            Get-MigrationJournal -Unfinished -Container $name | Should -BeNullOrEmpty
        }
    }

    Context 'killed while the memory of a 256 MiB workload streams into the destination (-StreamMemory)' {
        BeforeAll {
            $name = 'jrnstream'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 256
            Wait-WorkloadTick 1 $name 0 | Out-Null
            # Killed once a good part of the memory (32 of about 256 MiB) is in the destination's page server, mid-dump.
            function Get-Arrived { [long](Get-ChildItem (Get-LabHostPath 2 'images') -Filter "$name-*" -ErrorAction Ignore | Get-ChildItem -File | Measure-Object Length -Sum).Sum }
            $killedAt = Stop-ControllerAt $name 'Checkpoint' { (Get-Arrived) -gt 32MB } -StreamMemory
            $arrived = Get-Arrived
            Write-Host "  killed with $([math]::Round($arrived / 1MB, 1)) MiB of memory on the destination"
        }
        AfterAll { Remove-LabContainer $name }

        It 'leaves the dump to finish without its controller, the source copy frozen and whole' {
            $killedAt.Phases[-1].Phase | Should -Be 'Checkpoint'
            $arrived | Should -BeGreaterThan 32MB -Because 'the controller died in the middle of the stream'
            (Get-MigrationJournal -Unfinished -Container $name).LastPhase | Should -Be 'Checkpoint'
            # CRIU is never interrupted: the dump goes on through the link (which outlives the controller), then leaves
            # the tasks frozen.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Invoke-LabRunc 1 @('state', $name) | ConvertFrom-Json).status -ne 'paused' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            (Invoke-LabRunc 1 @('state', $name) | ConvertFrom-Json).status | Should -Be 'paused'
            @(Get-LabContainerLocation $name).Count | Should -Be 0 -Because 'checkpointed and not yet restored: it runs nowhere'
        }

        It 'rolls it back: thawed on the source, memory intact, no page server, guard or link left on either host' {
            $r = Invoke-Resume $killedAt.Id -Watched
            $r.Result.Action | Should -Be 'Thawed'
            $r.Result.Status | Should -Be 'RolledBack'
            $r.Result.RunningOn | Should -Be $hosts[0].Name

            Assert-RolledBackToFirstHost $name $start
            @(Get-LabProcess "criu page-server .*/$name-").Count | Should -Be 0
            @(Get-LabProcess "page-guard.* (listen|connect) ").Count | Should -Be 0 -Because 'the memory''s bridges ended with the link'
            foreach ($i in 1, 2) {
                @(foreach ($chain in 'OUTPUT', 'INPUT') { Invoke-InLabHost $i @('iptables', '-w', '-S', $chain) | Where-Object { $_ -match "livemigrate-pages-$($killedAt.Id) " } }) |
                    Should -BeNullOrEmpty -Because "no page port stays guarded on lab host $i"
            }
            @(Get-ChildItem (Get-LabHostPath 2 'images') -Filter "$name-*" -ErrorAction Ignore).Count | Should -Be 0 -Because 'the pages the page server wrote are removed'
            Get-MigrationJournal -Unfinished -Container $name | Should -BeNullOrEmpty
        }
    }

    Context 'killed past the transfer of a bundle both hosts share (-BundleSync None)' {
        BeforeAll {
            $name = 'jrnshared'
            Remove-LabContainer $name
            $bundle = "/var/lib/livemigrate/containers/$name"
            $shared = Get-LabHostPath 1 "containers/$name"
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 16
            Wait-WorkloadTick 1 $name 0 | Out-Null
            # Shared storage: lab host 2 sees lab host 1's bundle folder at the same path.
            Invoke-InLabHost 2 @('mkdir', '-p', $bundle)
            Invoke-InLabHost 2 @('mount', '--bind', $shared, $bundle)
            $transferred = { param($r) @($r.Phases | Where-Object { $_.Phase -eq 'Transfer' -and $_.CompletedUtc }).Count -gt 0 }
            $killedAt = Stop-ControllerAt $name 'Transfer' $transferred -BundleSync None -HoldBeforeRestore
        }
        AfterAll {
            Invoke-InLabHost 2 @('umount', $bundle)
            Remove-LabContainer $name
        }

        It 'rolls it back and keeps the shared bundle: the same process runs on the source, its files all there' {
            $killedAt.BundleSync | Should -Be 'None'
            @($killedAt.Phases | Where-Object Phase -eq 'Restore').Count | Should -Be 0 -Because 'killed after the transfer, before the restore'
            (Invoke-LabRunc 1 @('state', $name) | ConvertFrom-Json).status | Should -Be 'paused'

            $r = Invoke-Resume $killedAt.Id
            $r.Result.Action | Should -Be 'Thawed'
            $r.Result.Status | Should -Be 'RolledBack'
            Test-Path (Join-Path $shared 'config.json') | Should -BeTrue -Because 'a shared bundle is never removed'
            $r.Verbose | Should -Contain "Kept the bundle $bundle on $($hosts[1].Name): it is on shared storage (-BundleSync None)."
            @(Get-LabContainerLocation $name) | Should -Be @(1)
            $now = Wait-WorkloadTick 1 $name 0
            $after = Wait-WorkloadTick 1 $name ($now.counter + 20)
            $after.errors | Should -Be 0
            $after.start_unix_ms | Should -Be $start.start_unix_ms
            foreach ($i in 1, 2) {
                @(Get-ChildItem (Get-LabHostPath $i 'images') -Filter "$name-*").Count | Should -Be 0
                Test-Path (Get-LabHostPath $i "locks/$name") | Should -BeFalse -Because "the resume releases the lock on lab host $i"
            }
            (Get-MigrationJournal $killedAt.Id).Status | Should -Be 'RolledBack'
        }
    }

    Context 'killed while the pages of a 256 MiB post-copy flow' {
        BeforeAll {
            $name = 'jrnpages'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 256
            Wait-WorkloadTick 1 $name 0 | Out-Null
            $killedAt = Stop-ControllerAt $name 'Pages' -Mode PostCopy
        }
        AfterAll { Remove-LabContainer $name }

        It 'rolls it back: the copy on the destination removed, the lazy dump ended, the source thawed with its memory whole' {
            $killedAt.Phases[-1].Phase | Should -Be 'Pages'
            $r = Invoke-Resume $killedAt.Id
            $r.Result.Action | Should -Be 'Thawed'
            $r.Result.Status | Should -Be 'RolledBack'
            $r.Result.RunningOn | Should -Be $hosts[0].Name

            Assert-RolledBackToFirstHost $name $start
            $final = Wait-WorkloadPasses 1 $name 1
            $final.passes | Should -BeGreaterOrEqual $final.target
            $final.errors | Should -Be 0
            Test-Path (Get-LabHostPath 1 "locks/$name") | Should -BeFalse
        }
    }

    Context 'a network service: killed in the transfer, then after the restore' {
        BeforeAll {
            $lab = Get-LabEnvironment
            function New-Service([string] $Name, [int] $Octet) {
                Remove-LabContainer $Name
                New-LabWorkload -HostIndex 1 -Name $Name -MiB 64 -ExtraArguments @('--net', "$($lab.LanPrefix).$Octet") | Out-Null
                Start-LabNetClient "$($lab.LanPrefix).$Octet" $Name
            }
        }
        AfterAll { 'jrnnetback', 'jrnnetfinish' | ForEach-Object { Remove-LabContainer $_ } }

        It 'goes back to the source: back on the LAN, every connection alive, nothing of the network on the destination' {
            $name = 'jrnnetback'
            $client = New-Service $name 74
            try {
                $before = Read-LabNetClient $client.State
                $killedAt = Stop-ControllerAt $name 'Transfer' -HoldBeforeRestore
                $killedAt.NetworkNamespace | Should -Be "/run/netns/$name" -Because 'the journal keeps the network it rebuilds'
                $r = Invoke-Resume $killedAt.Id
                $r.Result.Status | Should -Be 'RolledBack'
                $r.Verbose | Should -Contain "Putting $name on $($hosts[0].Name) back on the LAN ($($lab.LanPrefix).74/24)."
                @(Get-LabContainerLocation $name) | Should -Be @(1)
                $after = Wait-LabNetClientProgress $client $before
                $after.totals.resets + $after.totals.lost + $after.totals.doubled + $after.totals.corrupt | Should -Be 0
                Invoke-InLabHost 2 @('sh', '-c', "! ip link show v-$name 2>/dev/null && ! [ -e /run/netns/$name ]")
            }
            finally { Stop-LabNetClient $client | Out-Null }
        }

        It 'finishes on the destination: announced there, the source''s namespace removed, every connection alive' {
            $name = 'jrnnetfinish'
            $client = New-Service $name 75
            try {
                $before = Read-LabNetClient $client.State
                $killedAt = Stop-ControllerAt $name 'Verify'
                $r = Invoke-Resume $killedAt.Id
                $r.Result.Action | Should -Be 'Finished'
                @(Get-LabContainerLocation $name) | Should -Be @(2)
                $after = Wait-LabNetClientProgress $client $before
                $after.totals.resets + $after.totals.lost + $after.totals.doubled + $after.totals.corrupt | Should -Be 0
                Invoke-InLabHost 1 @('sh', '-c', "! ip link show v-$name 2>/dev/null && ! [ -e /run/netns/$name ]")
            }
            finally { Stop-LabNetClient $client | Out-Null }
        }
    }

    Context 'killed after the restore on the destination' {
        BeforeAll {
            $name = 'jrnverify'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 64
            Wait-WorkloadTick 1 $name 0 | Out-Null
            $killedAt = Stop-ControllerAt $name 'Verify'
        }
        AfterAll { Remove-LabContainer $name }

        It 'finishes it: running once on the destination, same process, the source cleaned up' {
            $killedAt.Phases.Phase | Should -Contain 'Verify'
            $killedAt.Status | Should -BeNullOrEmpty
            $r = Invoke-Resume $killedAt.Id
            $r.Result.Action | Should -Be 'Finished'
            $r.Result.Status | Should -Be 'Succeeded'
            $r.Result.RunningOn | Should -Be $hosts[1].Name

            @(Get-LabContainerLocation $name) | Should -Be @(2)
            $now = Wait-WorkloadTick 2 $name 0
            $after = Wait-WorkloadTick 2 $name ($now.counter + 20)
            $after.errors | Should -Be 0
            $after.start_unix_ms | Should -Be $start.start_unix_ms
            Test-Path (Get-LabHostPath 1 "containers/$name") | Should -BeFalse -Because 'the source bundle goes, as after a success'
            @(Get-ChildItem (Get-LabHostPath 1 'images') -Filter "$name-*").Count | Should -Be 0
            @(Get-ChildItem (Get-LabHostPath 2 'images') -Filter "$name-*").Count | Should -Be 0
            Test-Path (Get-LabHostPath 1 "locks/$name") | Should -BeFalse
            Invoke-LabRunc 1 @('state', $name) 2>$null | Out-Null
            $LASTEXITCODE | Should -Not -Be 0 -Because 'runc on the source must not know it any more'
            (Get-MigrationJournal $killedAt.Id).Status | Should -Be 'Succeeded'
        }
    }
}
