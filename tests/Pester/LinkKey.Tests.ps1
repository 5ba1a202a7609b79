# The key of a post-copy move's direct link (held by the source's root) forwards nothing on the destination: OpenSSH's
# permitlisten/permitopen bound TCP forwarding only, and a key with port-forwarding could make sshd create and connect
# to Unix sockets there. The pages go over a session of the link instead, through the page guard's bridge.
BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force; $script:noLab = -not (Test-LabRunning) }

Describe 'The direct link key of a post-copy move' -Tag 'Integration' -Skip:$noLab {
    BeforeAll {
        Import-Module $env:LIVEMIGRATE_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/Lab.psm1') -Force
        $lab = Get-LabEnvironment
        $name = 'linkkey'
        Remove-LabContainer $name
        $start = New-LabWorkload -HostIndex 1 -Name $name -MiB 256
        $sock = "/tmp/lm-linkkey-$PID.sock"
        Remove-Item $sock -ErrorAction Ignore
        # A Unix socket on the destination that answers with a banner: what a forward to it would reach.
        $unix = "/tmp/lm-linkkey-$PID-served.sock"
        $sshd2 = Get-Content (Join-Path $lab.Root 'hosts/lm2/sshd.pid')
        $server = Start-Process nsenter -PassThru -ArgumentList @('-t', $sshd2, '-m', 'socat', "UNIX-LISTEN:$unix,fork", 'SYSTEM:echo LMUNIX')

        # What a root on the source can do with the link's key, on a connection of its own: key=value lines.
        $tryKey = @'
d=$1 sock=$2 unix=$3
{ read -r target; read -r port; } < "$d/target"
set -- -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i "$d/key" -o UserKnownHostsFile="$d/known_hosts" \
  -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o HostKeyAlias=livemigrate-destination \
  -o ControlMaster=no -o ControlPath=none -o ConnectTimeout=10 -o ExitOnForwardFailure=yes -p "$port"
ssh "$@" -T "$target" register < /dev/null > /dev/null 2>&1; echo "register=$?"
timeout 15 ssh "$@" -N -R "$sock:127.0.0.1:22" "$target" < /dev/null > /dev/null 2>&1; echo "unixR=$?"
timeout 15 ssh "$@" -N -R "127.0.0.1:29999:127.0.0.1:22" "$target" < /dev/null > /dev/null 2>&1; echo "tcpR=$?"
# A local forward is the client's own: what counts is whether sshd connects to what it names (and its banner comes back).
for to in 127.0.0.1:22 "$unix"; do
  p=$(( 30000 + RANDOM % 2000 ))
  timeout 20 ssh "$@" -N -L "127.0.0.1:$p:$to" "$target" < /dev/null > /dev/null 2>&1 & fwd=$!
  i=0; until exec 3<>"/dev/tcp/127.0.0.1/$p"; do i=$((i + 1)); [ $i -lt 50 ] || break; sleep 0.1; done 2>/dev/null
  banner=$(timeout 3 head -c 7 <&3 2>/dev/null | tr -cd 'A-Za-z0-9.-')
  exec 3<&-
  kill "$fwd" 2>/dev/null; wait "$fwd" 2>/dev/null
  echo "L${to%%:*}=${banner:-none}"
done
'@
        $move = Start-LabMove $name 'PostCopy' 'Pages'
        # The copy runs on the destination and its pages flow: hold them (its daemon stopped) while the key is tried.
        $daemon = @(Get-LabProcess "criu lazy-pages .*/$name-")
        $bridges = @(Get-LabProcess 'page-guard-[0-9a-f]+ bridge ')
        $bridgeUids = @($bridges | ForEach-Object { (Get-Content "/proc/$_/status" | Where-Object { $_ -like 'Uid:*' }) -split '\s+' | Select-Object -Index 1 })
        $tried = @{}
        $sockThere = $null
        if ($daemon) {
            & kill -STOP @daemon
            try {
                $link = Get-ChildItem (Get-LabRunPath 1 'links') -Directory | Select-Object -First 1
                $sshd = Get-Content (Join-Path $lab.Root 'hosts/lm1/sshd.pid')
                foreach ($line in @(& nsenter -t $sshd -m -C -n bash -c $tryKey trykey "/run/livemigrate/links/$($link.Name)" $sock $unix)) {
                    $k, $v = $line -split '=', 2
                    $tried[$k] = $v
                }
                $sockThere = (& nsenter -t $sshd2 -m sh -c 'test -e "$1" && echo yes || echo no' sh $sock)
            }
            finally { & kill -CONT @daemon }
        }
        $done = Complete-LabMove $move
    }
    AfterAll {
        Remove-LabContainer $name
        Remove-Item $sock, $unix -ErrorAction Ignore
        Stop-Process -Id $server.Id -ErrorAction Ignore
    }

    It 'logs in while the pages flow (the key is live while it is tried)' {
        $daemon | Should -Not -BeNullOrEmpty -Because 'the move was caught with its pages flowing'
        $tried['register'] | Should -Be '0'
    }

    It 'cannot make sshd create a Unix socket on the destination (ssh -R /path:...)' {
        $tried['unixR'] | Should -Be '255' -Because 'sshd refuses the forwarding and ssh gives up at once'
        $sockThere | Should -Be 'no'
        Test-Path $sock | Should -BeFalse
    }

    It 'cannot listen on a TCP port there either (ssh -R 127.0.0.1:N:...)' {
        $tried['tcpR'] | Should -Be '255'
    }

    It 'cannot make sshd connect anywhere (ssh -L to a TCP port or a Unix socket)' {
        $tried['L127.0.0.1'] | Should -Be 'none' -Because 'the destination''s sshd banner does not come through'
        $tried["L$unix"] | Should -Be 'none' -Because 'nor does the banner of a Unix socket there'
    }

    It 'carries the pages through the page guard''s bridge, which runs without root, and the move succeeds' {
        $bridges.Count | Should -Be 1
        $bridgeUids | Should -Be @('65534')
        $done.Errors | Should -BeNullOrEmpty
        $done.Results[0].Status.ToString() | Should -Be 'Succeeded'
        $done.Results[0].TransferRoute.ToString() | Should -Be 'Direct'
        $final = Wait-WorkloadPasses 2 $name 1
        $final.errors | Should -Be 0
        $final.start_unix_ms | Should -Be $start.start_unix_ms
        Get-LabProcess 'page-guard-[0-9a-f]+ bridge ' | Should -BeNullOrEmpty -Because 'the bridge ends with the pages'
    }
}

# The bridge alone, on this machine: bounded in connections, in time, and by its session.
Describe 'The page guard''s bridge' {
    BeforeAll {
        $guard = Join-Path $env:LIVEMIGRATE_MODULE 'page-guard'
        # Runs the bridge on a free port with its stdin/stdout on a coprocess and does $2 (bash) with it: key=value lines.
        function Invoke-Bridge([string] $Seconds, [string] $Script) {
            $run = 'guard=$1 seconds=$2 port=$(( 33000 + RANDOM % 2000 ))
coproc B { exec "$guard" bridge "$port" "$seconds" 2>&1; }
exec 5<&"${B[0]}" 6>&"${B[1]}"
pid=$B_PID
IFS= read -r -n 1 -t 5 -u 5 m; echo "first=$m"
' + $Script
            $said = @{}
            foreach ($line in @(& bash -c $run bridge $guard $Seconds)) { $k, $v = $line -split '=', 2; $said[$k] = $v }
            $said
        }
    }

    It 'listens, drops root, takes one connection and no second, and carries both ways' {
        $said = Invoke-Bridge 30 @'
echo "uid=$(awk '/^Uid:/ { print $2 }' /proc/$pid/status)"
exec 3<>"/dev/tcp/127.0.0.1/$port"
IFS= read -r -n 1 -t 5 -u 5 m; echo "second=$m"
if exec 4<>"/dev/tcp/127.0.0.1/$port"; then echo "another=taken"; else echo "another=refused"; fi 2>/dev/null
printf 'ping' >&3; IFS= read -r -n 4 -t 5 -u 5 got; echo "up=$got"
printf 'pong' >&6; IFS= read -r -n 4 -t 5 -u 3 got; echo "down=$got"
exec 3<&-
wait "$pid"; echo "exit=$?"
'@
        $said['first'] | Should -Be 'L'
        $said['uid'] | Should -Be '65534'
        $said['second'] | Should -Be 'C'
        $said['another'] | Should -Be 'refused'
        $said['up'] | Should -Be 'ping'
        $said['down'] | Should -Be 'pong'
        $said['exit'] | Should -Be '0' -Because 'its client closing ends it'
    }

    It 'ends when its session does, even while it waits for its client' {
        $said = Invoke-Bridge 30 @'
exec 6>&- ; eval "exec ${B[1]}>&-"
start=$SECONDS; wait "$pid"; echo "exit=$?"; echo "took=$((SECONDS - start))"
'@
        $said['first'] | Should -Be 'L'
        $said['exit'] | Should -Be '0'
        [int]$said['took'] | Should -BeLessThan 5
    }

    It 'ends when the key''s lifetime is over, client or not' {
        $said = Invoke-Bridge 1 @'
wait "$pid"; echo "exit=$?"
'@
        $said['first'] | Should -Be 'L'
        $said['exit'] | Should -Be '1'
    }

    It 'refuses a port or a lifetime that is not one' -ForEach @(
        @{ Port = '0'; Seconds = '10' }, @{ Port = '65536'; Seconds = '10' }, @{ Port = '22x'; Seconds = '10' }, @{ Port = '30000'; Seconds = '0' }
    ) {
        & $guard bridge $Port $Seconds 2>$null
        $LASTEXITCODE | Should -Be 2
    }
}

Describe 'The page guard''s ends of Stop''s memory stream (listen on the source, connect on the destination)' {
    BeforeAll {
        $guard = Join-Path $env:LIVEMIGRATE_MODULE 'page-guard'
        function Start-Guard([string[]] $Arguments) {
            $info = [System.Diagnostics.ProcessStartInfo]::new($guard)
            foreach ($a in $Arguments) { $info.ArgumentList.Add($a) }
            $info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.RedirectStandardError = $true
            [System.Diagnostics.Process]::Start($info)
        }
        function Get-Uid([int] $ProcessId) { (Get-Content "/proc/$ProcessId/status" | Where-Object { $_ -like 'Uid:*' }) -split '\s+' | Select-Object -Index 1 }
        function New-Listener { $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start(); $l }
        function Read-All([System.IO.Stream] $Stream) { $m = [System.IO.MemoryStream]::new(); $Stream.CopyTo($m); [System.Text.Encoding]::ASCII.GetString($m.ToArray()) }
    }

    It 'connect: reaches the page server, drops root, and after its session ends still carries the answer back' {
        $server = New-Listener
        try {
            $p = Start-Guard @('connect', $server.LocalEndpoint.Port, '30')
            $client = $server.AcceptTcpClient()
            # Connected: nothing of root is left (the forced command gave it the page clients' group to pass the guard).
            $deadline = [DateTime]::UtcNow.AddSeconds(5)
            while ((Get-Uid $p.Id) -ne '65534' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Get-Uid $p.Id | Should -Be '65534'
            $p.StandardInput.Write('pages'); $p.StandardInput.Close()
            $stream = $client.GetStream()
            Read-All $stream | Should -Be 'pages' -Because 'the session''s end ends only the writing to the page server'
            $answer = [System.Text.Encoding]::ASCII.GetBytes('flushed'); $stream.Write($answer, 0, $answer.Length); $client.Close()
            $p.StandardOutput.ReadToEnd() | Should -Be 'flushed'
            $p.WaitForExit(10000) | Should -BeTrue
            $p.ExitCode | Should -Be 0
        }
        finally { $server.Stop() }
    }

    It 'connect: fails, saying why, where nothing listens' {
        $free = New-Listener; $port = $free.LocalEndpoint.Port; $free.Stop()
        $p = Start-Guard @('connect', $port, '30')
        $p.WaitForExit(10000) | Should -BeTrue
        $p.ExitCode | Should -Be 1
        $p.StandardError.ReadToEnd() | Should -BeLike '*connecting to the page server*refused*'
    }

    It 'listen: says L once it listens, runs the session with the one connection as its stdin and stdout, and takes no second' {
        $free = New-Listener; $port = $free.LocalEndpoint.Port; $free.Stop()
        $p = Start-Guard @('listen', $port, '30', '/bin/sh', '-c', 'read -r x; echo "session got $x as $(id -u)"')
        [char]$p.StandardOutput.Read() | Should -Be 'L'
        $client = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port)
        $line = [System.Text.Encoding]::ASCII.GetBytes("dump`n"); $client.GetStream().Write($line, 0, $line.Length)
        # The session needs root's link key: listen keeps root, and it runs only the caller's command.
        (Read-All $client.GetStream()).Trim() | Should -Be 'session got dump as 0'
        $p.WaitForExit(10000) | Should -BeTrue
        $p.ExitCode | Should -Be 0
        { [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port) } | Should -Throw -Because 'the port was closed once its one connection came'
    }

    It 'listen: ends when the key''s lifetime is over with no dump connected, its command never run' {
        $free = New-Listener; $port = $free.LocalEndpoint.Port; $free.Stop()
        $p = Start-Guard @('listen', $port, '1', '/bin/sh', '-c', 'echo ran')
        $p.WaitForExit(10000) | Should -BeTrue
        $p.ExitCode | Should -Be 1
        $p.StandardOutput.ReadToEnd() | Should -Be 'L'
    }

    It 'refuses a port, a lifetime or a missing command' -ForEach @(
        @{ Mode = 'connect'; Rest = @('0', '10') }, @{ Mode = 'connect'; Rest = @('30000', '10', 'extra') }, @{ Mode = 'listen'; Rest = @('30000', '10') },
        @{ Mode = 'listen'; Rest = @('30000', '0', '/bin/true') }
    ) {
        & $guard $Mode @Rest 2>$null
        $LASTEXITCODE | Should -Be 2
    }
}
