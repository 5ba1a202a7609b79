# Invoke-MigrationPlan with real migrations between the lab's hosts: a drain under a throttle, a wave rolled
# back, script hooks on the pipeline thread, -WhatIf, and a plan refused before anything moves.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Invoke-MigrationPlan' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $lab = Get-LabEnvironment
        # A plan file over the lab's three hosts with the given waves (YAML text).
        function New-LabPlan([string] $Waves, [string] $Defaults = '') {
            $hostLines = 1..3 | ForEach-Object {
                "  lm${_}: { address: '$(Get-LabHostName $_)', linkAddress: '$($lab.LanAddresses[$_ - 1])', keyPath: '$($lab.KeyFilePath)', knownHostsPath: '$($lab.KnownHostsPath)' }"
            }
            $path = Join-Path $TestDrive "plan-$([guid]::NewGuid().ToString('N')).yaml"
            Set-Content $path ("version: 1`nhosts:`n" + ($hostLines -join "`n") + "`n" + $Defaults + "`nwaves:`n" + $Waves)
            $path
        }
        # Each workload's state before the plan, to prove it kept counting with its memory intact after.
        function Assert-MovedIntact([string] $Name, [int] $To, $Before) {
            @(Get-LabContainerLocation $Name) | Should -Be @($To) -Because "$Name should run on lab host $To only"
            $after = Wait-WorkloadTick $To $Name $Before.counter
            $after.errors | Should -Be 0
            $after.start_unix_ms | Should -Be $Before.start_unix_ms
        }
    }

    Context 'draining lab host 1 of four containers to 2 and 3, two at a time' {
        BeforeAll {
            $names = 'drain1', 'drain2', 'drain3', 'drain4'
            $names | ForEach-Object { Remove-LabContainer $_ }
            $before = @{}
            foreach ($n in $names) { $before[$n] = New-LabWorkload -HostIndex 1 -Name $n -MiB 8 }
            $plan = New-LabPlan @'
  - name: drain-lm1
    throttle: 2
    failurePolicy: continue
    migrations:
      - { container: drain1, from: lm1, to: lm2 }
      - { container: drain2, from: lm1, to: lm3 }
      - { container: drain3, from: lm1, to: lm2 }
      - { container: drain4, from: lm1, to: lm3 }
'@
            $outcomes = @(Invoke-MigrationPlan $plan -Confirm:$false)
        }
        AfterAll { $names | ForEach-Object { Remove-LabContainer $_ } }

        It 'writes one succeeded outcome per migration, in plan order' {
            $outcomes.Name | Should -Be $names
            $outcomes.Status | Sort-Object -Unique | Should -Be 'Succeeded'
            $outcomes | ForEach-Object { $_.Result.Status | Should -Be 'Succeeded' }
        }

        It 'moves every container, each still counting with its memory intact' {
            Assert-MovedIntact 'drain1' 2 $before.drain1
            Assert-MovedIntact 'drain2' 3 $before.drain2
            Assert-MovedIntact 'drain3' 2 $before.drain3
            Assert-MovedIntact 'drain4' 3 $before.drain4
        }

        It 'never runs more than two migrations at once' {
            $spans = $outcomes | ForEach-Object { [pscustomobject]@{ Start = $_.Result.StartTime; End = $_.Result.StartTime + $_.Result.Duration } }
            foreach ($s in $spans) {
                @($spans | Where-Object { $_.Start -le $s.Start -and $_.End -gt $s.Start }).Count | Should -BeLessOrEqual 2
            }
        }
    }

    Context 'a wave whose second migration fails, under the rollback policy' {
        BeforeAll {
            'roll1', 'roll2' | ForEach-Object { Remove-LabContainer $_ }
            $first = New-LabWorkload -HostIndex 1 -Name 'roll1' -MiB 8
            # A bind mount that only lab host 1 has: the readiness checks fail roll2's move to 2.
            New-Item -ItemType Directory -Force (Get-LabHostPath 1 'only-on-lm1') | Out-Null
            Remove-Item -Recurse -Force (Get-LabHostPath 2 'only-on-lm1') -ErrorAction Ignore
            $second = New-LabWorkload -HostIndex 1 -Name 'roll2' -MiB 8 -ExtraArguments '--bind', '/var/lib/livemigrate/only-on-lm1:/data'
            $plan = New-LabPlan @'
  - name: both-or-none
    throttle: 1
    failurePolicy: rollback
    migrations:
      - { container: roll1, from: lm1, to: lm2 }
      - { container: roll2, from: lm1, to: lm2 }
  - name: never
    migrations:
      - { name: roll1-again, container: roll1, from: lm1, to: lm3 }
'@
            $err = $null
            $outcomes = @(Invoke-MigrationPlan $plan -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue)
        }
        AfterAll { 'roll1', 'roll2' | ForEach-Object { Remove-LabContainer $_ }; Remove-Item -Recurse -Force (Get-LabHostPath 1 'only-on-lm1') -ErrorAction Ignore }

        It 'moves the first back, fails the second before its freeze, and skips the next wave' {
            ($outcomes | ForEach-Object { "$($_.Wave)/$($_.Name)=$($_.Status)" }) | Should -Be @('both-or-none/roll1=RolledBack', 'both-or-none/roll2=Failed', 'never/roll1-again=Skipped')
            $outcomes[0].RollbackResult.Status | Should -Be 'Succeeded'
            $err.FullyQualifiedErrorId | Should -Contain 'ReadinessFailed,LiveMigrate.PowerShell.Cmdlets.InvokeMigrationPlanCommand'
        }

        It 'leaves both running on lab host 1, intact' {
            Assert-MovedIntact 'roll1' 1 $first
            Assert-MovedIntact 'roll2' 1 $second
        }
    }

    Context 'a plan that asks for pre-copy, as Move-Container -Mode PreCopy runs it' {
        # These lab hosts lack soft-dirty tracking: the plan must fail as Move-Container does (readiness, or the engine
        # before the freeze), not refuse the mode itself as plans once did.
        BeforeAll {
            Remove-LabContainer 'planpre'
            $start = New-LabWorkload -HostIndex 1 -Name 'planpre' -MiB 4
        }
        AfterAll { Remove-LabContainer 'planpre' }

        It 'fails it where Move-Container does, naming CONFIG_MEM_SOFT_DIRTY (<Case>)' -ForEach @(
            @{ Case = 'readiness'; Settings = 'mode: PreCopy'; Id = 'ReadinessFailed*' }
            @{ Case = 'engine, skipReadiness'; Settings = 'mode: PreCopy, skipReadiness: true'; Id = 'MigrationAborted*' }
        ) {
            $plan = New-LabPlan "  - name: w`n    migrations:`n      - { container: planpre, from: lm1, to: lm2, $Settings }"
            $err = $null
            $outcome = Invoke-MigrationPlan $plan -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $outcome.Status | Should -Be 'Failed'
            $err[0].FullyQualifiedErrorId | Should -BeLike $Id
            ($err[0].Exception.Message + ($err[0].Exception.Results | Out-String)) | Should -Match 'CONFIG_MEM_SOFT_DIRTY'
            @(Get-LabContainerLocation 'planpre') | Should -Be @(1)
            (Wait-WorkloadTick 1 'planpre' 0).start_unix_ms | Should -Be $start.start_unix_ms
        }
    }

    Context 'script hooks, -WhatIf and refusals' {
        BeforeAll {
            Remove-LabContainer 'planhook'
            $start = New-LabWorkload -HostIndex 1 -Name 'planhook' -MiB 4
        }
        AfterAll { Remove-LabContainer 'planhook' }

        It 'changes nothing with -WhatIf' {
            $plan = New-LabPlan "  - name: w`n    migrations:`n      - { container: planhook, from: lm1, to: lm2 }"
            Invoke-MigrationPlan $plan -WhatIf | Should -BeNullOrEmpty
            @(Get-LabContainerLocation 'planhook') | Should -Be @(1)
        }

        It 'runs a plan''s script hooks on the pipeline thread, with the context' {
            $log = Join-Path $TestDrive 'hook.log'
            Set-Content (Join-Path $TestDrive 'record.ps1') "param(`$context) Add-Content '$log' (`"{0} {1} {2}`" -f `$context.Hook, `$context.Container, [Threading.Thread]::CurrentThread.ManagedThreadId)"
            $plan = New-LabPlan "  - name: w`n    migrations:`n      - { container: planhook, from: lm1, to: lm2, hooks: { PreCheckpoint: { script: record.ps1 }, PostRestore: { script: record.ps1 } } }"
            $outcome = Invoke-MigrationPlan $plan -Confirm:$false
            $outcome.Status | Should -Be 'Succeeded'
            $thread = [Threading.Thread]::CurrentThread.ManagedThreadId
            Get-Content $log | Should -Be @("PreCheckpoint planhook $thread", "PostRestore planhook $thread")
            Move-Container planhook -Source (Connect-LabHost 2) -Destination (Connect-LabHost 1) | Out-Null
        }

        It 'reads a hook''s { secret: NAME } argument with Get-Secret, passes it on, and shows it as ***' {
            function global:Get-Secret([string] $Name, [string] $Vault) { if ($Name -eq 'lb-token') { ConvertTo-SecureString 's3cr3t-plan-t0ken' -AsPlainText -Force } else { throw "no secret $Name" } }
            try {
                $seen = Get-LabHostPath 1 'plan-secret-seen'
                $plan = New-LabPlan ("  - name: w`n    migrations:`n      - { container: planhook, from: lm1, to: lm2, hooks: { PreCheckpoint: " +
                    "{ on: source, run: [sh, -c, 'echo `"`$1`" > `"`$2`"; echo `"refused `$1`" >&2; exit 3', check, { secret: lb-token }, /var/lib/livemigrate/plan-secret-seen] } } }")
                $err = $null
                $all = Invoke-MigrationPlan $plan -Confirm:$false -Verbose -ErrorVariable err -ErrorAction SilentlyContinue 4>&1
                Get-Content $seen | Should -Be 's3cr3t-plan-t0ken' -Because 'the program gets the secret itself'
                $outcome = $all | Where-Object { $_ -is [LiveMigrate.Plans.Execution.PlannedMigrationOutcome] }
                $outcome.Status | Should -Be 'Failed'
                $outcome.Error.Message | Should -BeLike "*'check '[*][*][*]' /var/lib/livemigrate/plan-secret-seen' on * exited with code 3: refused [*][*][*]"
                $shown = @($all | ForEach-Object { "$_" }) + "$($outcome.Error)" + @($err | ForEach-Object { $_.Exception.Message }) + (Get-ChildItem $env:LIVEMIGRATE_JOURNAL -Recurse -File | Get-Content -Raw)
                $shown -join ' ' | Should -Not -Match 's3cr3t-plan-t0ken'
                @(Get-LabContainerLocation 'planhook') | Should -Be @(1)
            }
            finally { Remove-Item function:global:Get-Secret; Remove-Item $seen -ErrorAction Ignore }
        }

        It 'reads keyPath and knownHostsPath relative to PowerShell''s location, as -KeyFilePath is read' {
            $keys = New-Item -ItemType Directory (Join-Path $TestDrive 'plan-keys') -Force
            Copy-Item $lab.KeyFilePath (Join-Path $keys 'id'); Copy-Item $lab.KnownHostsPath (Join-Path $keys 'known_hosts')
            $path = Join-Path $TestDrive 'relative-keys.yaml'
            Set-Content $path ("version: 1`nhosts:`n" + ((1..2 | ForEach-Object {
                            "  lm${_}: { address: '$(Get-LabHostName $_)', keyPath: ./plan-keys/id, knownHostsPath: ./plan-keys/known_hosts }" }) -join "`n") +
                "`nwaves:`n  - name: w`n    migrations:`n      - { container: no-such-container, from: lm1, to: lm2 }")
            Push-Location $TestDrive
            try { $outcome = Invoke-MigrationPlan $path -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue }
            finally { Pop-Location }
            @($err | Where-Object { $_.FullyQualifiedErrorId -like 'FileNotFound*' -or $_.FullyQualifiedErrorId -like 'HostConnection*' }) | Should -BeNullOrEmpty
            $outcome.Name | Should -Be 'no-such-container'
            $outcome.Status | Should -Be 'Failed' -Because 'both hosts opened; the container is what is missing'
        }

        It 'refuses a plan with errors before anything moves, naming them' {
            $plan = New-LabPlan "  - name: w`n    migrations:`n      - { container: planhook, from: lm1, to: lm9 }"
            $err = $null
            Invoke-MigrationPlan $plan -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PlanInvalid*'
            $err[0].Exception.Message | Should -BeLike '*1 error(s); nothing was moved*lm9*'
            @(Get-LabContainerLocation 'planhook') | Should -Be @(1)
        }
    }
}
