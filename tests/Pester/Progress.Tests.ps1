# Write-Progress of the cmdlets that work on hosts, as a console shows it: one activity, a status per step, a percent
# where it is known, and a Completed record at the end, whether the work succeeded or failed (else the bar stays).
# Resume-Migration's is in Journal.Tests.ps1, beside the interrupted migrations it resumes.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Progress of the cmdlets that work on hosts' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $name = 'progress1'
        $checkpoint = 'progress1-cp'
        $hostNames = 1..2 | ForEach-Object { Get-LabHostName $_ }
        function Remove-ProgressLeftovers {
            $name, "$name-b" | ForEach-Object { Remove-LabContainer $_ }
            1..2 | ForEach-Object { Remove-Item -Recurse -Force (Get-LabHostPath $_ "checkpoints/$checkpoint") -ErrorAction Ignore }
        }
        Remove-ProgressLeftovers
        New-LabWorkload -HostIndex 1 -Name $name -MiB 8 | Out-Null

        # The records of one activity, which must end with its only Completed record; returns the ones before it.
        function Get-Steps($Records, [string] $Activity) {
            $mine = @($Records | Where-Object Activity -eq $Activity)
            $mine.Count | Should -BeGreaterThan 1 -Because "'$Activity' needs a step and its end; seen: $(($Records | ForEach-Object { "$($_.Activity): $($_.StatusDescription)" }) -join '; ')"
            @($mine.ActivityId | Select-Object -Unique).Count | Should -Be 1
            $mine[-1].RecordType | Should -Be 'Completed'
            $mine[-1].PercentComplete | Should -Be 100
            @($mine | Where-Object RecordType -eq 'Completed').Count | Should -Be 1
            $mine[0..($mine.Count - 2)]
        }
    }
    AfterAll { Remove-ProgressLeftovers }

    It 'Save-ContainerCheckpoint: the checkpoint as its step, then Completed' {
        $run = Invoke-LabWatched { param($name, $checkpoint) Save-ContainerCheckpoint $name -MigrationHost (Connect-LabHost 1) -CheckpointName $checkpoint -Confirm:$false } $name, $checkpoint
        $run.Errors | Should -BeNullOrEmpty
        $run.Output.Name | Should -Be $checkpoint
        $steps = Get-Steps $run.Progress "Saving a checkpoint of $name on $($hostNames[0])"
        $steps.StatusDescription | Should -Be "Checkpointing as $checkpoint, the container paused meanwhile"
        $steps.PercentComplete | Should -Be 0
    }

    It 'Restore-Container on another host: reading, copying, restoring, each with its percent, then Completed' {
        $run = Invoke-LabWatched {
            param($checkpoint, $newName)
            Restore-Container $checkpoint -MigrationHost (Connect-LabHost 1) -Destination (Connect-LabHost 2) -NewName $newName -Confirm:$false
        } $checkpoint, "$name-b"
        $run.Errors | Should -BeNullOrEmpty
        $run.Output.Name | Should -Be "$name-b"
        $steps = Get-Steps $run.Progress "Restoring checkpoint $checkpoint of $($hostNames[0]) as $name-b on $($hostNames[1])"
        $steps.Count | Should -Be 3
        $steps[1].StatusDescription | Should -BeLike "Copying * MiB to $($hostNames[1])"
        @($steps[0].StatusDescription, $steps[2].StatusDescription) | Should -Be @('Reading the checkpoint', "Restoring as $name-b")
        $steps.PercentComplete | Should -Be @(0, 25, 75)
        @(Get-LabContainerLocation "$name-b") | Should -Be @(2)
    }

    It 'Invoke-ContainerPredump: the round with its percent of the most rounds, and Completed also when it is refused' {
        $run = Invoke-LabWatched {
            param($name)
            Invoke-ContainerPredump $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2) -MaxRounds 4 -Confirm:$false -ErrorAction Continue
        } $name
        $steps = Get-Steps $run.Progress "Pre-dumping $name from $($hostNames[0]) to $($hostNames[1])"
        $steps[0].StatusDescription | Should -Be 'Round 1 of at most 4'
        $steps[0].PercentComplete | Should -Be 0
        # These machines lack soft-dirty tracking (Migration.Tests.ps1): the first round is refused, the container runs on.
        if ($run.Errors) { $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NotSupported*' }
        else { $run.Output[0].Round | Should -Be 1 }
        @(Get-LabContainerLocation $name) | Should -Be @(1)
    }
}
