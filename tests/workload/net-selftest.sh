#!/usr/bin/env bash
# Self-test of the network workload (netserver.c, netclient.c) on 127.0.0.1, no root needed:
#   tests/workload/net-selftest.sh
# Builds both (static, warnings are errors), then:
#   1. clean run: 8 connections for 3 s, no error, echoes on every connection, pongs, short calls;
#   2. server stopped (SIGSTOP) for 1.5 s: the client sees a pause >= 1400 ms and still no error;
#   3. 80 connections at once: all served, no error;
#   4. faults injected by the server (SIGUSR2): the client counts 8 lost, doubled, corrupt, exits 1;
#   5. server ended (SIGTERM, exit 0): the client counts resets and exits 1.
# Exit 0 when all pass. JSON is read with grep/sed (no jq, no python).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/net-selftest.XXXXXX)
server_pid=
client_pid=

stop_pid() { # PID: end a process we started, if it still runs
  [[ -n $1 ]] || return 0
  kill -CONT "$1" 2>/dev/null || true
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  stop_pid "$client_pid"
  stop_pid "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [[ -f ${json:-} ]] && cat "$json" >&2; exit 1; }

# num FILE SECTION KEY: a number inside the one-line object "SECTION":{...}
num() { sed -n "s/.*\"$2\":{[^}]*\"$3\":\([0-9]*\).*/\1/p" "$1" | head -n 1; }
# conn_values FILE KEY: that number of every connection, one a line
conn_values() { grep '^{"id":' "$1" | sed "s/.*\"$2\":\([0-9]*\).*/\1/"; }

check_clean() { # FILE RC: a finished run with no error at all
  local f=$1 rc=$2 k
  grep -q '^{"running":false,' "$f" || fail "$f: running is not false"
  for k in resets lost doubled corrupt; do
    [[ $(num "$f" totals "$k") == 0 ]] || fail "totals.$k is $(num "$f" totals "$k")"
  done
  [[ $rc == 0 ]] || fail "client exit code $rc, want 0"
}

for p in netserver netclient; do
  gcc -O2 -static -Wall -Wextra -Werror -o "$work/$p" "$here/$p.c" 2> "$work/$p.cc" ||
    { cat "$work/$p.cc" >&2; fail "build $p"; }
done
echo "built netserver and netclient"

start_server() { # picks a free port (TCP and UDP) and waits for the first state file
  local try
  for try in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    if [[ -n $(ss -Htan "sport = :$port" 2>/dev/null) || -n $(ss -Huan "sport = :$port" 2>/dev/null) ]]; then
      continue
    fi
    rm -f "$work/server.state"
    "$work/netserver" "$port" "$work/server.state" 2>> "$work/server.err" &
    server_pid=$!
    for _ in $(seq 1 50); do
      [[ -f $work/server.state ]] && return 0
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.05
    done
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  done
  fail "cannot start netserver: $(cat "$work/server.err")"
}

client() { # JSONFILE ARGS...: runs the client in the background
  json=$1
  shift
  "$work/netclient" --server 127.0.0.1 --port "$port" --state "$json" "$@" &
  client_pid=$!
}
wait_client() { client_rc=0; wait "$client_pid" || client_rc=$?; client_pid=; }

start_server
echo "netserver on 127.0.0.1:$port (TCP and UDP)"

# 1. A clean run.
client "$work/clean.json" --conns 8 --duration-s 3
wait_client
f=$work/clean.json
check_clean "$f" "$client_rc"
[[ $(conn_values "$f" echoes | wc -l) == 8 ]] || fail "not 8 connections in $f"
while read -r e; do [[ $e -gt 0 ]] || fail "a connection without echoes"; done < <(conn_values "$f" echoes)
while read -r s; do [[ $s -gt 0 ]] || fail "a connection without stream records"; done < <(conn_values "$f" streams)
[[ $(num "$f" udp pongs) -gt 0 ]] || fail "no UDP pongs"
[[ $(num "$f" udp lost) == 0 ]] || fail "UDP pings lost on loopback"
[[ $(num "$f" short ok) -gt 0 ]] || fail "no short call succeeded"
grep -Eq '^connections=[0-9]+ accepted=[1-9][0-9]* echoes=[1-9][0-9]* udp=[1-9][0-9]* requests=[1-9][0-9]*$' \
  "$work/server.state" || fail "server state: $(cat "$work/server.state")"
echo "1 clean:   rc=$client_rc echoes/conn=$(conn_values "$f" echoes | sort -n | head -n 1)..$(conn_values "$f" echoes | sort -n | tail -n 1)" \
  "udp pongs=$(num "$f" udp pongs) short ok=$(num "$f" short ok) max_pause_ms=$(num "$f" totals max_pause_ms)" \
  "server: $(cat "$work/server.state")"

# 2. The server frozen for 1.5 s: a pause, no error (the kernel keeps the connections).
client "$work/stop.json" --conns 8 --duration-s 5
sleep 1.2
kill -STOP "$server_pid"
sleep 0.7
kill -USR1 "$client_pid"
sleep 0.3
grep -q '^{"running":true,' "$work/stop.json" || fail "no running state on SIGUSR1"
[[ $(num "$work/stop.json" totals max_pause_ms) -ge 600 ]] ||
  fail "SIGUSR1 state does not show the pause in progress: $(num "$work/stop.json" totals max_pause_ms)"
sleep 0.5
kill -CONT "$server_pid"
wait_client
f=$work/stop.json
check_clean "$f" "$client_rc"
pause=$(num "$f" totals max_pause_ms)
[[ $pause -ge 1400 ]] || fail "max_pause_ms $pause after a 1.5 s stop, want >= 1400"
[[ $(num "$f" short ok) -gt 0 ]] || fail "no short call succeeded"
echo "2 stopped: rc=$client_rc max_pause_ms=$pause udp max_gap_ms=$(num "$f" udp max_gap_ms) lost=$(num "$f" udp lost)" \
  "short max_ms=$(num "$f" short max_ms) failures=$(num "$f" short failures)"

# 3. Many connections at once.
client "$work/many.json" --conns 80 --duration-s 3
sleep 2
conns=$(sed -n 's/^connections=\([0-9]*\).*/\1/p' "$work/server.state")
wait_client
f=$work/many.json
check_clean "$f" "$client_rc"
[[ $conns -ge 80 ]] || fail "server has $conns connections, want >= 80"
while read -r e; do [[ $e -gt 0 ]] || fail "a connection without echoes"; done < <(conn_values "$f" echoes)
echo "3 many:    rc=$client_rc conns=$(conn_values "$f" echoes | wc -l) server connections=$conns" \
  "max_pause_ms=$(num "$f" totals max_pause_ms)"

# 4. Injected faults (SIGUSR2 to the server): the client must count each one and fail.
client "$work/fault.json" --conns 8 --duration-s 2
sleep 1
kill -USR2 "$server_pid"
wait_client
f=$work/fault.json
for k in lost doubled corrupt; do
  [[ $(num "$f" totals "$k") == 8 ]] || fail "totals.$k is $(num "$f" totals "$k") after injected faults, want 8"
done
[[ $(num "$f" totals resets) == 0 ]] || fail "resets after injected faults"
[[ $client_rc == 1 ]] || fail "client exit code $client_rc after injected faults, want 1"
echo "4 faults:  rc=$client_rc lost=$(num "$f" totals lost) doubled=$(num "$f" totals doubled) corrupt=$(num "$f" totals corrupt)"

# 5. The server ends: every connection must count a reset, and the client must fail.
client "$work/kill.json" --conns 8 --duration-s 3
sleep 1
kill -TERM "$server_pid"
server_rc=0
wait "$server_pid" || server_rc=$?
server_pid=
[[ $server_rc == 0 ]] || fail "netserver exit code $server_rc on SIGTERM, want 0"
wait_client
f=$work/kill.json
grep -q '^{"running":false,' "$f" || fail "$f: running is not false"
resets=$(num "$f" totals resets)
[[ $resets -gt 0 ]] || fail "no reset counted after the server ended"
[[ $client_rc == 1 ]] || fail "client exit code $client_rc after resets, want 1"
echo "5 killed:  server rc=$server_rc client rc=$client_rc resets=$resets" \
  "short failures=$(num "$f" short failures) (retrying)"

echo "net-selftest: PASS"
