# Post-copy's source side: a dump that writes everything but the memory, then serves the memory from the frozen
# tasks themselves until a lazy restore has fetched it all (nothing of it touches the disk here).
#   dump RUNC NAME DIR PORT GROUP   pause the container NAME and checkpoint it into DIR, serving its pages on
#                             127.0.0.1:PORT; prints "ready" once the images are written, then ends with runc's exit code
#   end DIR GROUP             end the dump of DIR if it still waits for or serves a client: the container stays frozen
# GROUP: the page clients' group, the only one the port's guard (port-guard.sh) lets connect.
set -u
cmd=$1
# A connection closed at once is a client that wants nothing more: CRIU finishes the dump, lifts its network lock
# and leaves the tasks frozen, as it found them. Made as a page client where the group exists.
poke() {
  as=
  case $group in *[!a-z0-9_-]*|'') ;; *) getent group "$group" >/dev/null 2>&1 && as="setpriv --regid $group --keep-groups" ;; esac
  if command -v bash >/dev/null; then $as bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' poke "$1" 2>/dev/null
  elif command -v nc >/dev/null; then $as nc 127.0.0.1 "$1" </dev/null >/dev/null 2>&1
  else return 1; fi
}
case $cmd in
dump)
  runc=$2 name=$3 dir=$4 port=$5 group=${6:-}
  # runc is run here, not through RuncRuntime: CRIU's status fd and the freeze again are the host's, controller or not.
  ready=$dir/lazy-ready
  # Frozen first: CRIU finds the freezer frozen and leaves it so (--leave-running keeps the tasks, not their running).
  "$runc" pause "$name" || { echo "error=runc pause $name failed"; exit 1; }
  rm -f "$ready"
  mkfifo -m 0600 "$ready" || { echo "error=cannot make $ready"; exit 1; }
  # The flags of RuncRuntime.CarriedState. CRIU writes one byte to its status fd when the images are complete and the page server listens.
  "$runc" checkpoint --leave-running --tcp-established --file-locks --lazy-pages --page-server "127.0.0.1:$port" --status-fd 3 \
    --image-path "$dir" --work-path "$dir" "$name" 3>"$ready" </dev/null >/dev/null &
  pid=$!
  # What "end" needs, also when the controller that started this is gone.
  echo "$pid $port" > "$dir/lazy-dump"
  if [ "$(head -c 1 "$ready" | wc -c)" -eq 1 ]; then
    # CRIU now holds the tasks by ptrace and has thawed their freezer: frozen again, they cannot run even if CRIU
    # dies, and runc shows them paused rather than running while their copy runs on the destination.
    if "$runc" pause "$name"; then
      echo ready
    else
      echo "error=cannot freeze $name again while CRIU serves its memory; the dump was ended"
      poke "$port"
      wait "$pid"
      exit 1
    fi
  fi
  wait "$pid"
  ;;
end)
  dir=$2 group=${3:-}
  [ -f "$dir/lazy-dump" ] || exit 0
  read -r pid port < "$dir/lazy-dump"
  case "$pid$port" in *[!0-9]*|'') echo "error=$dir/lazy-dump is not 'PID PORT'"; exit 1 ;; esac
  dumping() { [ -d "/proc/$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--image-path $dir "; }
  # Its CRIU may outlive a killed runc, still listening: poke whether or not runc is there.
  poke "$port" || true
  i=0
  while dumping && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  if dumping; then
    pkill -KILL -P "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null
    echo "error=the lazy dump of $dir did not end when asked (neither bash nor nc could reach 127.0.0.1:$port, or CRIU hung), and was killed: the tasks stay frozen, but CRIU's network lock may be left in the container's namespace"
    exit 1
  fi
  rm -f "$dir/lazy-dump"
  ;;
*) echo "error=unknown command $cmd"; exit 2 ;;
esac
