# -Compress in the lab: explicit codecs on both routes with the workload checking its memory, and Auto's choice judged
# from the numbers readiness reports (ratios and its choice), never from timings.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'Move-Container -Compress' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $hosts = 1..2 | ForEach-Object { Connect-LabHost $_ }

        # The Compression row of readiness for the container on lab host 1: its choice and each codec's ratio in percent.
        function Get-CompressionRow([string] $Name) {
            $row = Test-MigrationReadiness -Name $Name -Source $hosts[0] -Destination $hosts[1] -NoCanary | Where-Object Check -eq 'Compression'
            $ratios = @{}
            foreach ($m in [regex]::Matches($row.Detail, '(zstd|lz4) (\d+)% of its size')) { $ratios[$m.Groups[1].Value] = [int]$m.Groups[2].Value }
            @{ Row = $row; Choice = ($row.Detail -split ':')[0]; Ratios = $ratios }
        }
    }

    Context 'a Stop move with an explicit codec, <Route>' -ForEach @(@{ Route = 'Direct' }, @{ Route = 'Relay' }) {
        BeforeAll {
            $name = "cmp$($Route.ToLowerInvariant())"
            Remove-LabContainer $name
            $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 64 -ExtraArguments @('--compressible')
        }
        AfterAll { Remove-LabContainer $name }

        It 'moves with <Codec> there and back, the memory intact' -ForEach @(@{ Codec = 'Zstd' }, @{ Codec = 'Lz4' }) {
            foreach ($hop in @(@(1, 2), @(2, 1))) {
                $before = Wait-WorkloadTick $hop[0] $name 0
                $verbose = $null
                $result = Move-Container -Name $name -Source $hosts[$hop[0] - 1] -Destination $hosts[$hop[1] - 1] -Compress $Codec -TransferRoute $Route -Verbose 4>&1 |
                    Tee-Object -Variable verbose | Where-Object { $_ -is [LiveMigrate.Migration.MigrationResult] }

                $result.Status | Should -Be 'Succeeded'
                $result.Compression | Should -Be $Codec
                $result.TransferRoute | Should -Be $Route
                # The count is the tar stream's, before compression: the images and the bundle's changes.
                $result.BytesTransferred | Should -BeGreaterThan 64MB
                ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match "Compression .*: ${Codec}: as asked" }) | Should -Not -BeNullOrEmpty
                $after = Wait-WorkloadTick $hop[1] $name ($before.counter + 20)
                $after.errors | Should -Be 0
                $after.seed | Should -Be $start.seed -Because 'the same process continues, its memory checked word by word'
            }
        }
    }

    Context 'Copy-Container -Compress' {
        BeforeAll { 'cmpclone', 'cmpclone-1' | ForEach-Object { Remove-LabContainer $_ } }
        AfterAll { 'cmpclone', 'cmpclone-1' | ForEach-Object { Remove-LabContainer $_ } }

        It 'clones with Lz4, the clone''s memory intact' {
            $start = New-LabWorkload -HostIndex 1 -Name 'cmpclone' -MiB 32 -ExtraArguments @('--compressible')
            $result = Copy-Container 'cmpclone' -Source $hosts[0] -Destination $hosts[1] -Compress Lz4

            $result.Status | Should -Be 'Running'
            $clone = Wait-WorkloadTick 2 'cmpclone-1' 0
            $clone.errors | Should -Be 0
            $clone.seed | Should -Be $start.seed -Because 'the clone holds the original''s memory, checked word by word'
        }
    }

    Context 'Auto' {
        AfterEach { Remove-LabContainer 'cmpauto' }

        It 'picks None for incompressible memory: no codec shrinks it' {
            New-LabWorkload -HostIndex 1 -Name 'cmpauto' -MiB 64 | Out-Null
            $c = Get-CompressionRow 'cmpauto'

            $c.Row.Status | Should -Be 'Pass'
            $c.Ratios['zstd'] | Should -BeGreaterOrEqual 95
            $c.Ratios['lz4'] | Should -BeGreaterOrEqual 95
            $c.Choice | Should -Be 'None' -Because 'a stream no smaller than the data cannot beat the link'
            $result = Move-Container -Name 'cmpauto' -Source $hosts[0] -Destination $hosts[1]
            ($result.Status, $result.Compression) | Should -Be @('Succeeded', 'None')
        }

        It 'picks a codec for compressible memory, and the move uses it' {
            New-LabWorkload -HostIndex 1 -Name 'cmpauto' -MiB 64 -ExtraArguments @('--compressible') | Out-Null
            $c = Get-CompressionRow 'cmpauto'

            $c.Ratios['zstd'] | Should -BeLessOrEqual 20
            $c.Ratios['lz4'] | Should -BeLessOrEqual 20
            $c.Choice | Should -BeIn @('Zstd', 'Lz4')
            $result = Move-Container -Name 'cmpauto' -Source $hosts[0] -Destination $hosts[1]
            ($result.Status, $result.Compression) | Should -Be @('Succeeded', $c.Choice)
            (Wait-WorkloadTick 2 'cmpauto' 0).errors | Should -Be 0
        }
    }
}
