# Move-Container -Hook with real migrations between lab hosts: scriptblocks on the pipeline thread, host
# commands on either end, and what a failing hook does.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Move-Container -Hook' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $hosts = 1..2 | ForEach-Object { Connect-LabHost $_ }
        $name = 'hooked'
        Remove-LabContainer $name
        $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 8
        # Moves the container back to lab host 1 after a test that left it on 2.
        function Restore-ToFirstHost {
            if (@(Get-LabContainerLocation $name) -eq 2) { Move-Container -Name $name -Source $hosts[1] -Destination $hosts[0] | Out-Null }
        }
    }
    AfterAll { Remove-LabContainer $name }
    AfterEach { Restore-ToFirstHost }

    It 'runs each step''s hook in order on the pipeline thread, with the migration''s context' {
        $calls = [System.Collections.Generic.List[object]]::new()
        $record = { $calls.Add([pscustomobject]@{ Hook = "$($_.Hook)"; Thread = [Threading.Thread]::CurrentThread.ManagedThreadId; Context = $_ }) }
        $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -Hook @{
            PreCheckpoint = $record; PostCheckpoint = $record; PreRestore = $record; PostRestore = $record; OnFailure = $record; OnRollback = $record
        }
        $result.Status | Should -Be 'Succeeded'
        $calls.Hook | Should -Be @('PreCheckpoint', 'PostCheckpoint', 'PreRestore', 'PostRestore')
        $calls.Thread | Sort-Object -Unique | Should -Be ([Threading.Thread]::CurrentThread.ManagedThreadId)
        $post = $calls[3].Context
        $post.Container | Should -Be $name
        $post.Source | Should -Be $hosts[0].Name
        $post.Destination | Should -Be $hosts[1].Name
        $post.MigrationId | Should -Be $result.MigrationId
        $post.Timings.Keys | Should -Contain ([LiveMigrate.Migration.MigrationPhase]::Checkpoint)
        $result.HookFailures | Should -BeNullOrEmpty
    }

    It 'aborts before anything is frozen when a pre-hook throws, and tells OnFailure why' {
        $failure = $null
        $err = $null
        $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -ErrorVariable err -ErrorAction SilentlyContinue -Hook @{
            PreCheckpoint = { throw 'the load balancer refused to drain' }
            OnFailure     = { $script:failure = $_.Error }
        }
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationAborted*'
        $err[0].Exception.Message | Should -BeLike '*PreCheckpoint hook failed: the load balancer refused to drain*'
        $script:failure | Should -BeLike '*the load balancer refused to drain*'
        @(Get-LabContainerLocation $name) | Should -Be @(1)
        $now = Wait-WorkloadTick 1 $name 0
        $now.start_unix_ms | Should -Be $start.start_unix_ms
        $now.maxgap_ms | Should -BeLessThan 1000 -Because 'nothing was frozen'
    }

    It 'gives a SecureString argument to the host command and keeps it out of verbose output, the error and the journal' {
        $token = ConvertTo-SecureString 's3cr3t-hook-t0ken' -AsPlainText -Force
        $err = $null
        # The command echoes its argument on failure, as many programs do.
        $verbose = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -Verbose -ErrorVariable err -ErrorAction SilentlyContinue -Hook @{
            PreCheckpoint = @{ On = 'Source'; Run = @('sh', '-c', 'echo "refused $1" >&2; exit 3', 'drain', $token) }
        } 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationAborted*'
        $err[0].Exception.Message | Should -BeLike "*'drain '[*][*][*]'' on * exited with code 3: refused [*][*][*]"
        $verbose | Where-Object { $_ -like "*PreCheckpoint hook on*: drain '[*][*][*]'" } | Should -Not -BeNullOrEmpty
        $record = Get-MigrationJournal -Id $err[0].TargetObject.MigrationId
        $record.Error | Should -BeLike '*refused [*][*][*]*'
        $journal = Get-ChildItem $env:LIVEMIGRATE_JOURNAL -Recurse -File | Get-Content -Raw
        ($verbose + $err[0].Exception.Message + $journal + ($record | ConvertTo-Json -Depth 5)) -join ' ' | Should -Not -Match 's3cr3t-hook-t0ken'
        @(Get-LabContainerLocation $name) | Should -Be @(1)
    }

    It 'runs a host command on the destination, inside the restored container' {
        $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -Verbose 4>&1 -Hook @{
            PostRestore = @{ On = 'Destination'; Run = @('runc', 'exec', $name, '/bin/cat', '/var/log/workload.state') }
        }
        $moved = $result | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }
        $moved.Status | Should -Be 'Succeeded'
        ($result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
            Should -Match 'PostRestore hook: counter=\d+ .*errors=0'
    }

    It 'reports a failing post-hook in the result and keeps the move' {
        $result = Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -Hook @{ PostRestore = @{ On = 'Destination'; Run = @('false') } }
        $result.Status | Should -Be 'Succeeded'
        $result.HookFailures.Hook | Should -Be 'PostRestore'
        $result.HookFailures.Message | Should -BeLike "*'false'*exit*1*"
        @(Get-LabContainerLocation $name) | Should -Be @(2)
    }

    It 'rolls back on a failing post-hook with -RollbackOnHookFailure, running OnRollback' {
        $err = $null
        $script:rolledBack = $false
        Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -RollbackOnHookFailure -ErrorVariable err -ErrorAction SilentlyContinue -Hook @{
            PostRestore = @{ On = 'Destination'; Run = @('sh', '-c', 'echo unhealthy >&2; exit 3') }
            OnRollback  = { $script:rolledBack = $true }
        } | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'MigrationRolledBack*'
        $err[0].Exception.Message | Should -BeLike '*PostRestore hook failed*unhealthy*'
        $script:rolledBack | Should -BeTrue
        Assert-RolledBackToFirstHost $name $start
    }

    It 'refuses a hook it does not know, or a command given as one string, before doing anything' -ForEach @(
        @{ Hook = @{ PostRestroe = {} }; Message = "*unknown key 'PostRestroe'*PreCheckpoint, PostCheckpoint*" }
        @{ Hook = @{ PostRestore = @{ On = 'Destination'; Run = 'curl -f http://localhost/' } }; Message = '*Run as the program and its arguments*' }
        @{ Hook = @{ PostRestore = @{ On = 'Elsewhere'; Run = @('true') } }; Message = "*On = 'Source' or On = 'Destination'*" }
    ) {
        $err = $null
        Move-Container -Name $name -Source $hosts[0] -Destination $hosts[1] -Hook $Hook -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err[0].Exception.Message | Should -BeLike $Message
        @(Get-LabContainerLocation $name) | Should -Be @(1)
    }
}
