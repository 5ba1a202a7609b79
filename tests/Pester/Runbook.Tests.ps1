# examples/runbooks/Invoke-HostEvacuation.ps1 run as an automation account runs it: a fresh pwsh -NonInteractive, the key
# and the known_hosts lines handed over in memory by stand-ins of the account's asset cmdlets, never as file paths.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

BeforeAll {
    # Runs $Script in a fresh pwsh -NonInteractive that finds the module under test by name; $Environment is set only
    # for that process. Returns what it wrote to the output, as JSON objects.
    function Invoke-NonInteractive([string] $Script, [hashtable] $Environment = @{}) {
        $self = (Get-Process -Id $PID).Path
        [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $Environment['PSModulePath'] = (Split-Path $env:LIVEMIGRATE_MODULE) + [IO.Path]::PathSeparator + $env:PSModulePath
        $saved = @{}
        foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
        try {
            $output = & $self @prefix -NoProfile -NonInteractive -Command $Script 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | ForEach-Object { "$_" }) -join "`n" }
        }
        finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
    }
}

Describe 'A session that cannot prompt' {
    It '<Command> names -Confirm:$false instead of failing to prompt' -ForEach @(
        @{ Command = 'Invoke-MigrationPlan'; Script = 'Invoke-MigrationPlan $env:LM_PLAN' },
        @{ Command = 'Remove-MigrationHost'; Script = '$ConfirmPreference = "Low"; New-MigrationHost -Local | Remove-MigrationHost' }
    ) {
        $plan = Join-Path $TestDrive 'plan.yaml'
        Set-Content $plan "version: 1`nhosts:`n  a: { address: root@127.0.0.1:1 }`n  b: { address: root@127.0.0.2:1 }`nwaves:`n  - { name: w, migrations: [ { container: web, from: a, to: b } ] }"
        $run = Invoke-NonInteractive -Environment @{ LM_PLAN = $plan } -Script @"
Import-Module LiveMigrate
try { $Script; 'no error' }
catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }
"@
        $run.Output | Should -Match "^ConfirmationNeedsInteraction,"
        $run.Output | Should -Match ([regex]::Escape('Add -Confirm:$false to ' + $Command))
        $run.Output | Should -Match 'cannot prompt'
    }
}

Describe 'The evacuate-a-host runbook' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $lab = Get-LabEnvironment
        $runbook = Join-Path $PSScriptRoot '../../examples/runbooks/Invoke-HostEvacuation.ps1'
        $names = 'rbook1', 'rbook2'
        foreach ($n in $names) { Remove-LabContainer $n; $null = New-LabWorkload -HostIndex 1 -Name $n -MiB 8 }
        $user = if (Get-Command sudo -ErrorAction Ignore) { 'livemigrate-lab' } else { 'root' }
        $become = if ($user -eq 'root') { 'None' } else { 'Sudo' }
        $address = { param($i) "$user@$($lab.Addresses[$i - 1]):$($lab.Port)" }
    }
    AfterAll { foreach ($n in $names) { Remove-LabContainer $n } }

    It 'moves every container off the host with assets from memory and writes one outcome each' {
        # Stand-ins for the automation account's cmdlets: the key and lines come from this process's memory (the
        # lab's files read here), through the environment of the runbook's process only.
        $run = Invoke-NonInteractive -Environment @{ LM_RB_KEY = Get-Content -Raw $lab.KeyFilePath; LM_RB_HOSTS = Get-Content -Raw $lab.KnownHostsPath } -Script @"
`$assetKey = ConvertTo-SecureString `$env:LM_RB_KEY -AsPlainText -Force
`$assetHosts = `$env:LM_RB_HOSTS
`$env:LM_RB_KEY = `$env:LM_RB_HOSTS = `$null
function Get-AutomationPSCredential([string] `$Name) {
    if (`$Name -ne 'LiveMigrate-Key') { throw "no credential asset `$Name" }
    [pscredential]::new('key', `$assetKey)
}
function Get-AutomationVariable([string] `$Name) {
    if (`$Name -ne 'LiveMigrate-KnownHosts') { throw "no variable asset `$Name" }
    `$assetHosts
}
& '$runbook' -SourceHost '$(& $address 1)' -DestinationHost '$(& $address 2)', '$(& $address 3)' -Become $become -Name 'rbook*' | ConvertTo-Json -Compress
"@
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $outcomes = @($run.Output -split "`n" | Where-Object { $_ -like '`[*' -or $_ -like '{*' } | ConvertFrom-Json | ForEach-Object { $_ })
        $outcomes.Count | Should -Be 2
        $outcomes.Container | Sort-Object | Should -Be $names
        $outcomes | ForEach-Object { $_.Status | Should -Be 'Succeeded'; $_.Error | Should -BeNullOrEmpty }
        ($outcomes.To | Sort-Object) | Should -Be @((& $address 2), (& $address 3))
        @(Get-LabContainerLocation 'rbook1') + @(Get-LabContainerLocation 'rbook2') | Sort-Object | Should -Be @(2, 3)
        $run.Output | Should -Not -Match 'PRIVATE KEY' -Because 'the key never reaches the output'
    }

    It 'refuses a host whose key the lines do not hold' {
        $other = ((Get-Content $lab.KnownHostsPath) | Where-Object { $_ -notlike "*$($lab.Addresses[0])*" }) -join "`n"
        $run = Invoke-NonInteractive -Environment @{ LM_RB_KEY = Get-Content -Raw $lab.KeyFilePath; LM_RB_HOSTS = $other } -Script @"
`$key = ConvertTo-SecureString `$env:LM_RB_KEY -AsPlainText -Force
try { & '$runbook' -SourceHost '$(& $address 1)' -DestinationHost '$(& $address 2)' -Become $become -PrivateKey `$key -KnownHost `$env:LM_RB_HOSTS -Name 'rbook*' }
catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }
"@
        $run.Output | Should -Match '^HostKeyUnknown'
        $run.Output | Should -Match 'known_hosts lines given in memory'
    }
}

Describe 'Keys and host keys from memory' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $lab = Get-LabEnvironment
        $keyText = Get-Content -Raw $lab.KeyFilePath
        $secureKey = ConvertTo-SecureString $keyText -AsPlainText -Force
        $lines = Get-Content $lab.KnownHostsPath
        $name = "root@$($lab.Addresses[2]):$($lab.Port)"
        # The key's body, as it would show if it leaked anywhere.
        $body = ($keyText -split "`n")[1]
        # An earlier test file may have left it open; this one opens it afresh.
        Get-MigrationHost | Where-Object Name -eq $name | Remove-MigrationHost -Confirm:$false
    }
    AfterEach { Get-MigrationHost | Where-Object Name -eq $name | Remove-MigrationHost -Confirm:$false }

    It 'connects with the key as a <Form>, and neither verbose output nor the host shows it' -ForEach @(
        @{ Form = 'SecureString' }, @{ Form = 'PSCredential' }
    ) {
        $key = if ($Form -eq 'SecureString') { $secureKey } else { [pscredential]::new('key', $secureKey) }
        $out = New-MigrationHost $name -PrivateKey $key -KnownHost $lines -Verbose 4>&1
        $h = $out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }

        $h.IsConnected | Should -BeTrue
        $h.KnownHostsPath | Should -BeNullOrEmpty -Because 'no file was read'
        $h.KeyFilePath | Should -BeNullOrEmpty
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Match 'known_hosts lines given in memory'
        ($out | Out-String) + ($h | Format-List * | Out-String) + "$h" | Should -Not -Match ([regex]::Escape($body))
        { Get-Container -MigrationHost $h -ErrorAction Stop } | Should -Not -Throw
    }

    It 'refuses the key as plain text, naming what to give' {
        { New-MigrationHost $name -PrivateKey $keyText -KnownHost $lines } | Should -Throw -ExpectedMessage '*SecureString*'
    }

    It 'refuses a key and a key file together' {
        $err = { New-MigrationHost $name -PrivateKey $secureKey -KeyFilePath $lab.KeyFilePath -KnownHost $lines } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err.Exception.Message | Should -Not -Match ([regex]::Escape($body))
    }

    It 'refuses an unreadable key without quoting it' {
        $broken = ConvertTo-SecureString ($keyText -replace '[A-Za-z]{8}', 'AAAAAAAA') -AsPlainText -Force
        $err = { New-MigrationHost $name -PrivateKey $broken -KnownHost $lines } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err.Exception.Message | Should -Match '-PrivateKey'
        ($err | Out-String) | Should -Not -Match 'AAAAAAAA'
    }
}
