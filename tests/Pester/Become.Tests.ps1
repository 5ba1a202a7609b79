# Hosts opened as an ordinary user who becomes root with sudo -n (New-MigrationHost -Become Sudo): readiness, and real
# Stop and PostCopy moves over the direct route, in the lab where livemigrate-lab has the sudoers line readiness names.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
    $script:noLab = -not (Test-LabRunning) -or -not (Get-Command sudo -ErrorAction Ignore)
}

Describe 'Logins that become root with sudo' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $lab = Get-LabEnvironment

        function Connect-LabUser([int] $Index, [string] $User, [string] $Become = 'Sudo') {
            New-MigrationHost "$User@$($lab.Addresses[$Index - 1]):$($lab.Port)" -KeyFilePath $lab.KeyFilePath -KnownHostsPath $lab.KnownHostsPath `
                -LinkAddress $lab.LanAddresses[$Index - 1] -Become $Become
        }

        $hosts = 1..2 | ForEach-Object { Connect-LabUser $_ 'livemigrate-lab' }
    }
    AfterAll { Get-MigrationHost | Where-Object Name -like "livemigrate-*" | Remove-MigrationHost -Confirm:$false }

    It 'opens the host as the user, with commands going through sudo' {
        $hosts[0].UserName | Should -Be 'livemigrate-lab'
        $hosts[0].Become | Should -Be 'Sudo'
    }

    Context 'a 16 MiB workload' {
        BeforeAll {
            $name = 'become16'
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 16
        }
        AfterAll { Remove-LabContainer $name }

        It 'passes readiness, the Access row saying sudo' {
            $rows = Test-MigrationReadiness $name -Source $hosts[0] -Destination $hosts[1]

            $failed = @($rows | Where-Object Status -eq 'Fail')
            $failed | ForEach-Object { "$($_.Check) $($_.Host): $($_.Detail)" } | Should -BeNullOrEmpty
            $access = @($rows | Where-Object Check -eq 'Access')
            $access.Count | Should -Be 2
            $access | ForEach-Object { $_.Status | Should -Be 'Pass'; $_.Detail | Should -Match 'livemigrate-lab.*sudo -n' }
        }

        # Relayed, post-copy's pages cross a remote forward that sshd opens for the user, not root.
        It 'moves in <Mode> mode over the <Route> route (<From> -> <To>)' -ForEach @(
            @{ Mode = 'Stop'; From = 1; To = 2; Route = 'Direct' }, @{ Mode = 'PostCopy'; From = 2; To = 1; Route = 'Direct' },
            @{ Mode = 'PostCopy'; From = 1; To = 2; Route = 'Relay' }
        ) {
            $before = Wait-WorkloadTick $From $name 0
            $result = Move-Container $name -Source $hosts[$From - 1] -Destination $hosts[$To - 1] -Mode $Mode -TransferRoute $Route -Verbose 4>&1 |
                Tee-Object -Variable said | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }

            $result.Status | Should -Be 'Succeeded'
            "$($result.TransferRoute)" | Should -Be $Route
            # Over the link, the pages go through the page guard's bridge, which the forced command reaches through sudo.
            ($said | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Where-Object { $_ -like '*cannot carry the pages*' } | Should -BeNullOrEmpty
            $after = Wait-WorkloadTick $To $name ($before.counter + 20)
            $after.errors | Should -Be 0
            $after.seed | Should -Be $start.seed -Because 'the same process continues'
            @(Get-LabContainerLocation $name) | Should -Be @($To)
            # The link's key went from the user's authorized_keys with the link.
            Get-Content /home/livemigrate-lab/.ssh/authorized_keys | Where-Object { $_ -match 'livemigrate-link-' } | Should -BeNullOrEmpty
            @(Get-ChildItem /home/livemigrate-lab/.ssh/livemigrate-links -ErrorAction Ignore).Count | Should -Be 0 -Because 'the record of its connections goes too'
            Get-LabProcess 'livemigrate/links/' | Should -BeNullOrEmpty -Because 'no master connection stays open'
        }
    }

    It 'fails readiness for a user without the sudoers line, naming the line to add' {
        $plain = Connect-LabUser 2 'livemigrate-nosudo'
        try {
            $rows = Test-MigrationReadiness -Source $hosts[0] -Destination $plain -NoCanary
            $row = $rows | Where-Object { $_.Check -eq 'Access' -and $_.Host -eq $plain.Name }

            $row.Status | Should -Be 'Fail'
            $row.Detail | Should -Match 'password is required'
            $row.Remedy | Should -Match ([regex]::Escape('livemigrate-nosudo ALL=(root) NOPASSWD: ALL'))
            ($rows | Where-Object { $_.Check -eq 'Tools' -and $_.Host -eq $plain.Name }).Detail | Should -Match 'do not run as root'
        }
        finally { $plain | Remove-MigrationHost -Confirm:$false }
    }

    It 'fails readiness for a user login without -Become, naming the switch' {
        $plain = Connect-LabUser 2 'livemigrate-nosudo' -Become None
        try {
            $row = Test-MigrationReadiness -Source $hosts[0] -Destination $plain -NoCanary | Where-Object { $_.Check -eq 'Access' -and $_.Host -eq $plain.Name }

            $row.Status | Should -Be 'Fail'
            $row.Remedy | Should -Match '-Become Sudo'
        }
        finally { $plain | Remove-MigrationHost -Confirm:$false }
    }

    # A plan names its hosts' key and known hosts as SecretManagement secrets; Get-Secret stands in for a vault here.
    # Last: it closes the hosts opened above, so that the plan opens its own.
    It 'runs a plan whose hosts become root with sudo and take key and known hosts from secrets' {
        $name = 'becomeplan'
        Remove-LabContainer $name
        $null = New-LabWorkload -HostIndex 1 -Name $name -MiB 8
        $hosts | Remove-MigrationHost -Confirm:$false
        $keyText = Get-Content -Raw $lab.KeyFilePath
        $linesText = Get-Content -Raw $lab.KnownHostsPath
        function global:Get-Secret([string] $Name, [string] $Vault) {
            switch ($Name) {
                'lab-key' { ConvertTo-SecureString $keyText -AsPlainText -Force }
                'lab-hosts' { $linesText }
                default { throw "no secret $Name" }
            }
        }
        $plan = Join-Path $TestDrive 'become.yaml'
        $hostLine = { param($i) "  h${i}: { address: 'livemigrate-lab@$($lab.Addresses[$i - 1]):$($lab.Port)', linkAddress: '$($lab.LanAddresses[$i - 1])', keySecret: lab-key, knownHostsSecret: lab-hosts, become: sudo }" }
        Set-Content $plan (@('version: 1', 'hosts:', (& $hostLine 1), (& $hostLine 3), 'waves:', "  - { name: w, migrations: [ { container: $name, from: h1, to: h3 } ] }") -join "`n")
        try {
            $outcome = Invoke-MigrationPlan $plan -Confirm:$false

            $outcome.Status | Should -Be 'Succeeded'
            $outcome.Result.RunningOn | Should -Be "livemigrate-lab@$($lab.Addresses[2]):$($lab.Port)"
            @(Get-LabContainerLocation $name) | Should -Be @(3)
        }
        finally {
            Remove-Item function:global:Get-Secret
            Get-MigrationHost | Where-Object Name -like 'livemigrate-lab@*' | Remove-MigrationHost -Confirm:$false
            Remove-LabContainer $name
        }
    }
}
