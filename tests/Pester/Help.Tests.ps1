#Requires -Version 7.2
<#
    Help tests: every cmdlet that the built module exports has a docs page (docs/<Name>.md) and complete
    Get-Help (synopsis, description, examples with code, a description for every parameter), and the help
    matches the cmdlet: no undocumented parameter, no stale one, the same parameter sets, and the same
    type, required flag, position, pipeline input, aliases and wildcard support for every parameter.
    Also checks that the help builder (docs/build/ConvertTo-MamlHelp.ps1) refuses incomplete pages.

    The module comes from $env:LIVEMIGRATE_MODULE, else ./out/LiveMigrate under the repository root
    (build it with: dotnet pwsh -NoProfile -File build.ps1 Build).
#>

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = if ($env:LIVEMIGRATE_MODULE) { $env:LIVEMIGRATE_MODULE } else { Join-Path $repoRoot 'out/LiveMigrate' }
    $module = Import-Module $modulePath -PassThru -ErrorAction Stop
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    # One entry per exported cmdlet, with its parameters (common parameters excluded; -WhatIf and -Confirm included).
    $cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
            @{
                Name = $_.Name
                Parameters = @($_.Parameters.Keys | Where-Object { $common -notcontains $_ } | Sort-Object)
            }
        })
}

BeforeAll {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = if ($env:LIVEMIGRATE_MODULE) { $env:LIVEMIGRATE_MODULE } else { Join-Path $repoRoot 'out/LiveMigrate' }
    $module = Import-Module $modulePath -PassThru -ErrorAction Stop
    $docs = Join-Path $repoRoot 'docs'
    $converter = Join-Path $docs 'build/ConvertTo-MamlHelp.ps1'
    $common = [System.Management.Automation.Cmdlet]::CommonParameters

    function Read-DocPage([string] $Path) {
        # The parts of a PlatyPS page that the tests compare with the cmdlet: synopsis, syntax blocks, parameter headings.
        $page = [pscustomobject]@{ Synopsis = ''; Syntax = [System.Collections.Generic.List[object]]::new(); Parameters = [System.Collections.Generic.List[string]]::new() }
        $section = $null; $sub = $null; $code = $null
        foreach ($line in ((Get-Content -Raw -LiteralPath $Path) -replace "`r`n?", "`n") -split "`n") {
            if ($line -match '^\s*```') {
                if ($null -eq $code) { $code = [System.Text.StringBuilder]::new(); continue }
                if ($section -eq 'SYNTAX') {
                    $set = if ($sub) { $sub -replace '\s+\(Default\)$', '' } else { $null }
                    $page.Syntax.Add([pscustomobject]@{ Set = $set; IsDefault = [bool]($sub -match '\(Default\)$'); Code = $code.ToString() })
                }
                $code = $null
                continue
            }
            if ($null -ne $code) { [void]$code.AppendLine($line); continue }
            if ($line -match '^##\s+(.+?)\s*$') { $section = $Matches[1].ToUpperInvariant(); $sub = $null; continue }
            if ($line -match '^###\s+(.+?)\s*$') {
                $sub = $Matches[1]
                if ($section -eq 'PARAMETERS' -and $sub -match '^-(\w+)$') { $page.Parameters.Add($Matches[1]) }
                continue
            }
            if ($section -eq 'SYNOPSIS') { $page.Synopsis += ' ' + $line }
        }
        $page
    }

    function Get-Flat([string] $Text) {
        # Whitespace collapsed and markdown emphasis and code marks dropped, for comparisons.
        (($Text -replace '[`*]', '') -replace '\s+', ' ').Trim()
    }

    function Get-HelpText($Value) {
        # Help text is an array of objects with a Text property (or a plain string).
        (@($Value) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Text } }) -join "`n"
    }

    function Get-PipelineText($Metadata) {
        $by = @()
        if ($Metadata.ValueFromPipelineByPropertyName) { $by += 'ByPropertyName' }
        if ($Metadata.ValueFromPipeline) { $by += 'ByValue' }
        if ($by) { 'True (' + ($by -join ', ') + ')' } else { 'False' }
    }

    function Get-PipelineFlag([string] $Text) {
        # "True (ByPropertyName, ByValue)" and "true (ByValue, ByPropertyName)" say the same.
        if ($Text -notmatch '^\s*true') { return 'False' }
        $by = @(([regex]::Matches($Text, 'ByValue|ByPropertyName') | ForEach-Object Value) | Sort-Object -Unique)
        'True (' + ($by -join ', ') + ')'
    }

    function Test-TypeName([string] $HelpType, [type] $Type) {
        $HelpType -in $Type.Name, $Type.FullName -or ($Type -eq [switch] -and $HelpType -eq 'Switch')
    }
}

Describe 'The built module' {
    It 'exports cmdlets to test' {
        @(Get-Command -Module $module.Name -CommandType Cmdlet).Count | Should -BeGreaterThan 0
    }

    It 'ships the MAML help file and the about topic' {
        Join-Path $module.ModuleBase 'en-US/LiveMigrate.dll-Help.xml' | Should -Exist
        Join-Path $module.ModuleBase 'en-US/about_LiveMigrate.help.txt' | Should -Exist
        { [xml](Get-Content -Raw (Join-Path $module.ModuleBase 'en-US/LiveMigrate.dll-Help.xml')) } | Should -Not -Throw
    }

    It 'has an about_LiveMigrate topic that Get-Help finds' {
        Join-Path $docs 'about_LiveMigrate.help.txt' | Should -Exist
        $topic = Get-Help about_LiveMigrate | Out-String
        $topic | Should -Match 'about_LiveMigrate'
        $topic | Should -Match 'ROLLBACK'
    }

    It 'points Get-Help -Online nowhere, consistently: no cmdlet has a HelpUri and the manifest no HelpInfoUri (no help is published online)' {
        @(Get-Command -Module $module.Name -CommandType Cmdlet | Where-Object HelpUri) | Should -BeNullOrEmpty
        $module.HelpInfoUri | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $docs -Filter '*.md' -File | Where-Object { (Get-Content -LiteralPath $_.FullName -TotalCount 8) -match '^online version:' }) |
            Should -BeNullOrEmpty -Because 'a page would give an address that the others and the manifest do not'
    }

    It 'keeps only cmdlet pages (PlatyPS front matter) in the docs folder; guides live in docs/guides' {
        @(Get-ChildItem -LiteralPath $docs -Filter '*.md' -File | Where-Object { (Get-Content -LiteralPath $_.FullName -TotalCount 1) -ne '---' }) |
            Should -BeNullOrEmpty
    }

    It 'has no docs page for a cmdlet it does not export' {
        $exported = @(Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object Name)
        $pages = Get-ChildItem -LiteralPath $docs -Filter '*.md' -File |
            Where-Object { (Get-Content -LiteralPath $_.FullName -TotalCount 12) -match '^schema:\s*2\.0\.0' } |
            ForEach-Object BaseName
        @($pages | Where-Object { $exported -notcontains $_ }) | Should -BeNullOrEmpty -Because 'a page for a removed or renamed cmdlet is stale'
    }
}

Describe '<Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command -Name $Name -Module $module.Name
        $help = Get-Help -Name $Name -Full
        $pagePath = Join-Path $docs "$Name.md"
        $page = if (Test-Path -LiteralPath $pagePath) { Read-DocPage $pagePath }
        $helpParameters = @($help.parameters.parameter | Where-Object { $_ })
    }

    It 'has a docs page' {
        $pagePath | Should -Exist
    }

    It 'has a synopsis from its help file' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without a help file, Get-Help makes the synopsis up from the syntax.
        $help.Synopsis | Should -Not -Match ('^\s*' + [regex]::Escape($Name) + '\s+[\[\-<]') -Because 'the MAML help must be found and used'
    }

    It 'has built help that matches its docs page' {
        Get-Flat $help.Synopsis | Should -BeExactly (Get-Flat $page.Synopsis) -Because 'out/ must be rebuilt after docs change (build.ps1 Build)'
    }

    It 'has a description' {
        Get-HelpText $help.description | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code and an explanation' {
        $examples = @($help.examples.example | Where-Object { $_ })
        $examples.Count | Should -BeGreaterThan 0
        foreach ($e in $examples) {
            $e.code | Should -Not -BeNullOrEmpty -Because "example '$($e.title)' needs code"
            (Get-HelpText $e.remarks) + (Get-HelpText $e.introduction) | Should -Match '\w' -Because "example '$($e.title)' needs an explanation"
        }
    }

    It 'documents -<_> with a description' -ForEach $Parameters {
        $documented = $helpParameters | Where-Object name -EQ $_
        $documented | Should -Not -BeNullOrEmpty -Because "-$_ is a parameter of $Name"
        Get-HelpText $documented.description | Should -Match '\w' -Because "-$_ needs a description"
        $page.Parameters | Should -Contain $_ -Because "docs/$Name.md needs a '### -$_' section"
    }

    It 'documents no parameter that it does not have' {
        $actual = @($command.Parameters.Keys)
        @($helpParameters.name | Where-Object { $actual -notcontains $_ }) | Should -BeNullOrEmpty -Because 'stale help documents removed or renamed parameters'
        @($page.Parameters | Where-Object { $actual -notcontains $_ }) | Should -BeNullOrEmpty -Because "docs/$Name.md documents removed or renamed parameters"
    }

    It 'documents -<_> with its type, aliases and wildcard support' -ForEach $Parameters {
        $metadata = $command.Parameters[$_]
        $documented = $helpParameters | Where-Object name -EQ $_
        $documented | Should -Not -BeNullOrEmpty
        $typeName = if ($documented.type.name) { $documented.type.name } else { [string]$documented.parameterValue }
        Test-TypeName $typeName $metadata.ParameterType | Should -BeTrue -Because "-$_ is a $($metadata.ParameterType.Name), not '$typeName'"
        $aliases = @(if ($documented.aliases -and $documented.aliases -ne 'none') { $documented.aliases -split ',\s*' })
        ($aliases | Sort-Object) -join ', ' | Should -Be (($metadata.Aliases | Sort-Object) -join ', ') -Because "the aliases of -$_"
        $wildcards = [bool]($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $documented.globbing | Should -Be $wildcards.ToString().ToLowerInvariant() -Because "-$_ $(if ($wildcards) { 'accepts' } else { 'does not accept' }) wildcards"
    }

    It 'has one syntax per parameter set, with the same parameters' {
        $expected = @($command.ParameterSets | ForEach-Object {
                (@($_.Parameters.Name | Where-Object { $common -notcontains $_ } | Sort-Object) -join ' ')
            } | Sort-Object)
        $documented = @($help.syntax.syntaxItem | Where-Object { $_ } | ForEach-Object {
                (@($_.parameter.name | Where-Object { $_ } | Sort-Object) -join ' ')
            } | Sort-Object)
        $documented | Should -Be $expected
    }

    It 'shows, for every parameter set, whether each parameter is required, its position and its pipeline input' {
        foreach ($set in $command.ParameterSets) {
            $names = @($set.Parameters.Name | Where-Object { $common -notcontains $_ } | Sort-Object) -join ' '
            $item = $help.syntax.syntaxItem | Where-Object { (@($_.parameter.name | Sort-Object) -join ' ') -eq $names } | Select-Object -First 1
            $item | Should -Not -BeNullOrEmpty -Because "parameter set '$($set.Name)' needs a syntax item"
            foreach ($p in $set.Parameters | Where-Object { $common -notcontains $_.Name }) {
                $shown = $item.parameter | Where-Object name -EQ $p.Name
                $where = "-$($p.Name) in parameter set '$($set.Name)'"
                $shown.required | Should -Be $p.IsMandatory.ToString().ToLowerInvariant() -Because "$where is$(if (-not $p.IsMandatory) { ' not' }) mandatory"
                $position = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
                $shown.position | Should -Be $position -Because "the position of $where"
                Get-PipelineFlag $shown.pipelineInput | Should -Be (Get-PipelineText $p) -Because "the pipeline input of $where"
            }
        }
    }

    It 'has docs syntax blocks that equal Get-Command -Syntax, one per parameter set' {
        $sets = @($command.ParameterSets)
        $page.Syntax.Count | Should -Be $sets.Count
        foreach ($set in $sets) {
            $block = if ($sets.Count -eq 1) { $page.Syntax[0] } else { $page.Syntax | Where-Object Set -EQ $set.Name }
            $block | Should -Not -BeNullOrEmpty -Because "docs/$Name.md needs '### $($set.Name)' in SYNTAX"
            if ($sets.Count -gt 1 -or $block.Set) { $block.Set | Should -Be $set.Name }
            if ($sets.Count -gt 1) { $block.IsDefault | Should -Be ($set.Name -eq $command.DefaultParameterSet) -Because "only the default set is marked (Default)" }
            Get-Flat $block.Code | Should -Be (Get-Flat "$Name $set") -Because "the syntax of parameter set '$($set.Name)' (case is ignored)"
        }
    }
}

Describe 'ConvertTo-MamlHelp' {
    BeforeAll {
        $good = (Get-Content -Raw -LiteralPath (Join-Path $docs 'Get-MigrationHost.md')) -replace "`r`n?", "`n"
        function Invoke-Converter([string] $Markdown) {
            $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            New-Item -ItemType Directory -Path $dir | Out-Null
            Set-Content -LiteralPath (Join-Path $dir 'Get-MigrationHost.md') -Value $Markdown -NoNewline
            $out = Join-Path $dir 'out/LiveMigrate.dll-Help.xml'
            & $converter -MarkdownPath $dir -OutputPath $out
            $out
        }
    }

    It 'converts a complete page into MAML that names the command' {
        $out = Invoke-Converter $good
        $xml = [xml](Get-Content -Raw $out)
        $ns = [System.Xml.XmlNamespaceManager]::new($xml.NameTable)
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $xml.SelectSingleNode('//command:details/command:name', $ns).InnerText | Should -Be 'Get-MigrationHost'
    }

    It 'refuses an empty online version (an address, or no key)' {
        $page = $good -replace '(?m)^Module Name: LiveMigrate$', "Module Name: LiveMigrate`nonline version:"
        { Invoke-Converter $page } | Should -Throw -ExpectedMessage "*'online version' is empty*"
    }

    It 'refuses a page without a synopsis' {
        $page = $good -replace '(?s)(## SYNOPSIS\n).*?(\n## SYNTAX)', '$1$2'
        { Invoke-Converter $page } | Should -Throw -ExpectedMessage '*synopsis is empty*'
    }

    It 'refuses a page without a description' {
        $page = $good -replace '(?s)(## DESCRIPTION\n).*?(\n## EXAMPLES)', '$1$2'
        { Invoke-Converter $page } | Should -Throw -ExpectedMessage '*description is empty*'
    }

    It 'refuses a page without an example' {
        $page = $good -replace '(?s)(## EXAMPLES\n).*?(\n## PARAMETERS)', '$1$2'
        { Invoke-Converter $page } | Should -Throw -ExpectedMessage '*no example*'
    }

    It 'refuses an example without code' {
        $page = $good -replace '(?s)(### Example 1: [^\n]*\n).*?(\n### Example 2)', "`$1`nShows every connection.`n`$2"
        { Invoke-Converter $page } | Should -Throw -ExpectedMessage '*has no code block*'
    }

    It 'refuses a parameter without a description' {
        $page = $good -replace '(?s)(### -Name\n).*?(```yaml)', '$1$2'
        { Invoke-Converter $page } | Should -Throw -ExpectedMessage '*-Name has no description*'
    }

    It 'refuses a syntax block that does not match the documented parameters' {
        $page = $good -replace 'Get-MigrationHost \[\[-Name\] <string\[\]>\]', 'Get-MigrationHost [[-Name] <string[]>] [-Extra]'
        { Invoke-Converter $page } | Should -Throw -ExpectedMessage '*shows -Extra*'
    }

    It 'leaves no help file behind when it refuses' {
        $dir = Join-Path $TestDrive 'refused'
        New-Item -ItemType Directory -Path $dir | Out-Null
        Set-Content -LiteralPath (Join-Path $dir 'Get-MigrationHost.md') -Value ($good -replace '(?s)(## SYNOPSIS\n).*?(\n## SYNTAX)', '$1$2')
        { & $converter -MarkdownPath $dir -OutputPath (Join-Path $dir 'LiveMigrate.dll-Help.xml') } | Should -Throw
        Join-Path $dir 'LiveMigrate.dll-Help.xml' | Should -Not -Exist
    }
}
