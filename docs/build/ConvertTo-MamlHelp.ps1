#Requires -Version 5.1
<#
.SYNOPSIS
    Converts PlatyPS-schema markdown cmdlet pages into the MAML help file that Get-Help reads.
.DESCRIPTION
    Reads every *.md page directly in -MarkdownPath that has a YAML front matter block (PlatyPS 0.14
    schema 2.0.0: # Name, ## SYNOPSIS, ## SYNTAX, ## DESCRIPTION, ## EXAMPLES, ## PARAMETERS, ## INPUTS,
    ## OUTPUTS, ## NOTES, ## RELATED LINKS) and writes one MAML file (command:command elements in the
    maml, command and dev namespaces) for a binary module's <assembly>-Help.xml.

    Pages are checked before anything is written, and every problem of every page is reported at once;
    the script throws when a page has no synopsis, no description, no example, an example without code,
    a parameter without a description or without its yaml block, an unknown section or yaml key, a
    parameter set that the SYNTAX section does not name, a SYNTAX block that does not list exactly the
    parameters documented for its set, or a PlatyPS placeholder ({{ ... }}) left in. Markdown files without
    front matter (a README) and PlatyPS module pages (front matter with "Module Guid") are skipped.

    Like PlatyPS, the MAML syntax is built from the PARAMETERS section (one syntax item per parameter
    set); the SYNTAX code blocks give the order of the parameters in each item.
.PARAMETER MarkdownPath
    The folder holding the cmdlet pages (not searched recursively).
.PARAMETER OutputPath
    The MAML file to write, for example out/LiveMigrate/en-US/LiveMigrate.dll-Help.xml. Only pages whose
    "external help file" is this file's name are included. The file is replaced only when every page is valid.
.EXAMPLE
    ./docs/build/ConvertTo-MamlHelp.ps1 -MarkdownPath docs -OutputPath out/LiveMigrate/en-US/LiveMigrate.dll-Help.xml
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $MarkdownPath,
    [Parameter(Mandatory = $true)]
    [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

$nsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$nsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$nsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$nsMSHelp = 'http://msdn.microsoft.com/mshelp'

$knownSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$requiredSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS'
$yamlKeys = 'Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value',
    'Accept pipeline input', 'Accept wildcard characters'
$requiredYamlKeys = 'Type', 'Parameter Sets', 'Required', 'Position'
$allSets = '(All)'

#region Markdown blocks

function Split-Block {
    <#
        Turns a page body into a flat list of blocks: headings, fenced code and paragraphs (consecutive
        non-blank lines). Lines keep their numbers for error messages.
    #>
    param([string[]] $Lines, [int] $FirstLine, [System.Collections.Generic.List[string]] $Problems, [string] $File)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        $number = $FirstLine + $i
        if ($line -match '^\s*(```+|~~~+)\s*([\w+-]*)\s*$') {
            $fence = $Matches[1]
            $lang = $Matches[2]
            $code = [System.Collections.Generic.List[string]]::new()
            $i++
            $closed = $false
            while ($i -lt $Lines.Count) {
                if ($Lines[$i] -match ('^\s*' + [regex]::Escape($fence) + '\s*$')) { $closed = $true; break }
                $code.Add($Lines[$i])
                $i++
            }
            if (-not $closed) { $Problems.Add("${File}:${number}: a code block opened here is never closed.") }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Language = $lang; Text = ($code -join "`n"); Line = $number })
            $i++
            continue
        }
        if ($line -match '^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$') {
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Level = $Matches[1].Length; Text = $Matches[2]; Line = $number })
            $i++
            continue
        }
        if ($line.Trim().Length -eq 0) { $i++; continue }
        $para = [System.Collections.Generic.List[string]]::new()
        while ($i -lt $Lines.Count -and $Lines[$i].Trim().Length -gt 0 -and
            $Lines[$i] -notmatch '^#{1,6}\s' -and $Lines[$i] -notmatch '^\s*(```+|~~~+)') {
            $para.Add($Lines[$i])
            $i++
        }
        $blocks.Add([pscustomobject]@{ Kind = 'Paragraph'; Lines = $para.ToArray(); Line = $number })
    }
    $blocks
}

function ConvertFrom-Inline([string] $Text) {
    # Get-Help shows plain text: links become "text (uri)" (just "text" for links to other pages), emphasis
    # and code marks are dropped, backslash escapes resolved. Code spans are kept literally (`*.md` stays *.md).
    $parts = [regex]::Split($Text, '(`+[^`]*?`+)')
    $result = foreach ($part in $parts) {
        if ($part -match '^(`+)(.*?)\1$') { $Matches[2].Trim(); continue }
        $t = [regex]::Replace($part, '\[([^\]]+)\]\(([^)\s]*)\)', {
                param($m)
                $uri = $m.Groups[2].Value
                if ($uri -match '^https?://') { '{0} ({1})' -f $m.Groups[1].Value, $uri } else { $m.Groups[1].Value }
            })
        $t = [regex]::Replace($t, '\*\*(\S(?:.*?\S)?)\*\*', '$1')
        $t = [regex]::Replace($t, '(?<![\w*\\])\*(\S(?:[^*]*?\S)?)\*(?![\w*])', '$1')
        [regex]::Replace($t, '\\([\\`*_{}\[\]()#+\-.!<>|])', '$1')
    }
    $result -join ''
}

function ConvertTo-Para {
    <#
        Paragraph blocks become MAML paragraphs. Soft-wrapped lines are joined; list items stay one per
        line; fenced code inside prose (an example's output, say) is kept verbatim: Get-Help indents it.
    #>
    param([object[]] $Blocks)
    foreach ($b in $Blocks) {
        if ($b.Kind -eq 'Code') {
            $b.Text
            continue
        }
        $items = [System.Collections.Generic.List[string]]::new()
        $current = $null
        foreach ($line in $b.Lines) {
            $t = $line.Trim()
            if ($t -match '^([-*+]|\d+[.)])\s+') {
                if ($null -ne $current) { $items.Add($current) }
                $current = $t
            } elseif ($null -eq $current) {
                $current = $t
            } else {
                $current = $current + ' ' + $t
            }
        }
        if ($null -ne $current) { $items.Add($current) }
        $isList = $b.Lines.Count -gt 0 -and $b.Lines[0].Trim() -match '^([-*+]|\d+[.)])\s+'
        if ($isList) {
            ($items | ForEach-Object { ConvertFrom-Inline $_ }) -join "`n"
        } else {
            ConvertFrom-Inline ($items -join ' ')
        }
    }
}

#endregion

#region Page model

function Read-Page {
    param([System.IO.FileInfo] $File, [System.Collections.Generic.List[string]] $Problems)
    $name = $File.Name
    $all = (Get-Content -LiteralPath $File.FullName -Raw -Encoding UTF8) -replace "`r`n?", "`n"
    $lines = $all -split "`n"

    # Front matter.
    if ($lines.Count -eq 0 -or $lines[0].Trim() -ne '---') {
        Write-Verbose "Skipping $name : no YAML front matter, so not a cmdlet page."
        return $null
    }
    $end = -1
    for ($i = 1; $i -lt $lines.Count; $i++) { if ($lines[$i].Trim() -eq '---') { $end = $i; break } }
    if ($end -lt 0) { $Problems.Add("${name}:1: the front matter is never closed with ---."); return $null }
    $front = @{}
    for ($i = 1; $i -lt $end; $i++) {
        if ($lines[$i] -match '^\s*([^:#]+?)\s*:\s*(.*?)\s*$') { $front[$Matches[1]] = $Matches[2] }
    }
    if ($front.ContainsKey('Module Guid')) { Write-Verbose "Skipping $name : a module page."; return $null }

    $page = [pscustomobject]@{
        File = $name; Name = $null; HelpFile = $front['external help file']; OnlineVersion = $front['online version']
        Synopsis = @(); Description = @(); SyntaxSets = [System.Collections.Generic.List[object]]::new()
        Examples = [System.Collections.Generic.List[object]]::new(); Parameters = [System.Collections.Generic.List[object]]::new()
        Inputs = [System.Collections.Generic.List[object]]::new(); Outputs = [System.Collections.Generic.List[object]]::new()
        Notes = @(); Links = [System.Collections.Generic.List[object]]::new()
    }
    if ($front['schema'] -ne '2.0.0') { $Problems.Add("${name}:1: the front matter must say 'schema: 2.0.0' (PlatyPS markdown schema).") }
    if (-not $page.HelpFile) { $Problems.Add("${name}:1: the front matter has no 'external help file'.") }
    if (-not $front.ContainsKey('Module Name') -or -not $front['Module Name']) { $Problems.Add("${name}:1: the front matter has no 'Module Name'.") }
    # An empty key would leave Get-Help -Online with nowhere to go while other pages point somewhere: give an address or no key.
    if ($front.ContainsKey('online version') -and $front['online version'] -notmatch '^https://\S+$') {
        $Problems.Add("${name}:1: 'online version' is empty or not an https address: give the page's published address, or remove the key.")
    }

    $body = $lines[($end + 1)..($lines.Count - 1)]
    $firstLine = $end + 2
    for ($i = 0; $i -lt $body.Count; $i++) {
        if ($body[$i] -match '\{\{.*\}\}') { $Problems.Add("${name}:$($firstLine + $i): a PlatyPS placeholder is left in: $($body[$i].Trim())") }
    }
    $blocks = @(Split-Block -Lines $body -FirstLine $firstLine -Problems $Problems -File $name)

    # "# Name", then "## Section" groups.
    $k = 0
    while ($k -lt $blocks.Count -and -not ($blocks[$k].Kind -eq 'Heading' -and $blocks[$k].Level -eq 1)) {
        $Problems.Add("${name}:$($blocks[$k].Line): unexpected content before the '# Name' heading.")
        $k++
    }
    if ($k -ge $blocks.Count) { $Problems.Add("${name}: no '# Cmdlet-Name' heading."); return $page }
    $page.Name = $blocks[$k].Text
    if ($page.Name -ne $File.BaseName) { $Problems.Add("${name}:$($blocks[$k].Line): the page is named '$($page.Name)' but the file is '$name'.") }
    if ($page.Name -notmatch '^[A-Za-z]+-[A-Za-z0-9]+$') { $Problems.Add("${name}:$($blocks[$k].Line): '$($page.Name)' is not a Verb-Noun command name.") }
    $k++

    $sections = [ordered]@{}
    $current = $null
    for (; $k -lt $blocks.Count; $k++) {
        $b = $blocks[$k]
        if ($b.Kind -eq 'Heading' -and $b.Level -le 2) {
            if ($b.Level -eq 1) { $Problems.Add("${name}:$($b.Line): a second '# ' heading; one page documents one command."); continue }
            $title = $b.Text.Trim().ToUpperInvariant()
            if ($knownSections -notcontains $title) { $Problems.Add("${name}:$($b.Line): unknown section '## $($b.Text)'. Known: $($knownSections -join ', ')."); $current = $null; continue }
            if ($sections.Contains($title)) { $Problems.Add("${name}:$($b.Line): section '## $title' appears twice."); $current = $null; continue }
            $current = [System.Collections.Generic.List[object]]::new()
            $sections[$title] = [pscustomobject]@{ Line = $b.Line; Blocks = $current }
            continue
        }
        if ($null -eq $current) { $Problems.Add("${name}:$($b.Line): content outside any '## ' section."); continue }
        $current.Add($b)
    }
    foreach ($s in $requiredSections) {
        if (-not $sections.Contains($s)) { $Problems.Add("${name}: the '## $s' section is missing.") }
    }

    if ($sections.Contains('SYNOPSIS')) {
        $page.Synopsis = @(Read-Prose $sections['SYNOPSIS'] 'SYNOPSIS' $name $Problems)
        if (-not ($page.Synopsis -join '').Trim()) { $Problems.Add("${name}:$($sections['SYNOPSIS'].Line): the synopsis is empty.") }
    }
    if ($sections.Contains('DESCRIPTION')) {
        $page.Description = @(Read-Prose $sections['DESCRIPTION'] 'DESCRIPTION' $name $Problems)
        if (-not ($page.Description -join '').Trim()) { $Problems.Add("${name}:$($sections['DESCRIPTION'].Line): the description is empty.") }
    }
    if ($sections.Contains('NOTES')) { $page.Notes = @(Read-Prose $sections['NOTES'] 'NOTES' $name $Problems) }
    if ($sections.Contains('SYNTAX')) { Read-Syntax $page $sections['SYNTAX'] $Problems }
    if ($sections.Contains('EXAMPLES')) { Read-Example $page $sections['EXAMPLES'] $Problems }
    if ($sections.Contains('PARAMETERS')) { Read-Parameter $page $sections['PARAMETERS'] $Problems }
    foreach ($kind in 'INPUTS', 'OUTPUTS') {
        if ($sections.Contains($kind)) { Read-TypeList $page $sections[$kind] $kind $Problems }
    }
    if ($sections.Contains('RELATED LINKS')) { Read-Link $page $sections['RELATED LINKS'] $Problems }
    Test-SyntaxAgainstParameter $page $Problems
    $page
}

function Read-Prose($Section, [string] $Title, [string] $File, $Problems) {
    $prose = @($Section.Blocks | Where-Object { $_.Kind -ne 'Heading' })
    foreach ($h in @($Section.Blocks | Where-Object { $_.Kind -eq 'Heading' })) {
        $Problems.Add("${File}:$($h.Line): '## $Title' takes text only, not the heading '$($h.Text)'.")
    }
    ConvertTo-Para $prose
}

function Split-Subsection($Section) {
    # The ### subsections of a section, each with its blocks; blocks before the first ### are returned apart.
    $subs = [System.Collections.Generic.List[object]]::new()
    $loose = [System.Collections.Generic.List[object]]::new()
    $current = $null
    foreach ($b in $Section.Blocks) {
        if ($b.Kind -eq 'Heading' -and $b.Level -eq 3) {
            $current = [pscustomobject]@{ Title = $b.Text.Trim(); Line = $b.Line; Blocks = [System.Collections.Generic.List[object]]::new() }
            $subs.Add($current)
        } elseif ($null -eq $current) {
            $loose.Add($b)
        } else {
            $current.Blocks.Add($b)
        }
    }
    [pscustomobject]@{ Subsections = $subs; Loose = $loose }
}

function Read-Syntax($Page, $Section, $Problems) {
    $f = $Page.File
    $parts = Split-Subsection $Section
    if ($parts.Subsections.Count -eq 0) {
        $code = @($parts.Loose | Where-Object Kind -EQ 'Code')
        if ($code.Count -ne 1) { $Problems.Add("${f}:$($Section.Line): SYNTAX without '### SetName' headings must hold exactly one code block; it has $($code.Count).") }
        if ($code.Count -ge 1) { $Page.SyntaxSets.Add([pscustomobject]@{ Name = $allSets; IsDefault = $true; Code = $code[0].Text; Line = $code[0].Line }) }
        return
    }
    foreach ($b in $parts.Loose) { $Problems.Add("${f}:$($b.Line): SYNTAX content before the first '### SetName' heading.") }
    foreach ($s in $parts.Subsections) {
        $isDefault = $s.Title -match '\s+\(Default\)$'
        $setName = ($s.Title -replace '\s+\(Default\)$', '').Trim()
        $code = @($s.Blocks | Where-Object Kind -EQ 'Code')
        if ($code.Count -ne 1 -or @($s.Blocks | Where-Object Kind -NE 'Code').Count) {
            $Problems.Add("${f}:$($s.Line): the syntax of set '$setName' must be exactly one code block.")
        }
        if (@($Page.SyntaxSets | Where-Object Name -EQ $setName).Count) { $Problems.Add("${f}:$($s.Line): parameter set '$setName' is listed twice.") }
        $Page.SyntaxSets.Add([pscustomobject]@{ Name = $setName; IsDefault = $isDefault; Code = $(if ($code.Count) { $code[0].Text } else { '' }); Line = $s.Line })
    }
    if (@($Page.SyntaxSets | Where-Object IsDefault).Count -gt 1) { $Problems.Add("${f}:$($Section.Line): more than one parameter set is marked (Default).") }
}

function Read-Example($Page, $Section, $Problems) {
    $f = $Page.File
    $parts = Split-Subsection $Section
    foreach ($b in $parts.Loose) { $Problems.Add("${f}:$($b.Line): EXAMPLES content before the first '### Example 1: ...' heading.") }
    if ($parts.Subsections.Count -eq 0) { $Problems.Add("${f}:$($Section.Line): there is no example; add '### Example 1: title' with a code block and an explanation.") }
    foreach ($s in $parts.Subsections) {
        $firstCode = -1
        for ($i = 0; $i -lt $s.Blocks.Count; $i++) { if ($s.Blocks[$i].Kind -eq 'Code') { $firstCode = $i; break } }
        if ($firstCode -lt 0) { $Problems.Add("${f}:$($s.Line): example '$($s.Title)' has no code block."); continue }
        $code = $s.Blocks[$firstCode].Text
        if (-not $code.Trim()) { $Problems.Add("${f}:$($s.Line): example '$($s.Title)' has an empty code block.") }
        $intro = @(if ($firstCode -gt 0) { ConvertTo-Para $s.Blocks[0..($firstCode - 1)] })
        $remarks = @(if ($firstCode -lt $s.Blocks.Count - 1) { ConvertTo-Para $s.Blocks[($firstCode + 1)..($s.Blocks.Count - 1)] })
        if (-not (($intro + $remarks) -join '').Trim()) { $Problems.Add("${f}:$($s.Line): example '$($s.Title)' does not explain what it does.") }
        $Page.Examples.Add([pscustomobject]@{ Title = $s.Title; Introduction = $intro; Code = $code; Remarks = $remarks })
    }
}

function ConvertFrom-ParameterYaml([string] $Text, [string] $Where, $Problems) {
    $yaml = [ordered]@{}
    foreach ($line in ($Text -split "`n")) {
        if (-not $line.Trim()) { continue }
        if ($line -notmatch '^([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$') { $Problems.Add("${Where}: '$line' is not a 'Key: value' line."); continue }
        $key = $Matches[1]; $value = $Matches[2]
        $known = $yamlKeys | Where-Object { $_ -eq $key }
        if (-not $known) { $Problems.Add("${Where}: unknown yaml key '$key'. Known: $($yamlKeys -join ', ')."); continue }
        if ($yaml.Contains($known)) { $Problems.Add("${Where}: yaml key '$known' appears twice."); continue }
        $yaml[$known] = $value
    }
    foreach ($key in $requiredYamlKeys) {
        if (-not $yaml.Contains($key) -or -not $yaml[$key]) { $Problems.Add("${Where}: the yaml block has no '${key}:'.") }
    }
    $yaml
}

function Read-Parameter($Page, $Section, $Problems) {
    $f = $Page.File
    $parts = Split-Subsection $Section
    foreach ($b in $parts.Loose) { $Problems.Add("${f}:$($b.Line): PARAMETERS content before the first '### -Name' heading.") }
    foreach ($s in $parts.Subsections) {
        if ($s.Title -in 'CommonParameters', 'WorkflowCommonParameters') { continue }
        if ($s.Title -notmatch '^-([A-Za-z_][A-Za-z0-9_]*)$') { $Problems.Add("${f}:$($s.Line): '### $($s.Title)' is not a parameter heading ('### -Name' or '### CommonParameters')."); continue }
        $name = $Matches[1]
        if (@($Page.Parameters | Where-Object Name -EQ $name).Count) { $Problems.Add("${f}:$($s.Line): parameter -$name is documented twice."); continue }
        $yamlBlocks = @($s.Blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' })
        $prose = @($s.Blocks | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Language -eq 'yaml') })
        $description = @(ConvertTo-Para $prose)
        if (-not ($description -join '').Trim()) { $Problems.Add("${f}:$($s.Line): parameter -$name has no description.") }
        if ($yamlBlocks.Count -eq 0) { $Problems.Add("${f}:$($s.Line): parameter -$name has no yaml block (Type, Parameter Sets, Required, Position, ...)."); continue }
        $variants = [System.Collections.Generic.List[object]]::new()
        foreach ($y in $yamlBlocks) {
            $where = "${f}:$($y.Line): -$name"
            $yaml = ConvertFrom-ParameterYaml $y.Text $where $Problems
            $v = [pscustomobject]@{
                Sets = @(if ($yaml['Parameter Sets']) { $yaml['Parameter Sets'] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } })
                Type = [string]$yaml['Type']
                Aliases = @(if ($yaml['Aliases'] -and $yaml['Aliases'] -ne 'None') { $yaml['Aliases'] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } })
                AcceptedValues = @(if ($yaml['Accepted values']) { $yaml['Accepted values'] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } })
                Required = $false; Position = 'named'; DefaultValue = 'None'; PipelineInput = 'False'; Globbing = $false
            }
            if ($yaml.Contains('Required')) {
                if ($yaml['Required'] -notmatch '^(True|False)$') { $Problems.Add("${where}: Required must be True or False, not '$($yaml['Required'])'.") }
                $v.Required = $yaml['Required'] -eq 'True'
            }
            if ($yaml.Contains('Position')) {
                if ($yaml['Position'] -notmatch '^(\d+|Named)$') { $Problems.Add("${where}: Position must be a number or Named, not '$($yaml['Position'])'.") }
                $v.Position = $yaml['Position'].ToLowerInvariant()
            }
            if ($yaml['Default value']) { $v.DefaultValue = $yaml['Default value'] }
            if ($yaml.Contains('Accept pipeline input')) {
                if ($yaml['Accept pipeline input'] -notmatch '^(False|True(\s+\((ByValue|ByPropertyName)(,\s*(ByValue|ByPropertyName))?\))?)$') {
                    $Problems.Add("${where}: 'Accept pipeline input' must be False, True (ByValue), True (ByPropertyName) or True (ByPropertyName, ByValue), not '$($yaml['Accept pipeline input'])'.")
                }
                $v.PipelineInput = $yaml['Accept pipeline input']
            }
            if ($yaml.Contains('Accept wildcard characters')) {
                if ($yaml['Accept wildcard characters'] -notmatch '^(True|False)$') { $Problems.Add("${where}: 'Accept wildcard characters' must be True or False.") }
                $v.Globbing = $yaml['Accept wildcard characters'] -eq 'True'
            }
            $known = @($Page.SyntaxSets | ForEach-Object Name)
            foreach ($set in $v.Sets) {
                if ($set -eq $allSets) { continue }
                if ($known -notcontains $set) { $Problems.Add("${where}: parameter set '$set' is not one of the SYNTAX section's sets ($($known -join ', ')).") }
            }
            if ($v.Sets -contains $allSets -and $v.Sets.Count -gt 1) { $Problems.Add("${where}: 'Parameter Sets' is either (All) or a list of set names, not both.") }
            $variants.Add($v)
        }
        $seen = @{}
        foreach ($v in $variants) {
            foreach ($set in $v.Sets) {
                if ($seen.ContainsKey($set)) { $Problems.Add("${f}:$($s.Line): -$name has two yaml blocks for parameter set '$set'.") }
                $seen[$set] = $true
            }
        }
        $Page.Parameters.Add([pscustomobject]@{ Name = $name; Description = $description; Variants = $variants; Line = $s.Line })
    }
}

function Read-TypeList($Page, $Section, [string] $Kind, $Problems) {
    $f = $Page.File
    $parts = Split-Subsection $Section
    foreach ($b in $parts.Loose) { $Problems.Add("${f}:$($b.Line): '## $Kind' lists types as '### TypeName' headings, each followed by its description.") }
    # Assigned, not returned from an if: an empty list would be unrolled to $null.
    $list = $Page.Outputs
    if ($Kind -eq 'INPUTS') { $list = $Page.Inputs }
    foreach ($s in $parts.Subsections) {
        $list.Add([pscustomobject]@{ TypeName = $s.Title; Description = @(ConvertTo-Para $s.Blocks) })
    }
}

function Read-Link($Page, $Section, $Problems) {
    $f = $Page.File
    foreach ($b in $Section.Blocks) {
        if ($b.Kind -ne 'Paragraph') { $Problems.Add("${f}:$($b.Line): RELATED LINKS holds only [text](uri) links."); continue }
        foreach ($line in $b.Lines) {
            $t = $line.Trim() -replace '^[-*+]\s+', ''
            if ($t -notmatch '^\[([^\]]+)\]\(([^)\s]*)\)$') { $Problems.Add("${f}:$($b.Line): '$t' is not a [text](uri) link."); continue }
            $uri = $Matches[2]
            # Relative links (other pages) mean nothing to Get-Help; keep only the name for them.
            if ($uri -notmatch '^https?://') { $uri = '' }
            $Page.Links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $uri })
        }
    }
}

function Get-SetParameter($Page, [string] $SetName) {
    # The parameters of one set, each with the yaml variant that applies to it, in page order.
    foreach ($p in $Page.Parameters) {
        $variant = $p.Variants | Where-Object { $_.Sets -contains $SetName } | Select-Object -First 1
        if (-not $variant) { $variant = $p.Variants | Where-Object { $_.Sets -contains $allSets } | Select-Object -First 1 }
        if ($variant) { [pscustomobject]@{ Parameter = $p; Variant = $variant } }
    }
}

function Get-SyntaxParameterName([string] $Code) {
    # -Name tokens of a syntax line, in order; "-Container" in "Move-Container" is not one (a letter precedes it).
    [regex]::Matches($Code, '(?<![\w-])-([A-Za-z_][A-Za-z0-9_]*)') | ForEach-Object { $_.Groups[1].Value }
}

function Test-SyntaxAgainstParameter($Page, $Problems) {
    $f = $Page.File
    foreach ($set in $Page.SyntaxSets) {
        if ($Page.Name -and $set.Code.Trim() -and -not $set.Code.Trim().StartsWith($Page.Name + ' ') -and $set.Code.Trim() -ne $Page.Name) {
            $Problems.Add("${f}:$($set.Line): the syntax of set '$($set.Name)' does not start with the command name $($Page.Name).")
        }
        $listed = @(Get-SyntaxParameterName $set.Code)
        $documented = @(Get-SetParameter $Page $set.Name | ForEach-Object { $_.Parameter.Name })
        foreach ($n in $listed) {
            if ($documented -notcontains $n) { $Problems.Add("${f}:$($set.Line): the syntax of set '$($set.Name)' shows -$n, which PARAMETERS does not document for that set.") }
        }
        foreach ($n in $documented) {
            if ($listed -notcontains $n) { $Problems.Add("${f}:$($set.Line): -$n is documented for set '$($set.Name)' but its syntax block does not show it.") }
        }
    }
}

#endregion

#region MAML

function Write-Para([System.Xml.XmlWriter] $W, [string[]] $Paras) {
    $any = $false
    foreach ($p in $Paras) {
        if ($null -eq $p) { continue }
        $W.WriteElementString('maml', 'para', $nsMaml, $p)
        $any = $true
    }
    if (-not $any) { $W.WriteElementString('maml', 'para', $nsMaml, '') }
}

function Write-Parameter([System.Xml.XmlWriter] $W, $Parameter, $Variant, [bool] $InSyntax) {
    $isSwitch = $Variant.Type -in 'SwitchParameter', 'Switch', 'System.Management.Automation.SwitchParameter'
    $W.WriteStartElement('command', 'parameter', $nsCommand)
    $W.WriteAttributeString('required', $Variant.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', $Variant.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $Variant.PipelineInput)
    $W.WriteAttributeString('position', $Variant.Position)
    $W.WriteAttributeString('aliases', $(if ($Variant.Aliases.Count) { $Variant.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $nsMaml, $Parameter.Name)
    $W.WriteStartElement('maml', 'description', $nsMaml)
    Write-Para $W $Parameter.Description
    $W.WriteEndElement()
    if ($InSyntax -and $Variant.AcceptedValues.Count) {
        $W.WriteStartElement('command', 'parameterValueGroup', $nsCommand)
        foreach ($value in $Variant.AcceptedValues) {
            $W.WriteStartElement('command', 'parameterValue', $nsCommand)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('variableLength', 'false')
            $W.WriteString($value)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    # As PlatyPS does: no value placeholder after a switch in the syntax.
    if (-not ($InSyntax -and $isSwitch)) {
        $W.WriteStartElement('command', 'parameterValue', $nsCommand)
        $W.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $W.WriteAttributeString('variableLength', $(if ($Variant.Type -like '*`[`]') { 'true' } else { 'false' }))
        $W.WriteString($Variant.Type)
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $nsDev)
    $W.WriteElementString('maml', 'name', $nsMaml, $Variant.Type)
    $W.WriteElementString('maml', 'uri', $nsMaml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $nsDev, $Variant.DefaultValue)
    $W.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter] $W, $Page) {
    $W.WriteStartElement('command', 'command', $nsCommand)
    $W.WriteAttributeString('xmlns', 'maml', $null, $nsMaml)
    $W.WriteAttributeString('xmlns', 'command', $null, $nsCommand)
    $W.WriteAttributeString('xmlns', 'dev', $null, $nsDev)
    $W.WriteAttributeString('xmlns', 'MSHelp', $null, $nsMSHelp)

    $verb, $noun = $Page.Name -split '-', 2
    $W.WriteStartElement('command', 'details', $nsCommand)
    $W.WriteElementString('command', 'name', $nsCommand, $Page.Name)
    $W.WriteElementString('command', 'verb', $nsCommand, $verb)
    $W.WriteElementString('command', 'noun', $nsCommand, $noun)
    $W.WriteStartElement('maml', 'description', $nsMaml)
    Write-Para $W $Page.Synopsis
    $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('maml', 'description', $nsMaml)
    Write-Para $W $Page.Description
    $W.WriteEndElement()

    # One syntax item per set, the default set first, parameters in the order the SYNTAX block shows them.
    $W.WriteStartElement('command', 'syntax', $nsCommand)
    $sets = @($Page.SyntaxSets | Where-Object IsDefault) + @($Page.SyntaxSets | Where-Object { -not $_.IsDefault })
    foreach ($set in $sets) {
        $order = @(Get-SyntaxParameterName $set.Code)
        $members = @(Get-SetParameter $Page $set.Name)
        $rank = @{}
        for ($i = 0; $i -lt $members.Count; $i++) {
            $at = [array]::IndexOf($order, $members[$i].Parameter.Name)
            $rank[$members[$i].Parameter.Name] = $(if ($at -lt 0) { 100000 + $i } else { $at })
        }
        $members = @($members | Sort-Object { $rank[$_.Parameter.Name] })
        $W.WriteStartElement('command', 'syntaxItem', $nsCommand)
        $W.WriteElementString('maml', 'name', $nsMaml, $Page.Name)
        foreach ($m in $members) { Write-Parameter $W $m.Parameter $m.Variant $true }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $nsCommand)
    foreach ($p in $Page.Parameters) { Write-Parameter $W $p $p.Variants[0] $false }
    $W.WriteEndElement()

    foreach ($kind in @(@{ List = $Page.Inputs; Outer = 'inputTypes'; Inner = 'inputType' }, @{ List = $Page.Outputs; Outer = 'returnValues'; Inner = 'returnValue' })) {
        $W.WriteStartElement('command', $kind.Outer, $nsCommand)
        foreach ($t in $kind.List) {
            $W.WriteStartElement('command', $kind.Inner, $nsCommand)
            $W.WriteStartElement('dev', 'type', $nsDev)
            $W.WriteElementString('maml', 'name', $nsMaml, $t.TypeName)
            $W.WriteEndElement()
            $W.WriteStartElement('maml', 'description', $nsMaml)
            Write-Para $W $t.Description
            $W.WriteEndElement()
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }

    $W.WriteStartElement('maml', 'alertSet', $nsMaml)
    $W.WriteStartElement('maml', 'alert', $nsMaml)
    Write-Para $W $Page.Notes
    $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $nsCommand)
    foreach ($e in $Page.Examples) {
        $W.WriteStartElement('command', 'example', $nsCommand)
        $W.WriteElementString('maml', 'title', $nsMaml, ('-' * 10) + " $($e.Title) " + ('-' * 10))
        if ($e.Introduction.Count) {
            $W.WriteStartElement('maml', 'introduction', $nsMaml)
            Write-Para $W $e.Introduction
            $W.WriteEndElement()
        }
        $W.WriteElementString('dev', 'code', $nsDev, $e.Code)
        $W.WriteStartElement('dev', 'remarks', $nsDev)
        # The empty last paragraph puts a blank line between examples, as in the help of PowerShell's own cmdlets.
        Write-Para $W (@($e.Remarks) + '')
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $nsCommand)
    $links = @()
    if ($Page.OnlineVersion) { $links += [pscustomobject]@{ Text = 'Online Version:'; Uri = $Page.OnlineVersion } }
    $links += @($Page.Links)
    foreach ($l in $links) {
        $W.WriteStartElement('maml', 'navigationLink', $nsMaml)
        $W.WriteElementString('maml', 'linkText', $nsMaml, $l.Text)
        $W.WriteElementString('maml', 'uri', $nsMaml, $l.Uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

#endregion

$source = Resolve-Path -LiteralPath $MarkdownPath -ErrorAction Stop
$OutputPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
$helpFileName = Split-Path -Leaf $OutputPath
$problems = [System.Collections.Generic.List[string]]::new()
$pages = [System.Collections.Generic.List[object]]::new()
foreach ($file in Get-ChildItem -LiteralPath $source -Filter '*.md' -File | Sort-Object Name) {
    $page = Read-Page -File $file -Problems $problems
    if (-not $page) { continue }
    if ($page.HelpFile -and $page.HelpFile -ne $helpFileName) {
        Write-Warning "$($file.Name) belongs to '$($page.HelpFile)', not '$helpFileName'; it is not included."
        continue
    }
    $pages.Add($page)
}
if ($problems.Count) {
    throw "The help pages in $source have $($problems.Count) problem(s); $helpFileName was not written:`n  " + ($problems -join "`n  ")
}
if ($pages.Count -eq 0) { throw "No cmdlet page in $source names '$helpFileName' as its external help file; nothing to write." }
$dupes = $pages | Group-Object Name | Where-Object Count -GT 1
if ($dupes) { throw "More than one page documents $(($dupes | ForEach-Object Name) -join ', ')." }

$directory = Split-Path -Parent $OutputPath
if ($directory) { New-Item -ItemType Directory -Force -Path $directory | Out-Null }
$temp = "$OutputPath.tmp"
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$writer = [System.Xml.XmlWriter]::Create($temp, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($page in $pages) { Write-Command $writer $page }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
} finally {
    $writer.Dispose()
}
# Read it back: what Get-Help gets must at least be well-formed XML with every command in it.
$check = [xml]::new()
$check.Load($temp)
$ns = [System.Xml.XmlNamespaceManager]::new($check.NameTable)
$ns.AddNamespace('command', $nsCommand)
$written = $check.SelectNodes('/helpItems/command:command/command:details/command:name', $ns).Count
if ($written -ne $pages.Count) { throw "Wrote $written commands to $temp but read $($pages.Count) pages." }
Move-Item -LiteralPath $temp -Destination $OutputPath -Force
Write-Verbose "Wrote help for $($pages.Count) command(s) to $OutputPath : $(($pages | ForEach-Object Name) -join ', ')."
