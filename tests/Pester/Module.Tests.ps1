# The module's contract as PowerShell users see it; needs no lab.
BeforeAll {
    $modulePath = if ($env:LIVEMIGRATE_MODULE) { $env:LIVEMIGRATE_MODULE } else { Join-Path $PSScriptRoot '../../out/LiveMigrate' }
    Import-Module $modulePath -Force
    $manifest = Import-PowerShellDataFile (Join-Path $modulePath 'LiveMigrate.psd1')
    $expected = 'New-MigrationHost', 'Get-MigrationHost', 'Remove-MigrationHost', 'Get-Container', 'Move-Container', 'Test-MigrationReadiness', 'Test-MigrationPlan', 'Invoke-MigrationPlan', 'Copy-Container', 'Save-ContainerCheckpoint', 'Restore-Container', 'Get-MigrationJournal', 'Resume-Migration', 'Invoke-ContainerPredump'
}

Describe 'LiveMigrate module' {
    It 'exports exactly the cmdlets its manifest lists' {
        $exported = (Get-Command -Module LiveMigrate).Name | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        foreach ($name in $expected) { $exported | Should -Contain $name }
    }

    It 'declares both PowerShell editions and a real version' {
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.ModuleVersion | Should -Match '^\d+\.\d+\.\d+$'
        (Get-Module LiveMigrate).Version.ToString() | Should -Be $manifest.ModuleVersion
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($c in Get-Command -Module LiveMigrate) { $approved | Should -Contain $c.Verb }
    }

    It '<_> declares its output type' -ForEach @('New-MigrationHost', 'Get-MigrationHost', 'Get-Container', 'Move-Container', 'Test-MigrationReadiness', 'Test-MigrationPlan', 'Invoke-MigrationPlan', 'Copy-Container', 'Save-ContainerCheckpoint', 'Restore-Container', 'Get-MigrationJournal', 'Resume-Migration', 'Invoke-ContainerPredump') {
        (Get-Command $_).OutputType.Name | Should -Not -BeNullOrEmpty
    }

    It 'Move-Container, Remove-MigrationHost and Resume-Migration support -WhatIf and -Confirm' {
        foreach ($name in 'Move-Container', 'Remove-MigrationHost', 'Resume-Migration') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'WhatIf'
            (Get-Command $name).Parameters.Keys | Should -Contain 'Confirm'
        }
    }

    It 'binds Move-Container''s Name and Source from the pipeline by property name' {
        $p = (Get-Command Move-Container).Parameters
        $p.Name.Attributes.Where({ $_ -is [Parameter] }).ValueFromPipelineByPropertyName | Should -Contain $true
        $p.Source.Attributes.Where({ $_ -is [Parameter] }).ValueFromPipelineByPropertyName | Should -Contain $true
        $p.Source.Aliases | Should -Contain 'Host'
    }

    It 'has format views for its result types' {
        $views = (Get-FormatData -TypeName 'LiveMigrate.Migration.MigrationResult', 'LiveMigrate.Runc.ContainerInfo', 'LiveMigrate.Commands.Hosts.MigrationHost',
            'LiveMigrate.Plans.PlanProblem', 'LiveMigrate.Plans.MigrationPlan', 'LiveMigrate.Plans.PlannedMigration',
            'LiveMigrate.Journal.MigrationJournalRecord', 'LiveMigrate.Journal.ResumeResult', 'LiveMigrate.PreCopy.PreDumpRound')
        $views.Count | Should -Be 9
    }

    It 'loads the engine from the folder for this edition' {
        $engine = [AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'LiveMigrate.Engine' })
        New-MigrationHost -Local | Out-Null
        $engine = [AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'LiveMigrate.Engine' })
        $engine.Location | Should -BeLike "*$([IO.Path]::DirectorySeparatorChar)core$([IO.Path]::DirectorySeparatorChar)LiveMigrate.Engine.dll"
    }
}

Describe 'Dependency isolation' {
    It 'keeps its own SSH.NET even when another copy is already loaded' {
        $script = {
            param($module, $key)
            # Another module's copy of SSH.NET, loaded first into the default context.
            $other = [Reflection.Assembly]::LoadFrom((Join-Path $module 'desktop/Renci.SshNet.dll'))
            Import-Module $module
            # Reading the key and trying to connect puts SSH.NET to work.
            try { New-MigrationHost 'root@127.0.0.1:1' -KeyFilePath $key -KnownHostsPath /dev/null -ConnectTimeoutSeconds 1 } catch { }
            [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'Renci.SshNet', 'LiveMigrate.Engine' } |
                ForEach-Object { '{0}|{1}|{2}' -f $_.GetName().Name, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name, $_.Location }
        }
        $self = (Get-Process -Id $PID).Path
        [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $key = Join-Path $TestDrive 'id_isolation'
        & ssh-keygen -q -t ed25519 -N '' -f $key
        $lines = & $self @prefix -NoProfile -NonInteractive -Command "& { $script } '$modulePath' '$key'"
        $ours = $lines | Where-Object { $_ -like 'Renci.SshNet|LiveMigrate|*' }
        $ours | Should -BeLike "*$([IO.Path]::DirectorySeparatorChar)core$([IO.Path]::DirectorySeparatorChar)Renci.SshNet.dll"
        $lines | Where-Object { $_ -like 'Renci.SshNet|Default|*desktop*' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -like 'LiveMigrate.Engine|LiveMigrate|*' } | Should -Not -BeNullOrEmpty
    }
}

Describe 'Bad input' {
    It 'rejects a malformed host string with the form to use' {
        { New-MigrationHost 'root@bad host:99999' } | Should -Throw -ExpectedMessage "*is not a host. Write it as ``[user@``]host``[:port``]*"
    }

    It 'rejects a container name runc would refuse, before anything runs' {
        $err = $null
        Move-Container -Name 'x; rm -rf /' -Source (New-MigrationHost -Local) -Destination (New-MigrationHost -Local) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err[0].Exception.Message | Should -BeLike "*not a valid container name*"
    }

    It 'refuses to move a container onto the host it is on' {
        $local = New-MigrationHost -Local
        $err = $null
        Move-Container -Name web -Source $local -Destination $local -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike '*both localhost*'
    }

    It 'reports a missing key file by name' {
        { New-MigrationHost 'root@127.0.0.1:1' -KeyFilePath '/nonexistent/key' -KnownHostsPath '/dev/null' } |
            Should -Throw -ExpectedMessage "*'/nonexistent/key' does not exist*"
    }

    It 'reports a file that is no key as such' {
        $err = { New-MigrationHost 'root@127.0.0.1:1' -KeyFilePath $PSCommandPath -KnownHostsPath '/dev/null' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err.Exception.Message | Should -BeLike '*is not a private key*'
    }

    It 'reports an unreachable host as a connection error' {
        $key = Join-Path $TestDrive 'id_ed25519'
        & ssh-keygen -q -t ed25519 -N '' -f $key
        $err = { New-MigrationHost 'root@127.0.0.1:1' -KeyFilePath $key -KnownHostsPath '/dev/null' -ConnectTimeoutSeconds 2 } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'HostConnectionFailed*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}
