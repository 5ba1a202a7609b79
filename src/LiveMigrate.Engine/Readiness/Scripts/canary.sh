# Checkpoints and restores a throwaway container made of the host's own /usr, read-only (without what
# is mounted below it: CRIU would have to know those mounts too), the way a
# migration does (own namespaces, network lock included): a broken or hanging CRIU, a missing
# iptables, anything that would fail a real restore, fails here first. "key=value" lines.
# $1 runc  $2 a new folder for it  $3 its container name  $4 seconds each step may take
set -u
runc=$1 dir=$2 name=$3 limit=$4
# runc is run here, not through RuncRuntime: this tests runc and CRIU on the host, each step under its limit, in one round trip.
cleanup() { "$runc" delete --force "$name" >/dev/null 2>&1; rm -rf -- "$dir"; }
trap cleanup EXIT
now() { date +%s%N; }
ms() { echo $(( ($(now) - $1) / 1000000 )); }
fail() { # step, stderr file, CRIU log
  echo "failed=$1"
  [ -s "$2" ] && sed 's/^/error=/' "$2" | tail -n 5
  [ -n "${3:-}" ] && [ -s "$3" ] && grep -E 'Error|error|Warn' "$3" | tail -n 8 | sed 's/^/log=/'
  exit 1
}
# fd 3 is this script's stdout: a step's own stdout may be /dev/null.
exec 3>&1
step() { timeout -k 2 "$limit" "$@"; rc=$?; [ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "timed_out=1" >&3; return $rc; }
# mkdir's complaint is kept in a variable: on a host that never ran a migration, the image root does not exist yet.
err=$(mkdir -p -m 0700 "$dir/rootfs" "$dir/images" 2>&1) || { echo "error=cannot create $dir: $err"; echo "failed=mkdir"; exit 1; }
mkdir "$dir/rootfs/tmp"
# A writable /tmp: CRIU 4.2 makes its mount-namespace work folder there when it restores a read-only root.
mounts='{"destination":"/proc","type":"proc","source":"proc"},{"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","mode=755","size=64k"]},{"destination":"/tmp","type":"tmpfs","source":"tmpfs","options":["nosuid","mode=1777","size=64k"]}'
for d in usr bin sbin lib lib64; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$dir/rootfs/$d"
  elif [ -d "/$d" ]; then
    mkdir "$dir/rootfs/$d"
    mounts="$mounts,{\"destination\":\"/$d\",\"type\":\"bind\",\"source\":\"/$d\",\"options\":[\"bind\",\"ro\"]}"
  fi
done
cat > "$dir/config.json" <<JSON
{"ociVersion":"1.0.2","process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["sleep","3600"],
"env":["PATH=/usr/bin:/bin"],"cwd":"/","noNewPrivileges":true},"root":{"path":"rootfs","readonly":true},
"hostname":"livemigrate-canary","mounts":[$mounts],
"linux":{"namespaces":[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"}]}}
JSON
t=$(now)
# Its stdio must be /dev/null: a host file there is what CRIU cannot dump; runc's errors go to its log.
(cd "$dir" && step "$runc" --log "$dir/run.log" run --detach "$name" </dev/null >/dev/null 2>&1) || fail run "$dir/run.log"
echo "run_ms=$(ms "$t")"
t=$(now)
step "$runc" checkpoint --image-path "$dir/images" --work-path "$dir/images" "$name" 2>"$dir/err" || fail checkpoint "$dir/err" "$dir/images/dump.log"
echo "checkpoint_ms=$(ms "$t")"
t=$(now)
step "$runc" restore --detach --image-path "$dir/images" --work-path "$dir/images" --bundle "$dir" "$name" </dev/null >/dev/null 2>"$dir/err" ||
  fail restore "$dir/err" "$dir/images/restore.log"
echo "restore_ms=$(ms "$t")"
"$runc" state "$name" 2>"$dir/err" | grep -q '"status": "running"' || fail state "$dir/err"
echo "ok=1"
