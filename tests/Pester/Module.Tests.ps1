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

    It 'has a format view for every type a cmdlet declares as its output' {
        $declared = Get-Command -Module LiveMigrate | ForEach-Object { $_.OutputType.Type } |
            Where-Object { $_ -and $_ -notin [bool], [void], [string] } | Sort-Object FullName -Unique
        $declared.Count | Should -BeGreaterThan 10
        foreach ($type in $declared) { Get-FormatData -TypeName $type.FullName | Should -Not -BeNullOrEmpty -Because "$($type.FullName) is an [OutputType]" }
        # Plan outcomes also hold the plan's migrations, shown by Test-MigrationPlan's MigrationPlan.
        Get-FormatData -TypeName 'LiveMigrate.Plans.PlannedMigration' | Should -Not -BeNullOrEmpty
    }

    It 'names the host parameter -MigrationHost (a proxy cannot declare $Host), with -Host kept as an alias (<_>)' -ForEach @('Get-Container', 'Save-ContainerCheckpoint', 'Restore-Container') {
        $p = (Get-Command $_).Parameters
        $p.Keys | Should -Not -Contain 'Host'
        $p.MigrationHost.Aliases | Should -Contain 'Host'
    }

    It 'converts a host name to a MigrationHost without the cmdlets'' transformation attribute: a cast and a proxy function' {
        $cast = [LiveMigrate.PowerShell.MigrationHost]'localhost'
        $cast.IsLocal | Should -BeTrue
        function Get-ThroughProxy { param([LiveMigrate.PowerShell.MigrationHost[]] $On) $On }
        $through = Get-ThroughProxy -On 'localhost'
        $through | Should -BeOfType 'LiveMigrate.PowerShell.MigrationHost'
        $through.Name | Should -Be 'localhost'
    }

    It 'lets Pester mock a cmdlet with a host parameter, the string still becoming a MigrationHost' {
        Mock Get-Container { $MigrationHost }
        $seen = Get-Container -MigrationHost 'localhost'
        $seen | Should -BeOfType 'LiveMigrate.PowerShell.MigrationHost'
        Should -Invoke Get-Container -Times 1 -Exactly
    }

    It 'completes journal ids from this controller''s journal, with the container and route' {
        $saved = $env:LIVEMIGRATE_JOURNAL
        $env:LIVEMIGRATE_JOURNAL = Join-Path $TestDrive 'journal'
        try {
            $store = [LiveMigrate.Journal.FileJournalStore]::new($env:LIVEMIGRATE_JOURNAL)
            foreach ($id in 'web-20261206-aaaa', 'web-20261206-bbbb', 'db-20261206-cccc') {
                $store.Save([LiveMigrate.Journal.MigrationJournalRecord]@{ Id = $id; Container = $id.Split('-')[0]; Source = 'root@a:22'; Destination = 'root@b:22' })
            }
            foreach ($line in 'Get-MigrationJournal -Id web-', 'Resume-Migration web-') {
                $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
                $found.CompletionText | Sort-Object | Should -Be @('web-20261206-aaaa', 'web-20261206-bbbb')
                $found[0].ToolTip | Should -Be 'web: root@a:22 -> root@b:22'
            }
        }
        finally { $env:LIVEMIGRATE_JOURNAL = $saved }
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
