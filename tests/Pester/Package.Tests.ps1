#Requires -Version 7.2
<#
    The packages `build.ps1 Package` writes next to the module folder: out/LiveMigrate.<version>.nupkg (what a gallery
    gets) and out/LiveMigrate.<version>.zip (what an automation account imports). The nupkg is published to a local
    file repository, installed with Install-PSResource into a clean module path and moved a container in the lab from
    a fresh pwsh, as a user who installed it would.
#>
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

BeforeAll {
    Add-Type -AssemblyName System.IO.Compression
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = if ($env:LIVEMIGRATE_MODULE) { $env:LIVEMIGRATE_MODULE } else { Join-Path $repoRoot 'out/LiveMigrate' }
    $version = (Import-PowerShellDataFile (Join-Path $modulePath 'LiveMigrate.psd1')).ModuleVersion
    $outDir = Split-Path $modulePath
    $nupkg = Join-Path $outDir "LiveMigrate.$version.nupkg"
    $zip = Join-Path $outDir "LiveMigrate.$version.zip"
    if (-not (Test-Path $nupkg) -or -not (Test-Path $zip)) {
        throw "No package next to $modulePath`: run 'dotnet pwsh -NoProfile -File build.ps1 Package' first."
    }

    function Get-ArchiveEntry([string] $Path) {
        $archive = [IO.Compression.ZipFile]::OpenRead($Path)
        try { @($archive.Entries | ForEach-Object FullName) } finally { $archive.Dispose() }
    }

    function Read-ArchiveText([string] $Path, [string] $Entry) {
        $archive = [IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $reader = [IO.StreamReader]::new($archive.GetEntry($Entry).Open())
            try { $reader.ReadToEnd() } finally { $reader.Dispose() }
        } finally { $archive.Dispose() }
    }

    # A fresh pwsh whose home and per-user folders (module path, PSResourceGet's repository list) are $DataHome,
    # so nothing of this user's own modules or repositories takes part. Returns its output; throws on failure.
    function Invoke-CleanPwsh([string] $DataHome, [string] $Script, [string[]] $Arguments) {
        $self = (Get-Process -Id $PID).Path
        [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $file = Join-Path $DataHome "step-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content $file $Script
        $saved = $env:HOME, $env:XDG_DATA_HOME, $env:PSModulePath
        try {
            $env:HOME = $DataHome
            $env:XDG_DATA_HOME = $env:PSModulePath = $null
            $output = & $self @prefix -NoProfile -NonInteractive -File $file @Arguments 2>&1
            if ($LASTEXITCODE -ne 0) { throw "The fresh pwsh failed ($LASTEXITCODE): $($output -join "`n")" }
            $output
        } finally { $env:HOME, $env:XDG_DATA_HOME, $env:PSModulePath = $saved }
    }
}

Describe 'build.ps1 Package' {
    It 'puts the laid-out module, with its LICENSE, in the nupkg' {
        $entries = Get-ArchiveEntry $nupkg
        $entries | Should -Contain 'LICENSE'
        $entries | Should -Contain 'LiveMigrate.psd1'
        $entries | Should -Contain 'LiveMigrate.dll'
        $entries | Should -Contain 'page-guard'
        $entries | Should -Contain 'en-US/LiveMigrate.dll-Help.xml'
        $entries | Should -Contain 'core/LiveMigrate.Engine.dll'
        $entries | Should -Contain 'desktop/LiveMigrate.Engine.dll'
    }

    It 'describes the module in the nuspec: tags for both editions and platforms, release notes, no invented URL' {
        $nuspec = [xml](Read-ArchiveText $nupkg 'LiveMigrate.nuspec')
        $tags = $nuspec.package.metadata.tags -split '\s+'
        foreach ($tag in 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'PSModule') { $tags | Should -Contain $tag }
        $nuspec.package.metadata.releaseNotes | Should -Match 'Live migration'
        $nuspec.package.metadata.version | Should -Be $version
        (Read-ArchiveText $nupkg 'LiveMigrate.nuspec') | Should -Not -Match 'example\.(invalid|com|org)'
        (Read-ArchiveText $nupkg 'LICENSE') | Should -Match '^MIT License'
    }

    It 'states the .NET Framework that Windows PowerShell needs for the netstandard2.0 build' {
        (Import-PowerShellDataFile (Join-Path $modulePath 'LiveMigrate.psd1')).DotNetFrameworkVersion | Should -Be '4.7.2'
    }

    It 'takes the release notes from the CHANGELOG section of its version' {
        $changelog = (Get-Content -Raw (Join-Path $repoRoot 'CHANGELOG.md')) -replace "`r`n?", "`n"
        $changelog -match ('(?ms)^## ' + [regex]::Escape($version) + '\s*$\n(.*?)(?=^## |\z)') | Should -BeTrue
        (Import-PowerShellDataFile (Join-Path $modulePath 'LiveMigrate.psd1')).PrivateData.PSData.ReleaseNotes | Should -Be $Matches[1].Trim()
    }

    It 'lays the zip out for an automation account: the module folder at its root' {
        $entries = Get-ArchiveEntry $zip
        $entries | ForEach-Object { $_ -replace '\\', '/' } | Where-Object { $_ -notlike 'LiveMigrate/*' } | Should -BeNullOrEmpty
        $entries | Should -Contain 'LiveMigrate/LiveMigrate.psd1'
        $entries | Should -Contain 'LiveMigrate/LICENSE'
    }
}

Describe 'The module installed from its package' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        $dataHome = Join-Path ([IO.Path]::GetTempPath()) "livemigrate-install-$PID"
        Remove-Item -Recurse -Force $dataHome -ErrorAction Ignore
        $repository = New-Item -ItemType Directory (Join-Path $dataHome 'repository')
        $name = 'pkgmove'
        Remove-LabContainer $name
        $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 16
    }
    AfterAll {
        Remove-LabContainer $name
        Remove-Item -Recurse -Force $dataHome -ErrorAction Ignore
    }

    It 'is published to a local repository and installed with Install-PSResource' {
        $installed = Invoke-CleanPwsh $dataHome @'
param($repository, $nupkg)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name Local -Uri $repository -Trusted
Publish-PSResource -NupkgPath $nupkg -Repository Local
Install-PSResource -Name LiveMigrate -Repository Local -Scope CurrentUser
(Get-Module -ListAvailable LiveMigrate).ModuleBase
'@ @($repository.FullName, $nupkg)
        Test-Path (Join-Path $repository "LiveMigrate.$version.nupkg") | Should -BeTrue
        $installed | Should -Be (Join-Path $dataHome ".local/share/powershell/Modules/LiveMigrate/$version")
    }

    It 'imports by name in a fresh pwsh and moves a container from lab host 1 to 2' {
        $moved = Invoke-CleanPwsh $dataHome @'
param($lab, $name)
$ErrorActionPreference = 'Stop'
$module = Import-Module LiveMigrate -PassThru
Import-Module $lab
$result = Move-Container -Name $name -Source (Connect-LabHost 1) -Destination (Connect-LabHost 2)
[pscustomobject]@{ ModuleBase = $module.ModuleBase; Status = "$($result.Status)"; RunningOn = $result.RunningOn } | ConvertTo-Json -Compress
'@ @((Join-Path $PSScriptRoot '../lab/Lab.psm1'), $name)
        $answer = $moved | Select-Object -Last 1 | ConvertFrom-Json
        $answer.ModuleBase | Should -BeLike "$dataHome/*"
        $answer.Status | Should -Be 'Succeeded'
        $answer.RunningOn | Should -Be (Get-LabHostName 2)
        @(Get-LabContainerLocation $name) | Should -Be @(2)
        $after = Wait-WorkloadTick 2 $name 0
        $after.errors | Should -Be 0
        $after.seed | Should -Be $start.seed -Because 'the same process continues'
    }
}
