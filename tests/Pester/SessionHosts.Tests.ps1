# Hosts driven through PowerShell remoting over SSH: real PSSessions to the lab's hosts (pwsh's SSH subsystem in each),
# real moves between two such hosts, their bulk data host to host over the direct route.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Hosts driven through a PSSession' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $lab = Get-LabEnvironment
        # The session's ssh checks the lab's host keys; New-MigrationHost hands the same file's keys to the direct route.
        function New-LabSession([int] $Index) {
            New-PSSession -HostName $lab.Addresses[$Index - 1] -UserName root -Port $lab.Port -KeyFilePath $lab.KeyFilePath `
                -Options @{ StrictHostKeyChecking = 'yes'; UserKnownHostsFile = $lab.KnownHostsPath } -ErrorAction Stop
        }
        function Connect-LabSessionHost($Session, [int] $Index) {
            New-MigrationHost -Session $Session -KnownHostsPath $lab.KnownHostsPath -LinkAddress $lab.LanAddresses[$Index - 1]
        }
        # Hosts an earlier test file opened by SSH under the same names would be reused instead.
        Get-MigrationHost | Remove-MigrationHost
        $sessions = 1..2 | ForEach-Object { New-LabSession $_ }
        $hosts = 1..2 | ForEach-Object { Connect-LabSessionHost $sessions[$_ - 1] $_ }
        $name = 'psr'
        Remove-LabContainer $name
        $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 16
    }
    AfterAll {
        Remove-LabContainer $name
        Get-MigrationHost | Remove-MigrationHost
        $sessions | Remove-PSSession
    }

    It 'is the host the session is open to, named by its SSH address' {
        $hosts[0].Name | Should -Be "root@$($lab.Addresses[0]):$($lab.Port)"
        $hosts[0].PSSession | Should -Be $sessions[0]
        $hosts[0].IsConnected | Should -BeTrue
        (Get-Container -MigrationHost $hosts[0] -Name $name).Status | Should -Be 'Running'
    }

    It 'takes a PSSession wherever a host is' {
        (Get-Container -MigrationHost $sessions[0] -Name $name).Status | Should -Be 'Running'
    }

    It 'runs the readiness checks through the sessions, every one passing or warning' {
        $results = Test-MigrationReadiness -Name $name -Source $hosts[0] -Destination $hosts[1] -Mode Stop
        $failed = @($results | Where-Object Status -eq 'Fail')
        $failed | ForEach-Object { Write-Host "unexpected Fail: $_ -- $($_.Remedy)" }
        $failed.Count | Should -Be 0
        $results.Check | Should -Contain 'Canary'
        # The session's ssh checked the host key by its own settings, not LiveMigrate.
        @($results | Where-Object Check -eq 'SSH').Detail | ForEach-Object { $_ | Should -Not -BeLike '*host key*' }
    }

    It 'refuses post-copy relayed through the controller before anything changes, naming the routes that work' {
        $before = Wait-WorkloadTick 1 $name 0
        $result = Move-Container $name -Source $hosts[0] -Destination $hosts[1] -Mode PostCopy -TransferRoute Relay -SkipReadiness -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NotSupported*'
        $err[0].CategoryInfo.Category | Should -Be 'NotImplemented'
        $err[0].Exception.Message | Should -BeLike '*PowerShell session*-TransferRoute Auto or Direct*-Mode Stop*'
        Get-LabContainerLocation $name | Should -Be 1
        (Get-WorkloadState 1 $name).start_unix_ms | Should -Be $before.start_unix_ms
    }

    It 'moves a container A -> B in Stop mode over the direct route, a hook''s hostile argument reaching B unmangled' {
        $hostile = "a b;`$(touch /var/lib/livemigrate/pwned)'`"*``id``|&<>`n`$HOME \"
        $before = Wait-WorkloadTick 1 $name 0
        $result = Move-Container $name -Source $hosts[0] -Destination $hosts[1] -Mode Stop -Confirm:$false -Hook @{
            PostRestore = @{ On = 'Destination'; Run = @('sh', '-c', 'printf %s "$1" > /var/lib/livemigrate/hook-argument', 'sh', $hostile) }
        }
        $result.Status | Should -Be 'Succeeded'
        $result.TransferRoute | Should -Be 'Direct'
        $result.RunningOn | Should -Be $hosts[1].Name
        Write-Host "Stop through PSSessions: downtime $([int]$result.Downtime.TotalMilliseconds) ms, total $([int]$result.Duration.TotalMilliseconds) ms"
        Get-LabContainerLocation $name | Should -Be 2
        $after = Wait-WorkloadTick 2 $name ($before.counter + 20)
        $after.errors | Should -Be 0
        Get-Content -Raw (Get-LabHostPath 2 'hook-argument') | Should -BeExactly $hostile
        Test-Path (Get-LabHostPath 2 'pwned') | Should -BeFalse
    }

    It 'moves it back B -> A in PostCopy mode, its pages over the direct link' {
        $before = Wait-WorkloadTick 2 $name 0
        $result = Move-Container $name -Source $hosts[1] -Destination $hosts[0] -Mode PostCopy -Confirm:$false
        $result.Status | Should -Be 'Succeeded'
        $result.TransferRoute | Should -Be 'Direct'
        Write-Host "PostCopy through PSSessions: downtime $([int]$result.Downtime.TotalMilliseconds) ms, total $([int]$result.Duration.TotalMilliseconds) ms"
        Get-LabContainerLocation $name | Should -Be 1
        (Wait-WorkloadTick 1 $name ($before.counter + 20)).errors | Should -Be 0
    }

    It 'moves it A -> B relayed through the controller, the streams going through both sessions' {
        $before = Wait-WorkloadTick 1 $name 0
        $result = Move-Container $name -Source $hosts[0] -Destination $hosts[1] -TransferRoute Relay -SkipReadiness -Confirm:$false
        $result.Status | Should -Be 'Succeeded'
        $result.TransferRoute | Should -Be 'Relay'
        Write-Host "Relayed Stop through PSSessions: $([int]$result.Downtime.TotalMilliseconds) ms downtime, $([math]::Round($result.BytesTransferred / 1MB, 1)) MiB"
        Get-LabContainerLocation $name | Should -Be 2
        (Wait-WorkloadTick 2 $name ($before.counter + 20)).errors | Should -Be 0
    }

    It 'clones the container through the sessions, the checkpoint going host to host' {
        Remove-LabContainer "$name-1"
        try {
            $clone = Copy-Container $name -Source $hosts[1] -Destination $hosts[0] -Confirm:$false
            $clone.Status | Should -Be 'Running'
            $clone.TransferRoute | Should -Be 'Direct'
            Get-LabContainerLocation "$name-1" | Should -Be 1
            Get-LabContainerLocation $name | Should -Be 2
        }
        finally { Remove-LabContainer "$name-1" }
    }

    It 'bounds what a command run through the session may print' {
        $result = Move-Container $name -Source $hosts[1] -Destination $hosts[0] -SkipReadiness -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue -Hook @{
            PreCheckpoint = @{ On = 'Source'; Run = @('sh', '-c', 'printf "%s\n" "${1}" | head -c 2000000; head -c 17000000 /dev/zero', 'sh', 'big') }
        }
        $result | Should -BeNullOrEmpty
        "$($err[0].Exception.Message)" | Should -BeLike '*printed more than 16 MiB*'
        Get-LabContainerLocation $name | Should -Be 2
    }

    It 'kills the program running on the host when the migration is stopped, and the session goes on working' {
        # Another runspace, as a console's Ctrl+C stops a pipeline: its own hosts over the same two sessions.
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
            param($module, $name, $sessions, $knownHosts)
            Import-Module $module
            $a, $b = $sessions | ForEach-Object { New-MigrationHost -Session $_ -KnownHostsPath $knownHosts }
            Move-Container $name -Source $b -Destination $a -SkipReadiness -Confirm:$false -Hook @{ PreCheckpoint = @{ On = 'Source'; Run = @('sleep', '2997') } }
        }).AddArgument($env:LIVEMIGRATE_MODULE).AddArgument($name).AddArgument($sessions).AddArgument($lab.KnownHostsPath)
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Get-LabProcess '^sleep 2997$') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Get-LabProcess '^sleep 2997$' | Should -Not -BeNullOrEmpty -Because 'the hook runs on lab host 2 through its session'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $ps.Dispose()
        while ((Get-LabProcess '^sleep 2997$') -and $clock.Elapsed.TotalSeconds -lt 10) { Start-Sleep -Milliseconds 50 }
        Get-LabProcess '^sleep 2997$' | Should -BeNullOrEmpty -Because 'stopping the migration kills what it runs on the host'
        Write-Host "Stopped, and the hook's program gone from the host, in $($clock.ElapsedMilliseconds) ms"
        Get-LabContainerLocation $name | Should -Be 2
        $sessions | ForEach-Object { $_.State | Should -Be 'Opened' }
        (Get-Container -MigrationHost $hosts[1] -Name $name).Status | Should -Be 'Running'
    }

    It 'leaves the session open when the host is removed, and relays when known_hosts holds no key for it' {
        Remove-MigrationHost $hosts[0]
        $sessions[0].State | Should -Be 'Opened'
        $empty = Join-Path $TestDrive 'known_hosts'
        Set-Content $empty ''
        $again = New-MigrationHost -Session $sessions[0] -KnownHostsPath $empty -WarningVariable warned -WarningAction SilentlyContinue
        "$warned" | Should -BeLike "*holds no key for $([WildcardPattern]::Escape("[$($lab.Addresses[0])]:$($lab.Port)"))*relayed*"
        # Removed by its session, as by any other spelling of the host.
        Remove-MigrationHost $sessions[0]
        Get-MigrationHost | Where-Object Name -eq $again.Name | Should -BeNullOrEmpty
        $hosts[0] = Connect-LabSessionHost $sessions[0] 1
        $hosts[0].IsConnected | Should -BeTrue
    }
}
