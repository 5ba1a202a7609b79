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
            $h = $all | Where-Object { $_ -is [LiveMigrate.PowerShell.MigrationHost] }
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

    It 'refuses a password in an address, and no part of the error repeats it (<Case>)' -ForEach @(
        @{ Case = 'New-MigrationHost'; Call = { New-MigrationHost 'root:hunter2@127.0.0.1:22' } }
        @{ Case = 'a string host'; Call = { Get-Container -Host 'root:hunter2@127.0.0.1:22' } }
    ) {
        $err = $Call | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike '*holds a password*-Credential*'
        $shown = $err.Exception.Message, $err.Exception.InnerException.Message, "$($err.TargetObject)", $err.CategoryInfo.TargetName, "$($err.ErrorDetails)"
        $shown -join ' ' | Should -Not -Match 'hunter2'
        Get-MigrationHost | Should -BeNullOrEmpty
    }

    Context 'a dropped connection opened again' {
        # An sshd of this test's own on a free loopback port, restarted with another host key while connected.
        BeforeAll {
            $port = & { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $l.LocalEndpoint.Port; $l.Stop() }
            function New-SshdConfig([string] $Name, [string] $Type = $Name) {
                $key = Join-Path $TestDrive "host_$Name"
                if (-not (Test-Path $key)) { & ssh-keygen -q -t $Type -N '' -f $key }
                $conf = "$key.conf"
                Set-Content $conf "Port $port`nListenAddress 127.0.0.1`nHostKey $key`nAuthorizedKeysFile $($lab.KeyFilePath).pub`nPermitRootLogin prohibit-password`nStrictModes no`nUsePAM no`nPidFile none"
                $conf
            }
            function Start-TestSshd([string] $Config) {
                $p = Start-Process /usr/sbin/sshd -ArgumentList '-D', '-e', '-f', $Config -PassThru -RedirectStandardError (Join-Path $TestDrive 'sshd.err')
                for ($i = 0; $i -lt 50; $i++) { try { [Net.Sockets.TcpClient]::new('127.0.0.1', $port).Dispose(); break } catch { Start-Sleep -Milliseconds 100 } }
                $p
            }
            # The listener and the session it forked for our connection, by their ids.
            function Stop-TestSshd($Process) {
                (Get-Content "/proc/$($Process.Id)/task/$($Process.Id)/children" -ErrorAction Ignore) -split ' ' | Where-Object { $_ } |
                    ForEach-Object { Stop-Process -Id $_ -Force -ErrorAction Ignore }
                Stop-Process -Id $Process.Id -Force
                $Process.WaitForExit()
            }
            $ed25519 = New-SshdConfig ed25519
        }
        AfterEach { if ($sshd -and -not $sshd.HasExited) { Stop-TestSshd $sshd } }

        It 'accepts only the key the first connection verified, even with -AcceptNewHostKey (<Case>)' -ForEach @(
            @{ Case = 'the same key'; Next = 'ed25519'; Type = 'ed25519'; Refused = $false }
            @{ Case = 'another type'; Next = 'ecdsa'; Type = 'ecdsa'; Refused = $true }
            @{ Case = 'another key of the same type'; Next = 'ed25519-other'; Type = 'ed25519'; Refused = $true }
        ) {
            $knownHosts = Join-Path $TestDrive "known_hosts_$Next"
            $script:sshd = Start-TestSshd $ed25519
            $h = New-MigrationHost "root@127.0.0.1:$port" -KeyFilePath $lab.KeyFilePath -KnownHostsPath $knownHosts -AcceptNewHostKey
            Stop-TestSshd $sshd
            $script:sshd = Start-TestSshd (New-SshdConfig $Next $Type)
            if ($Refused) {
                $err = { Get-Container -Host $h -ErrorAction Stop } | Should -Throw -PassThru
                $err.Exception.Message | Should -BeLike '*dropped and could not be opened again*'
                if ($Next -eq 'ed25519-other') { $err.Exception.Message | Should -BeLike '*CHANGED WHILE CONNECTED*' }
                @(Get-Content $knownHosts).Count | Should -Be 1 -Because 'nothing new is recorded on a reconnect'
            }
            else { { Get-Container -Host $h -ErrorAction Stop } | Should -Not -Throw }
            Remove-MigrationHost $h
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

    It 'completes checkpoint names from the checkpoints kept on the host given as -MigrationHost' {
        $kept = Get-LabHostPath 3 'checkpoints'
        foreach ($n in 'cmpl-snap-1', 'cmpl-snap-2', 'cmpl-other') {
            New-Item -ItemType Directory -Force (Join-Path $kept $n) | Out-Null
            Set-Content (Join-Path $kept "$n/checkpoint.json") '{}'
        }
        New-Item -ItemType Directory -Force (Join-Path $kept 'cmpl-snap-unfinished') | Out-Null
        try {
            Connect-LabHost 3 | Out-Null
            foreach ($parameter in '-MigrationHost', '-Host') {
                $line = "Restore-Container $parameter '$(Get-LabHostName 3)' -NewName x -CheckpointName cmpl-snap"
                (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('cmpl-snap-1', 'cmpl-snap-2')
            }
        }
        finally { 'cmpl-snap-1', 'cmpl-snap-2', 'cmpl-other', 'cmpl-snap-unfinished' | ForEach-Object { Remove-Item -Recurse -Force (Join-Path $kept $_) -ErrorAction Ignore } }
    }
}
