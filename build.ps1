#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests and demonstrates LiveMigrate.
.DESCRIPTION
    Tasks (run in the order given):
      Bootstrap  install runc, CRIU 4, iptables, sshd, busybox-static, gcc (Debian) and Pester (NuGet)
      Build      lay the importable module out in out/LiveMigrate (Import-Module ./out/LiveMigrate)
      Package    out/LiveMigrate.<version>.nupkg (for a gallery, made by Publish-PSResource) and
               out/LiveMigrate.<version>.zip (for an automation account: the module folder at its root)
      Lab        start three SSH test hosts on loopback (-Stop tears the lab down)
      Test       xunit for the engine, Pester for the cmdlets and the lab; prints "N passed, N failed, N skipped"
      Demo       a real live migration of a workload container lm1 -> lm2 -> lm3
      Bench      the benchmark tables (bench/bench.ps1: downtime; bench/drain.ps1: draining a host;
               bench/network.ps1: what a network service's clients see during a move)
    Test, Demo and Bench bring in Bootstrap, Build and Lab themselves.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Bootstrap', 'Build', 'Package', 'Lab', 'Test', 'Demo', 'Bench', 'Clean')]
    [string[]] $Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # With Lab: stop the lab instead of starting it.
    [switch] $Stop,
    # With Test: skip the lab tests (xunit and cmdlet contract tests only).
    [switch] $NoIntegration
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
$root = $PSScriptRoot
$out = Join-Path $root 'out/LiveMigrate'
$obj = Join-Path $root 'out/obj'
$script:done = @{}

function Invoke-Native {
    # A simple function (no param block), so arguments such as -o reach the program untouched.
    $file = $args[0]
    $rest = @($args | Select-Object -Skip 1)
    & $file @rest
    if ($LASTEXITCODE -ne 0) { throw "$file $($rest -join ' ') exited with $LASTEXITCODE" }
}

function Get-Version {
    ([xml](Get-Content (Join-Path $root 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
}

function Get-ReleaseNote {
    # The section of CHANGELOG.md under the heading of this version.
    $version = Get-Version
    $text = (Get-Content -Raw (Join-Path $root 'CHANGELOG.md')) -replace "`r`n?", "`n"
    $pattern = '(?ms)^## ' + [regex]::Escape($version) + '\s*$\n(.*?)(?=^## |\z)'
    if ($text -notmatch $pattern) { throw "CHANGELOG.md has no '## $version' section: add the release notes of version $version." }
    $Matches[1].Trim()
}

function Invoke-Task([string] $Name) {
    if ($script:done[$Name]) { return }
    $script:done[$Name] = $true
    Write-Host "== $Name" -ForegroundColor Cyan
    & "Task-$Name"
}

function Task-Clean { Remove-Item -Recurse -Force (Join-Path $root 'out') -ErrorAction Ignore }

function Task-Bootstrap {
    if ($IsLinux) { Invoke-Native bash (Join-Path $root 'tests/lab/install-packages.sh') }
    Invoke-Native dotnet restore (Join-Path $root 'tests/tools/TestTools.csproj') --verbosity quiet
}

function Task-Build {
    Remove-Item -Recurse -Force $out, $obj -ErrorAction Ignore
    # desktop/: netstandard2.0 builds for Windows PowerShell; core/: the engine's net8.0 build for PowerShell 7.
    Invoke-Native dotnet publish (Join-Path $root 'src/LiveMigrate/LiveMigrate.csproj') -c $Configuration -o "$obj/desktop" --nologo -v quiet
    Invoke-Native dotnet publish (Join-Path $root 'src/LiveMigrate.Engine/LiveMigrate.Engine.csproj') -c $Configuration -f net8.0 -o "$obj/core" --nologo -v quiet
    Invoke-Native dotnet publish (Join-Path $root 'src/LiveMigrate.Isolation/LiveMigrate.Isolation.csproj') -c $Configuration -o "$obj/core" --nologo -v quiet
    New-Item -ItemType Directory -Force "$out/desktop", "$out/core", "$out/en-US" | Out-Null
    Copy-Item "$obj/desktop/LiveMigrate.dll" $out
    # The page guard runs on destination hosts (x86-64 Linux), which need nothing installed for it: static, stripped.
    Invoke-Native gcc -O2 -static -s -Wall -Wextra -Werror -o "$out/page-guard" (Join-Path $root 'src/page-guard/page-guard.c') (Join-Path $root 'src/page-guard/page-bridge.c')
    Get-ChildItem "$obj/desktop/*.dll" -Exclude 'LiveMigrate.dll', 'System.Management.Automation.dll' | Copy-Item -Destination "$out/desktop"
    Get-ChildItem "$obj/core/*.dll" | Copy-Item -Destination "$out/core"
    Copy-Item (Join-Path $root 'module/LiveMigrate/*.ps1xml') $out
    Copy-Item -Recurse (Join-Path $root 'module/LiveMigrate/Schemas') $out
    Copy-Item (Join-Path $root 'LICENSE') $out
    (Get-Content -Raw (Join-Path $root 'module/LiveMigrate/LiveMigrate.psd1')).
        Replace('{{ModuleVersion}}', (Get-Version)).
        Replace('{{ReleaseNotes}}', (Get-ReleaseNote).Replace("'", "''")) |
        Set-Content -NoNewline "$out/LiveMigrate.psd1"
    $helpBuilder = Join-Path $root 'docs/build/ConvertTo-MamlHelp.ps1'
    if (Test-Path $helpBuilder) {
        & $helpBuilder -MarkdownPath (Join-Path $root 'docs') -OutputPath "$out/en-US/LiveMigrate.dll-Help.xml"
        Get-ChildItem (Join-Path $root 'docs/about_*.help.txt') -ErrorAction Ignore | Copy-Item -Destination "$out/en-US"
    }
    Write-Host "Module laid out in $out (version $(Get-Version))"
}

function Task-Package {
    # The module as Publish-PSResource makes it for a gallery (out/LiveMigrate.<version>.nupkg), and a zip with the
    # module folder at its root, as an automation account imports it (out/LiveMigrate.<version>.zip).
    Invoke-Task Build
    $version = Get-Version
    $staging = Join-Path $root 'out/package-repository'
    Remove-Item -Recurse -Force $staging, "$root/out/LiveMigrate.$version.nupkg", "$root/out/LiveMigrate.$version.zip" -ErrorAction Ignore
    New-Item -ItemType Directory $staging | Out-Null
    # A throwaway local repository: Publish-PSResource only writes into a registered one.
    $repository = "LiveMigrateBuild-$PID"
    Register-PSResourceRepository -Name $repository -Uri $staging -Trusted
    try { Publish-PSResource -Path $out -Repository $repository }
    finally { Unregister-PSResourceRepository -Name $repository }
    Move-Item (Join-Path $staging "LiveMigrate.$version.nupkg") (Join-Path $root 'out')
    Remove-Item -Recurse -Force $staging
    Compress-Archive -Path $out -DestinationPath (Join-Path $root "out/LiveMigrate.$version.zip")
    Write-Host "Packaged out/LiveMigrate.$version.nupkg and out/LiveMigrate.$version.zip"
}

function Task-Lab {
    if (-not $IsLinux) { throw 'The lab needs Linux (runc, CRIU, namespaces).' }
    if ($Stop) { Invoke-Native bash (Join-Path $root 'tests/lab/lab.sh') stop; return }
    Invoke-Task Bootstrap
    Invoke-Native bash (Join-Path $root 'tests/lab/lab.sh') start 3
}

function Invoke-FreshPwsh([string] $Script, [string[]] $Arguments) {
    # A loaded binary module cannot be unloaded: every run of the module gets its own process.
    $self = (Get-Process -Id $PID).Path
    # Under `dotnet pwsh` this process is dotnet itself, which runs pwsh.dll.
    [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
    & $self @prefix -NoProfile -NonInteractive -File $Script @Arguments | Out-Host
    return $LASTEXITCODE
}

function Task-Test {
    Invoke-Task Bootstrap
    Invoke-Task Package
    if (-not $NoIntegration) { Invoke-Task Lab }
    $results = Join-Path $root 'out/test-results'
    New-Item -ItemType Directory -Force $results | Out-Null

    $trx = Join-Path $results 'engine.trx'
    & dotnet test (Join-Path $root 'tests/LiveMigrate.Engine.Tests/LiveMigrate.Engine.Tests.csproj') -c $Configuration --nologo `
        --logger "trx;LogFileName=$trx" --logger 'console;verbosity=normal'
    $xunit = @{ passed = 0; failed = 0; skipped = 0 }
    if (Test-Path $trx) {
        $counters = ([xml](Get-Content $trx)).TestRun.ResultSummary.Counters
        $xunit = @{ passed = [int]$counters.passed; failed = [int]$counters.failed + [int]$counters.error; skipped = [int]$counters.notExecuted }
    } else { $xunit.failed = 1 }

    $pesterJson = Join-Path $results 'pester.json'
    Remove-Item $pesterJson -ErrorAction Ignore
    $pesterArgs = @('-ModulePath', $out, '-ResultPath', $pesterJson)
    if ($NoIntegration) { $pesterArgs += '-NoIntegration' }
    $null = Invoke-FreshPwsh (Join-Path $root 'tests/Invoke-PesterTests.ps1') $pesterArgs
    $pester = if (Test-Path $pesterJson) { Get-Content -Raw $pesterJson | ConvertFrom-Json } else { [pscustomobject]@{ passed = 0; failed = 1; skipped = 0 } }

    $passed = $xunit.passed + $pester.passed
    $failed = $xunit.failed + $pester.failed
    $skipped = $xunit.skipped + $pester.skipped
    Write-Host "xunit: $($xunit.passed) passed, $($xunit.failed) failed, $($xunit.skipped) skipped"
    Write-Host "Pester: $($pester.passed) passed, $($pester.failed) failed, $($pester.skipped) skipped"
    "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { $script:exitCode = 1 }
}

function Task-Demo {
    Invoke-Task Build
    Invoke-Task Lab
    if ((Invoke-FreshPwsh (Join-Path $root 'examples/Demo.ps1') @('-ModulePath', $out)) -ne 0) { $script:exitCode = 1 }
}

function Task-Bench {
    Invoke-Task Build
    Invoke-Task Lab
    foreach ($bench in 'bench.ps1', 'drain.ps1', 'network.ps1') {
        if ((Invoke-FreshPwsh (Join-Path $root "bench/$bench") @('-ModulePath', $out)) -ne 0) { $script:exitCode = 1 }
    }
}

$script:exitCode = 0
foreach ($t in $Task) { Invoke-Task $t }
exit $script:exitCode
