# Host connections against the lab's real sshd hosts: key checks, reuse, closing.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Hosts' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $lab = Get-LabEnvironment
        $name1 = Get-LabHostName 1
        # Other test files share this runspace and may have left hosts open: these tests start from none.
        Get-MigrationHost | Remove-MigrationHost
    }
    AfterEach { Get-MigrationHost | Remove-MigrationHost }

    It 'refuses an unknown host with its SHA256 fingerprint and the way to trust it' {
        $empty = Join-Path $TestDrive 'known_hosts_empty'
        Set-Content $empty ''
        $err = { New-MigrationHost $name1 -KeyFilePath $lab.KeyFilePath -KnownHostsPath $empty } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'HostKeyUnknown*'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $fp = (& ssh-keygen -lf (Join-Path $lab.Root 'hosts/lm1/ssh/ssh_host_ed25519_key.pub')) -split ' ' | Select-Object -Index 1
        $err.Exception.Message | Should -BeLike "*$fp*"
        $err.Exception.Message | Should -BeLike '*-AcceptNewHostKey*'
        (Get-Content $empty -Raw).Trim() | Should -BeNullOrEmpty
    }

    It 'records an unknown key with -AcceptNewHostKey, then trusts it without the switch' {
        $file = Join-Path $TestDrive 'known_hosts_new'
        $h = New-MigrationHost $name1 -KeyFilePath $lab.KeyFilePath -KnownHostsPath $file -AcceptNewHostKey
        $h.IsConnected | Should -BeTrue
        Get-Content $file | Should -Match ([regex]::Escape("[$($lab.Addresses[0])]:$($lab.Port) ssh-ed25519 "))
        Remove-MigrationHost $h
        (New-MigrationHost $name1 -KeyFilePath $lab.KeyFilePath -KnownHostsPath $file).IsConnected | Should -BeTrue
    }

    It 'always refuses a changed key, even with -AcceptNewHostKey' {
        $file = Join-Path $TestDrive 'known_hosts_changed'
        # Host 2's key recorded under host 1's name: exactly what a man in the middle looks like.
        $other = (Get-Content (Join-Path $lab.Root 'hosts/lm2/ssh/ssh_host_ed25519_key.pub')) -split ' '
        Set-Content $file "[$($lab.Addresses[0])]:$($lab.Port) $($other[0]) $($other[1])"
        $err = { New-MigrationHost $name1 -KeyFilePath $lab.KeyFilePath -KnownHostsPath $file -AcceptNewHostKey } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'HostKeyChanged*'
        $err.Exception.Message | Should -BeLike '*HAS CHANGED*'
        (Get-Content $file).Count | Should -Be 1
    }

    It 'opens one connection per host and reuses it, also for a string host' {
        $a = Connect-LabHost 1
        $b = Connect-LabHost 1
        [object]::ReferenceEquals($a, $b) | Should -BeTrue
        $c = Get-Container -Host $name1 -Name 'no-such-*'
        (Get-MigrationHost).Count | Should -Be 1
        $a.Cipher | Should -Be 'aes128-gcm@openssh.com'
    }

    It 'closes the connection with Remove-MigrationHost, and -WhatIf leaves it open' {
        $h = Connect-LabHost 2
        Remove-MigrationHost $h -WhatIf
        $h.IsConnected | Should -BeTrue
        $h | Remove-MigrationHost
        $h.IsConnected | Should -BeFalse
        Get-MigrationHost | Should -BeNullOrEmpty
    }

    Context 'a key protected by a passphrase' {
        BeforeAll {
            $secret = 'Pass-' + [guid]::NewGuid().ToString('N')
            $key = Join-Path $TestDrive 'id_protected'
            & ssh-keygen -q -t ed25519 -N $secret -C livemigrate-test -f $key
            Add-Content (Join-Path $lab.Root 'hosts/lm3/home/.ssh/authorized_keys') (Get-Content "$key.pub")
            $name3 = Get-LabHostName 3
            function New-Credential([string] $password) {
                [pscredential]::new('root', (ConvertTo-SecureString $password -AsPlainText -Force))
            }
        }
        AfterAll {
            $authorized = Join-Path (Get-LabEnvironment).Root 'hosts/lm3/home/.ssh/authorized_keys'
            Get-Content $authorized | Where-Object { $_ -notmatch ' livemigrate-test$' } | Set-Content $authorized
        }

        It 'connects with the passphrase given as -Credential, and it appears in no output' {
            $all = New-MigrationHost $name3 -KeyFilePath $key -Credential (New-Credential $secret) -KnownHostsPath $lab.KnownHostsPath -Verbose *>&1
            $h = $all | Where-Object { $_ -is [LiveMigrate.Commands.Hosts.MigrationHost] }
            $h.IsConnected | Should -BeTrue
            ($all | Out-String) + ($h | Format-List * | Out-String) + ($h | ConvertTo-Json -Depth 3) | Should -Not -Match $secret
        }

        It 'says a passphrase is needed, without guessing' {
            $err = { New-MigrationHost $name3 -KeyFilePath $key -KnownHostsPath $lab.KnownHostsPath } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
            $err.Exception.Message | Should -BeLike '*protected by a passphrase*-Credential*'
        }

        It 'keeps a wrong passphrase out of the error' {
            $wrong = 'Wrong-' + [guid]::NewGuid().ToString('N')
            $err = { New-MigrationHost $name3 -KeyFilePath $key -Credential (New-Credential $wrong) -KnownHostsPath $lab.KnownHostsPath } | Should -Throw -PassThru
            ($err | Out-String) + $err.Exception.ToString() | Should -Not -Match $wrong
        }
    }

    It 'does not connect to a host just to remove it' {
        { Remove-MigrationHost (Get-LabHostName 3) } | Should -Throw -ExpectedMessage "*No open host named*"
        Get-MigrationHost | Should -BeNullOrEmpty
    }

    It 'completes host names from the open hosts' {
        Connect-LabHost 3 | Out-Null
        $name = Get-LabHostName 3
        $line = "Get-Container -Host $($name.Substring(0, $name.LastIndexOf('.')))"
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.ListItemText
        $names | Should -Contain (Get-LabHostName 3)
    }
}
