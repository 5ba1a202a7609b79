# Ctrl+C (StopProcessing) during a real migration: the container must end up running exactly once.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Stopping Move-Container' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $labModule = (Resolve-Path (Join-Path $PSScriptRoot '../lab/Lab.psm1')).Path

        # Move-Container lab host 1 -> 2 in its own runspace, as a console or a job runs it. The memory is dumped, then sent,
        # unless -Stream: whatever readiness would choose on this machine's CPUs, each case stops the phase it names.
        function New-MoveRunner([string] $Name, [string] $Mode = 'Stop', [bool] $Stream = $false) {
            $ps = [powershell]::Create()
            $null = $ps.AddScript({
                param($module, $lab, $name, $mode, $stream)
                Import-Module $module; Import-Module $lab
                Move-Container -Name $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2) -Mode $mode -StreamMemory:$stream
            }).AddArgument($env:LIVEMIGRATE_MODULE).AddArgument($labModule).AddArgument($Name).AddArgument($Mode).AddArgument($Stream)
            $ps
        }

        # Stops the move (what Ctrl+C does) once a progress record of the wanted phase appears;
        # returns the progress statuses seen.
        function Stop-MoveAt([string] $Name, [string] $PhasePattern, [string] $Mode = 'Stop', [bool] $Stream = $false) {
            $ps = New-MoveRunner $Name $Mode $Stream
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
                if ($ps.Streams.Progress | Where-Object { $_.StatusDescription -match $PhasePattern }) { break }
                Start-Sleep -Milliseconds 5
            }
            $ps.Stop()
            $ps.Streams.Error | ForEach-Object { Write-Host "Move-Container said: $_" }
            $stoppedWhile = @($ps.Streams.Progress | ForEach-Object StatusDescription)
            $ps.Dispose()
            $stoppedWhile
        }
    }

    It 'rolls back to the source when stopped during <Phase> (<Mode><StreamSaid>)' -ForEach @(
        # The readiness checks run first: stopped there, nothing was frozen and no canary is left.
        @{ Phase = 'Readiness'; Pattern = 'probes? done|step\(s\) done'; Mode = 'Stop'; NotSeen = 'Checkpoint' }
        @{ Phase = 'Checkpoint'; Pattern = '^Checkpoint$'; Mode = 'Stop'; NotSeen = 'Restore' }
        # The memory streaming into the destination's page server while CRIU dumps: the dump ends, then the rollback.
        @{ Phase = 'Checkpoint'; Pattern = '^Checkpoint'; Mode = 'Stop'; NotSeen = 'Restore'; Stream = $true; StreamSaid = ', -StreamMemory' }
        @{ Phase = 'Transfer'; Pattern = '^Transfer: '; Mode = 'Stop'; NotSeen = 'Restore' }
        # CRIU is never interrupted: the restore ends, and the stop rolls it back before Verify.
        @{ Phase = 'Restore'; Pattern = '^Restore$'; Mode = 'Stop'; NotSeen = 'Verify' }
        # Post-copy: a lazy dump that waits for its client, then serves it; each stop ends it and thaws the source.
        @{ Phase = 'Checkpoint'; Pattern = '^Checkpoint$'; Mode = 'PostCopy'; NotSeen = 'Restore' }
        @{ Phase = 'Transfer'; Pattern = '^Transfer'; Mode = 'PostCopy'; NotSeen = 'Pages' }
        @{ Phase = 'Restore'; Pattern = '^Restore$'; Mode = 'PostCopy'; NotSeen = 'Verify' }
        @{ Phase = 'Pages'; Pattern = '^Pages$'; Mode = 'PostCopy'; NotSeen = 'Verify' }
    ) {
        $name = "stop$($Phase.ToLower())$($Mode.ToLower())$(if ($Stream) { 'stream' })"
        Remove-LabContainer $name
        try {
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 256
            $seen = Stop-MoveAt $name $Pattern $Mode ([bool]$Stream)
            @($seen -match $Pattern).Count | Should -BeGreaterThan 0 -Because 'the stop must land in that phase'
            $seen | Should -Not -Contain $NotSeen -Because 'the stop takes effect before that phase'
            (Invoke-LabRunc 2 @('list', '-q')) -join ' ' | Should -Not -BeLike '*livemigrate-canary*'

            Assert-RolledBackToFirstHost $name $start
        } finally { Remove-LabContainer $name }
    }

    It 'writes progress for every phase of a migration' {
        $name = 'progress1'
        Remove-LabContainer $name
        try {
            New-LabWorkload -HostIndex 1 -Name $name -MiB 8 | Out-Null
            $ps = New-MoveRunner $name
            $result = $ps.Invoke()
            # The migration's own activity; the readiness checks before it have theirs.
            $phases = @($ps.Streams.Progress | Where-Object Activity -like 'Moving *' | ForEach-Object StatusDescription | Where-Object { $_ -notmatch '^Transfer: ' } | Select-Object -Unique)
            $ps.Dispose()
            $result[0].Status.ToString() | Should -Be 'Succeeded'
            $phases | Should -Be @('Prepare', 'Checkpoint', 'Transfer', 'Restore', 'Verify', 'Cleanup', 'Done')
        } finally { Remove-LabContainer $name }
    }
}
