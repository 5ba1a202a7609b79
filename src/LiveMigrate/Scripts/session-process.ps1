# LiveMigrate's commands on a host it drives through this PowerShell session. Each program starts from its argument
# vector (no shell reads the words) and runs on in this session's table, its streams exchanged in short calls: the
# session runs one call at a time, and every call returns within about $WaitMs, so several programs run at once.
# Values arrive only as parameters; this text never changes.
param(
    [Parameter(Mandatory)] [ValidateSet('run', 'start', 'read', 'write', 'close', 'wait', 'kill', 'forget')] [string] $Op,
    [string] $Id,
    [string[]] $Argv,
    [byte[]] $Data,
    [ValidateRange(0, 5000)] [int] $WaitMs = 200,
    # The most characters of output (run) or bytes (read) one call returns.
    [ValidateRange(1, 16777216)] [int] $Max = 1048576
)
$ErrorActionPreference = 'Stop'
if ($null -eq (Get-Variable -Name LiveMigrateHostProcesses -Scope Global -ValueOnly -ErrorAction Ignore)) {
    $global:LiveMigrateHostProcesses = [hashtable]::Synchronized(@{})
}
$table = $global:LiveMigrateHostProcesses

# True once the task has ended, however it ended (a broken pipe faults it).
function Test-Ended($task, [int] $ms) {
    try { [void] $task.Wait($ms) } catch { }
    $task.IsCompleted
}

function Start-Program([bool] $collect) {
    $psi = [System.Diagnostics.ProcessStartInfo]::new($Argv[0])
    for ($i = 1; $i -lt $Argv.Count; $i++) { $psi.ArgumentList.Add($Argv[$i]) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $psi.RedirectStandardOutput = $psi.RedirectStandardError = $true
    $psi.StandardOutputEncoding = $psi.StandardErrorEncoding = [System.Text.UTF8Encoding]::new($false)
    if ($env:HOME -and (Test-Path -LiteralPath $env:HOME -PathType Container)) { $psi.WorkingDirectory = $env:HOME }
    try { $p = [System.Diagnostics.Process]::Start($psi) }
    catch { return @{ Failed = "$($Argv[0]) could not be started: $($_.Exception.GetBaseException().Message)" } }
    $e = @{
        Process = $p; Err = $p.StandardError.ReadToEndAsync(); Text = $null
        Out = $p.StandardOutput.BaseStream; In = $p.StandardInput.BaseStream
        Buffer = [byte[]]::new(262144); Reading = $null; Writing = $null
    }
    if ($collect) {
        $p.StandardInput.Close()
        $e.Text = $p.StandardOutput.ReadToEndAsync()
    }
    $id = [guid]::NewGuid().ToString('n')
    $table[$id] = $e
    @{ Id = $id }
}

function Get-Entry {
    $e = $table[$Id]
    if ($null -eq $e) { throw "No program $Id runs for LiveMigrate in this session: it was ended, or the session was reset." }
    $e
}

function Limit([string] $text) {
    if ($text.Length -le $Max) { return @{ Text = $text; Truncated = $false } }
    @{ Text = $text.Substring(0, $Max); Truncated = $true }
}

# Ended: its exit code and stderr (and, collected, its stdout); the entry goes unless its stdout is still to be read.
function Get-Ending($e) {
    $p = $e.Process
    if (-not $p.WaitForExit($WaitMs)) { return @{ Exited = $false } }
    # What it printed, once its pipes are closed; a daemon it left holding them does not hold the call.
    $err = if (Test-Ended $e.Err 2000) { "$($e.Err.Result)" } else { '' }
    $ending = @{ Exited = $true; Code = $p.ExitCode; Err = (Limit $err).Text }
    if ($null -ne $e.Text) {
        $out = Limit $(if (Test-Ended $e.Text 2000) { "$($e.Text.Result)" } else { '' })
        $ending.Out = $out.Text
        $ending.Truncated = $out.Truncated
        $table.Remove($Id)
        $p.Dispose()
    }
    $ending
}

# What stdout holds: waits up to $WaitMs for the first bytes, then gathers what follows them closely (a pipe holds only
# 64 KiB, and each call is a round trip) for up to a tenth of a second, or until $Max bytes.
function Read-Output($e) {
    $chunk = [System.IO.MemoryStream]::new()
    $end = $false
    $wait = $WaitMs
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    while ($chunk.Length -lt $Max) {
        if ($null -eq $e.Reading) { $e.Reading = $e.Out.ReadAsync($e.Buffer, 0, [Math]::Min($e.Buffer.Length, $Max - $chunk.Length)) }
        if (-not (Test-Ended $e.Reading $wait)) { break }
        $read = $e.Reading
        $e.Reading = $null
        if ($read.Status -ne 'RanToCompletion' -or $read.Result -eq 0) { $end = $true; break }
        $chunk.Write($e.Buffer, 0, $read.Result)
        if ($clock.ElapsedMilliseconds -ge $WaitMs + 100) { break }
        $wait = 10
    }
    @{ Data = $chunk.ToArray(); End = $end }
}

switch ($Op) {
    'run' {
        $started = Start-Program $true
        if ($started.Failed) { return $started }
        $Id = $started.Id
        $ending = Get-Ending (Get-Entry)
        $ending.Id = $Id
        $ending
    }
    'start' { Start-Program $false }
    'read' { Read-Output (Get-Entry) }
    'write' {
        $e = Get-Entry
        if ($null -ne $e.Writing) {
            if (-not (Test-Ended $e.Writing $WaitMs)) { return @{ Accepted = $false } }
            # The program closed its input: what is sent from now on is lost, as with any program that stopped reading.
            if ($e.Writing.Status -ne 'RanToCompletion') { return @{ Accepted = $true; Closed = $true } }
        }
        $e.Writing = $e.In.WriteAsync($Data, 0, $Data.Length)
        [void] (Test-Ended $e.Writing $WaitMs)
        @{ Accepted = $true; Closed = $false }
    }
    'close' {
        $e = Get-Entry
        if ($null -ne $e.Writing -and -not (Test-Ended $e.Writing $WaitMs)) { return @{ Closed = $false } }
        try { $e.In.Dispose() } catch { }
        @{ Closed = $true }
    }
    'wait' { Get-Ending (Get-Entry) }
    'kill' {
        $e = $table[$Id]
        if ($null -ne $e) {
            try { $e.Process.Kill($true) } catch { }
            $table.Remove($Id)
            $e.Process.Dispose()
        }
        @{ Killed = $null -ne $e }
    }
    'forget' {
        # Its pipes close; the program itself runs on, as one whose SSH channel closed.
        $e = $table[$Id]
        if ($null -ne $e) {
            $table.Remove($Id)
            $e.Process.Dispose()
        }
        @{ Forgotten = $null -ne $e }
    }
}
