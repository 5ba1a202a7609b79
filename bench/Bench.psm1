# What the bench scripts share.

function Get-Median([double[]] $values) {
    $s = $values | Sort-Object
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

# This VM backs guest memory lazily (the first touch of a page costs ~15 us): touching GiB of memory once makes
# every restore land on warm memory, so that a table compares methods, not the hypervisor.
function Invoke-MemoryWarmup([string] $Directory, [int] $GiB) {
    if ($GiB -le 0) { return }
    Write-Host "Touching $GiB GiB of memory once (see the help)..."
    & bash -c 'dd if=/dev/zero of="$1" bs=16M count="$2" status=none; rm -f "$1"' bash (Join-Path $Directory 'warmup') ($GiB * 64)
}

# Rows (objects with the same properties) as a Markdown table, ready for the README.
function ConvertTo-MarkdownTable([object[]] $Rows) {
    $names = @($Rows[0].PSObject.Properties.Name)
    '| ' + ($names -join ' | ') + ' |'
    '|' + ('---|' * $names.Count)
    foreach ($r in $Rows) { '| ' + (@($names | ForEach-Object { $r.$_ }) -join ' | ') + ' |' }
}

Export-ModuleMember -Function Get-Median, Invoke-MemoryWarmup, ConvertTo-MarkdownTable
