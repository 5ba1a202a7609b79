<#
.SYNOPSIS
    Evacuates a host: moves every running container off it, spread over the destinations, unattended.

.DESCRIPTION
    A runbook for an Azure Automation account (or any scheduler that runs pwsh -NonInteractive). It needs no file
    on the machine that runs it: the SSH private key and the hosts' known_hosts lines come, in this order, from

      1. the parameters -PrivateKey and -KnownHost (a local run);
      2. the automation account's assets: a credential asset named -KeyAssetName whose password is the private
         key's text, and a variable asset named -KnownHostsAssetName that holds the known_hosts lines
         (Get-AutomationPSCredential, Get-AutomationVariable);
      3. SecretManagement: the secrets of the same names (Get-Secret), a SecureString or credential for the key.

    Host keys are checked against those lines as against a known_hosts file: an unknown or changed key is refused.
    The key is held in memory only. Each container is moved with Move-Container -Confirm:$false, so nothing asks
    for confirmation, and one outcome object per container is written: Container, From, To, Status, Downtime,
    Route and Error. Containers move one at a time; the runbook ends with exit code 1 if any move did not succeed.

    Every prompt a runbook could meet, and the switch that avoids it, is in about_LiveMigrate_Unattended.

.EXAMPLE
    # In the automation account: the LiveMigrate module imported, a credential asset 'LiveMigrate-Key' (any user
    # name, the private key as its password) and a variable asset 'LiveMigrate-KnownHosts'.
    .\Invoke-HostEvacuation.ps1 -SourceHost deploy@10.0.0.5 -DestinationHost deploy@10.0.0.6, deploy@10.0.0.7 -Become Sudo

.EXAMPLE
    # A local run, key and known hosts from wherever the caller keeps them.
    $key = Get-Secret lm-key
    .\Invoke-HostEvacuation.ps1 -SourceHost root@lm1 -DestinationHost root@lm2 -PrivateKey $key -KnownHost (Get-Content ~/.ssh/known_hosts)
#>
[CmdletBinding()]
param(
    # The host to empty, as user@host[:port].
    [Parameter(Mandatory)] [string] $SourceHost,
    # Where the containers go, in turn.
    [Parameter(Mandatory)] [string[]] $DestinationHost,
    [securestring] $PrivateKey,
    [string[]] $KnownHost,
    [string] $KeyAssetName = 'LiveMigrate-Key',
    [string] $KnownHostsAssetName = 'LiveMigrate-KnownHosts',
    # Sudo: the login is an ordinary user who becomes root with sudo -n (its sudoers line: USER ALL=(root) NOPASSWD: ALL).
    [ValidateSet('None', 'Sudo')] [string] $Become = 'None',
    [ValidateSet('Stop', 'PostCopy', 'Auto')] [string] $Mode = 'Stop',
    # Only the containers whose names match (wildcards); every one by default.
    [string[]] $Name = '*'
)
$ErrorActionPreference = 'Stop'
Import-Module LiveMigrate

function Read-Asset([string] $Credential, [string] $Variable) {
    if ($Credential -and (Get-Command Get-AutomationPSCredential -ErrorAction Ignore)) { return (Get-AutomationPSCredential -Name $Credential).Password }
    if ($Variable -and (Get-Command Get-AutomationVariable -ErrorAction Ignore)) { return Get-AutomationVariable -Name $Variable }
    if (Get-Command Get-Secret -ErrorAction Ignore) {
        $name = if ($Credential) { $Credential } else { $Variable }
        $value = Get-Secret -Name $name
        if ($value -is [pscredential]) { return $value.Password }
        if ($Variable -and $value -is [securestring]) { return [System.Net.NetworkCredential]::new('', $value).Password }
        return $value
    }
    throw "No key or known hosts were given: pass -PrivateKey and -KnownHost, or run where the automation assets '$KeyAssetName' and '$KnownHostsAssetName' (or SecretManagement secrets of those names) exist."
}

if (-not $PrivateKey) { $PrivateKey = Read-Asset -Credential $KeyAssetName }
if (-not $KnownHost) { $KnownHost = Read-Asset -Variable $KnownHostsAssetName }

$connect = @{ PrivateKey = $PrivateKey; KnownHost = $KnownHost; Become = $Become }
$source = New-MigrationHost $SourceHost @connect
$destinations = @($DestinationHost | ForEach-Object { New-MigrationHost $_ @connect })

$containers = @(Get-Container -MigrationHost $source -Name $Name | Where-Object Status -eq 'Running')
Write-Verbose "$($containers.Count) running container(s) to move off $($source.Name)."
$failed = 0
for ($i = 0; $i -lt $containers.Count; $i++) {
    $to = $destinations[$i % $destinations.Count]
    $outcome = [ordered]@{ Container = $containers[$i].Name; From = $source.Name; To = $to.Name; Status = $null; Downtime = $null; Route = $null; Error = $null }
    try {
        $result = Move-Container $containers[$i].Name -Source $source -Destination $to -Mode $Mode -Confirm:$false
        $outcome.Status = "$($result.Status)"; $outcome.Downtime = $result.Downtime; $outcome.Route = "$($result.TransferRoute)"
    }
    catch {
        $failed++
        $result = $_.TargetObject
        $outcome.Status = if ($result -and $result.PSObject.Properties['Status']) { "$($result.Status)" } else { 'NotStarted' }
        $outcome.Error = $_.Exception.Message
    }
    [pscustomobject]$outcome
}
$destinations + $source | Remove-MigrationHost -Confirm:$false
if ($failed) { Write-Error "$failed of $($containers.Count) container(s) did not move off $($source.Name); see the outcomes." -ErrorAction Continue; exit 1 }
