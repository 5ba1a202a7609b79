# Post-copy never runs a container on memory it did not receive: the page stream breaks while a 256 MiB workload that
# rereads its memory runs on the destination, and its log there is watched live (the copy's log goes with the copy).
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'The page guard of post-copy' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $savedJournal = $env:LIVEMIGRATE_JOURNAL
        $env:LIVEMIGRATE_JOURNAL = Join-Path $TestDrive 'journal'
        $hosts = 1..2 | ForEach-Object { Connect-LabHost $_ }
        $lab = Get-LabEnvironment
        $sourceNet = & readlink "/proc/$(Get-Content (Join-Path $lab.Root 'hosts/lm1/sshd.pid'))/ns/net"

        # Copies FILE, from its first line and across its removal, into a file of the test's own.
        function Start-LogWatch([string] $File, [string] $Copy) {
            # Unbuffered: the watcher is killed at the end, and what it read must be in the copy by then.
            # Polled every 20 ms: the file appears with the transfer and may go within a second of the break.
            Start-Process stdbuf -PassThru -ArgumentList @('-o0', 'tail', '-F', '-n', '+1', '-s', '0.02', '---disable-inotify', $File) -RedirectStandardOutput $Copy -RedirectStandardError "$Copy.err"
        }

        # The destination's images folder of this move, once the transfer has made it.
        function Wait-DestinationImages([string] $Name) {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline) {
                $dir = Get-ChildItem (Get-LabHostPath 2 'images') -Directory -Filter "$Name-*" -ErrorAction Ignore | Select-Object -First 1
                if ($dir) { return $dir.FullName }
                Start-Sleep -Milliseconds 5
            }
            throw "No images of $Name reached lab host 2."
        }

        # The processes of the page stream that a test breaks, by what they run. The guard's command line holds its
        # daemon's after " -- "; its front is the daemon's parent, its keeper the other one.
        function Get-BreakTarget([string] $Name, [string] $What, [switch] $AllowNone) {
            $pattern = switch -Regex ($What) {
                'daemon' { "criu lazy-pages .*/$Name-" }
                'tunnel' { "livemigrate/links/.* -M " }
                'guard|front|keeper' { "^[^ ]*/page-guard-[0-9a-f]+ .*/$Name-" }
            }
            $found = @(& pgrep -f -- $pattern) | Where-Object {
                $line = (Get-Content -Raw "/proc/$_/cmdline" -ErrorAction Ignore) -replace "`0", ' '
                $line -and (($What -in 'guard', 'front', 'keeper') -eq ($line -match ' -- '))
            }
            # The direct link's master connection runs in the source's network namespace: other labs may run beside this one.
            if ($What -eq 'tunnel') { $found = $found | Where-Object { (& readlink "/proc/$_/ns/net") -eq $sourceNet } }
            if (-not $found -and $AllowNone) { return }
            if (-not $found) { throw "No $What of $Name is running." }
            if ($What -notin 'front', 'keeper') { return $found }
            $daemon = Get-BreakTarget $Name 'daemon' | Select-Object -First 1
            $front = ((Get-Content -Raw "/proc/$daemon/stat") -replace '^.*\) ', '' -split ' ')[1]
            if ($What -eq 'front') { $found | Where-Object { $_ -eq $front } } else { $found | Where-Object { $_ -ne $front } }
        }

        # Watches the destination's workload log and the guard's log while a move from lab host 1 to 2 is in its Pages
        # phase, then SIGKILLs the processes $Break names (given the move); returns when the move (or its controller) has ended, with what was seen.
        function Invoke-BrokenPages([string] $Name, [scriptblock] $StartMove, [scriptblock] $Break) {
            $watch = Join-Path $TestDrive "$Name.workload.log"
            $guardCopy = Join-Path $TestDrive "$Name.guard.log"
            $watcher = Start-LogWatch (Get-LabHostPath 2 "containers/$Name/rootfs/var/log/workload.log") $watch
            try {
                $move = & $StartMove
                $images = Wait-DestinationImages $Name
                $guardWatcher = Start-LogWatch "$images/page-guard.log" $guardCopy
                Start-Sleep -Milliseconds 200  # the copy runs there, most of its memory still on the source
                $running = @(Get-LabContainerLocation $Name)
                $targets = @(& $Break $move)
                $targets | Should -Not -BeNullOrEmpty
                $brokeAt = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
                & kill -KILL @targets
                [pscustomobject]@{ Move = $move; BrokeAt = $brokeAt; RunningBefore = $running; Images = $images; Watch = $watch; GuardLog = $guardCopy; Watchers = @($watcher, $guardWatcher) }
            }
            catch {
                Stop-Process $watcher -ErrorAction Ignore
                throw
            }
        }

        function Stop-Watch($Seen) {
            Start-Sleep -Milliseconds 300  # tail's last read
            $Seen.Watchers | Where-Object { $_ } | Stop-Process -ErrorAction Ignore
        }

        # The guard's own account, in milliseconds from the break: when it saw its daemon (or front) go, when the copy was frozen.
        function Get-GuardTimes($Seen) {
            $lines = @(Get-Content $Seen.GuardLog -ErrorAction Ignore)
            $lost = $lines | Where-Object { $_ -match 'before every page arrived' } | Select-Object -First 1
            $froze = $lines | Where-Object { $_ -match ' froze ' } | Select-Object -First 1
            [pscustomobject]@{
                Lost = if ($lost) { [long]($lost -split ' ')[0] - $Seen.BrokeAt } else { $null }
                Frozen = if ($froze) { [long]($froze -split ' ')[0] - $Seen.BrokeAt } else { $null }
                Lines = $lines
            }
        }

        function Assert-NoCorruptRead($Seen) {
            $log = @(Get-Content $Seen.Watch)
            $log | Should -Not -BeNullOrEmpty -Because "the destination copy's log was watched ($(Get-Content -Raw "$($Seen.Watch).err"))"
            $log | Where-Object { $_ -match 'CORRUPTION' } | Should -BeNullOrEmpty -Because 'no thread may read a page that did not arrive'
        }

        function Write-Numbers([string] $Case, $Times) {
            Write-Host "  $Case`: the guard saw the page stream end $($Times.Lost) ms and froze the copy $($Times.Frozen) ms after the break"
        }

        # A controller of its own (a process the test can SIGKILL), moving lab host 1 -> 2 in post-copy.
        $mover = Join-Path $TestDrive 'move.ps1'
        Set-Content $mover @'
param($Module, $Lab, $Name)
Import-Module $Module; Import-Module $Lab
Move-Container -Name $Name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2) -Mode PostCopy -SkipReadiness -Confirm:$false
'@
        function Start-Controller([string] $Name) {
            $self = (Get-Process -Id $PID).Path
            [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
            $labModule = (Resolve-Path (Join-Path $PSScriptRoot '../lab/Lab.psm1')).Path
            $out = Join-Path $TestDrive "$Name.controller"
            $controller = Start-Process -FilePath $self -PassThru -RedirectStandardOutput $out -RedirectStandardError "$out.err" `
                -ArgumentList ($prefix + @('-NoProfile', '-NonInteractive', '-File', $mover, $env:LIVEMIGRATE_MODULE, $labModule, $Name))
            # Returns once its journal says the pages flow (the copy runs on the destination).
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while (-not $controller.HasExited -and [DateTime]::UtcNow -lt $deadline -and
                -not (Get-MigrationJournal -Unfinished -Container $Name -ErrorAction Ignore | Where-Object LastPhase -eq 'Pages')) { Start-Sleep -Milliseconds 5 }
            if ($controller.HasExited) { throw "The controller ended before the Pages phase: $(Get-Content -Raw "$out.err")" }
            $controller
        }
    }
    AfterAll { $env:LIVEMIGRATE_JOURNAL = $savedJournal }

    Context 'the page stream breaks while the controller runs: <What> killed' -ForEach @(
        @{ What = 'daemon'; Name = 'pgdaemon' }
        @{ What = 'tunnel'; Name = 'pgtunnel' }
        # The guard protects itself: a keeper killed is started again by the front; a front killed leaves the keeper,
        # which freezes the copy at once.
        @{ What = 'keeper, then daemon'; Name = 'pgkeeper' }
        @{ What = 'front'; Name = 'pgfront' }
    ) {
        BeforeAll {
            Remove-LabContainer $Name
            $start = New-LabWorkload -HostIndex 1 -Name $Name -MiB 256
            Wait-WorkloadTick 1 $Name 0 | Out-Null
        }
        AfterAll { Remove-LabContainer $Name }

        It 'freezes the copy before any thread reads a missing page, and the move rolls back to the source, memory whole' {
            $seen = Invoke-BrokenPages $Name { Start-LabMove $Name 'PostCopy' 'Pages' } {
                if ($What -ne 'keeper, then daemon') { return Get-BreakTarget $Name $What }
                $keeper = @(Get-BreakTarget $Name 'keeper')
                $keeper.Count | Should -Be 1
                & kill -KILL $keeper
                Start-Sleep -Milliseconds 300
                @(Get-BreakTarget $Name 'keeper') | Should -Not -Be $keeper -Because 'the front starts another keeper'
                Get-BreakTarget $Name 'daemon'
            }
            $errors = (Complete-LabMove $seen.Move).Errors
            Stop-Watch $seen
            $times = Get-GuardTimes $seen
            Write-Numbers $What $times

            $seen.RunningBefore | Should -Be @(2) -Because 'the copy ran on the destination when the stream broke'
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
            $errors[0].Exception.Message | Should -BeLike '*Pages*'
            Assert-NoCorruptRead $seen
            $times.Frozen | Should -Not -BeNullOrEmpty -Because "the guard froze the copy ($($times.Lines -join ' | '))"
            Assert-RolledBackToFirstHost $Name $start
            $final = Wait-WorkloadPasses 1 $Name 2
            $final.passes | Should -BeGreaterOrEqual $final.target
            $final.errors | Should -Be 0
            @(Get-BreakTarget $Name 'guard' -AllowNone).Count | Should -Be 0 -Because 'the guard ends once the copy is gone'
        }
    }

    Context 'the page stream breaks and the controller is SIGKILLed with it: <What> killed, then Resume-Migration' -ForEach @(
        @{ What = 'daemon'; Name = 'pgctldaemon' }
        @{ What = 'tunnel'; Name = 'pgctltunnel' }
    ) {
        BeforeAll {
            Remove-LabContainer $Name
            $start = New-LabWorkload -HostIndex 1 -Name $Name -MiB 256
            Wait-WorkloadTick 1 $Name 0 | Out-Null
        }
        AfterAll {
            # A failed test leaves the source frozen under a live lazy dump, which only a resume ends.
            Get-MigrationJournal -Unfinished -Container $Name | Resume-Migration -Confirm:$false -ErrorAction Continue
            Remove-LabContainer $Name
        }

        It 'keeps the copy frozen, unread, until Resume-Migration rolls back to the source' {
            $seen = Invoke-BrokenPages $Name { Start-Controller $Name } { param($controller) Get-BreakTarget $Name $What; $controller.Id }
            $seen.Move.WaitForExit()
            # Nobody is left to decide: the copy must stay frozen and unread however long that lasts.
            Start-Sleep -Seconds 5
            $state = (Invoke-LabRunc 2 @('state', $Name) | ConvertFrom-Json).status
            $state | Should -Be 'paused' -Because "the guard froze the copy on the destination by itself ($(@(Get-Content $seen.GuardLog) -join ' | '))"
            @(Get-LabContainerLocation $Name).Count | Should -Be 0 -Because 'the source copy stays frozen too'
            $record = Get-MigrationJournal -Unfinished -Container $Name
            $record.LastPhase | Should -Be 'Pages'

            $r = Resume-Migration -Id $record.Id -Confirm:$false
            Stop-Watch $seen
            $times = Get-GuardTimes $seen
            Write-Numbers "$What and the controller" $times

            $seen.RunningBefore | Should -Be @(2)
            $r.Action | Should -Be 'Thawed'
            $r.Status | Should -Be 'RolledBack'
            $r.RunningOn | Should -Be $hosts[0].Name
            Assert-NoCorruptRead $seen
            $times.Frozen | Should -Not -BeNullOrEmpty -Because "the guard froze the copy ($($times.Lines -join ' | '))"
            Assert-RolledBackToFirstHost $Name $start
            $final = Wait-WorkloadPasses 1 $Name 2
            $final.passes | Should -BeGreaterOrEqual $final.target
            $final.errors | Should -Be 0
            @(Get-BreakTarget $Name 'guard' -AllowNone).Count | Should -Be 0 -Because 'the guard ends once the copy is gone'
        }
    }

    Context 'the controller alone is SIGKILLed while the pages flow over the direct link' {
        BeforeAll {
            $Name = 'pgctlonly'
            Remove-LabContainer $Name
            $start = New-LabWorkload -HostIndex 1 -Name $Name -MiB 256
            Wait-WorkloadTick 1 $Name 0 | Out-Null
        }
        AfterAll {
            Get-MigrationJournal -Unfinished -Container $Name | Resume-Migration -Confirm:$false -ErrorAction Continue
            Remove-LabContainer $Name
        }

        It 'lets every page arrive, and Resume-Migration finishes the move on the destination since the guard says so' {
            $seen = Invoke-BrokenPages $Name { Start-Controller $Name } { param($controller) $controller.Id }
            $seen.Move.WaitForExit()
            $stateFile = Join-Path $seen.Images 'page-guard.state'
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline -and -not ((Test-Path $stateFile) -and (Get-Content -Raw $stateFile).Trim() -eq 'done')) { Start-Sleep -Milliseconds 50 }
            (Get-Content -Raw $stateFile).Trim() | Should -Be 'done' -Because 'the link that carries the pages outlives the controller'

            $r = Resume-Migration -Id (Get-MigrationJournal -Unfinished -Container $Name).Id -Confirm:$false
            Stop-Watch $seen

            $r.Action | Should -Be 'Finished'
            $r.Status | Should -Be 'Succeeded'
            @(Get-LabContainerLocation $Name) | Should -Be @(2)
            $after = Wait-WorkloadPasses 2 $Name 1
            $after.errors | Should -Be 0
            $after.start_unix_ms | Should -Be $start.start_unix_ms -Because 'the same process goes on there'
            Assert-NoCorruptRead $seen
        }
    }
}
