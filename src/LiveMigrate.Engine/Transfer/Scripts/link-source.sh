# The source's end of a migration's direct link: its own OpenSSH connection to the destination, made with a
# throwaway key and trusting only the destination's host key as the controller verified it.
#   key DIR                      makes DIR (0700) and the key; prints the public key
#   connect DIR TARGET PORT KEY  trusts only KEY ("type base64") for the destination; opens the master connection and
#                                registers it there (revoking the key ends it)
#   send DIR SNAPSHOT CODEC COMPRESSOR PATH...  streams the absolute paths as tar through the master, to the same paths;
#                                SNAPSHOT "-" or a listed-incremental file; CODEC none, zstd or lz4, the destination's
#                                decompressor; COMPRESSOR the program line tar compresses with ("-" for none); prints tar's
#                                progress and totals (bytes of the tar stream before compression)
#   pages DIR TO GROUP SECONDS   carries post-copy's pages between 127.0.0.1:TO here (the lazy dump) and the one client
#                                of the destination's page port, over a session of the master whose forced command
#                                listens there (the key may forward nothing); in the background, as GROUP, the only one
#                                TO admits (port-guard.sh): it outlives the controller, as the link does, and ends when
#                                either end does, with unpages or close, or after SECONDS. Returns once the destination
#                                listens
#   unpages DIR                  ends it
#   memory DIR LISTEN GUARD SECONDS  carries Stop's memory from the dump's one connection to 127.0.0.1:LISTEN here to the
#                                destination's page server, over a session of the master whose forced command connects
#                                there: GUARD (the page guard installed here) listens and runs the session with that
#                                connection as its stdin and stdout. In the background, as the pages' bridge; ends with
#                                the session, with unmemory or close, or after SECONDS. Returns once it listens
#   unmemory DIR                 ends it
#   close DIR                    ends the master connection and removes DIR with the key
set -u
cmd=$1 dir=$2
shift 2
# "as": what runs ssh (pages sets it); streams through the master need nothing of it.
as=
link() {
  $as ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i "$dir/key" -o UserKnownHostsFile="$dir/known_hosts" \
    -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o HostKeyAlias=livemigrate-destination \
    -o ControlPath="$dir/ctl" -o Compression=no -o ForwardAgent=no -o ForwardX11=no \
    -o Ciphers=aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr "$@"
}
# Whether PID is a process that has not exited (a zombie has).
running() {
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f 1)" != Z ]
}
# Ends a bridge (pages or memory): its process group, if the pid still is that bridge of this link (its command line
# names DIR).
stop_bridge() {
  pid=$(cat "$dir/$1.pid" 2>/dev/null)
  case $pid in ''|*[!0-9]*) return 0 ;; esac
  # bash's kill: dash's takes no process group.
  case $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) in *" $dir/"*) bash -c 'kill -TERM -- "-$1"' kill "$pid" 2>/dev/null ;; esac
  rm -f -- "$dir/$1.pid"
}
# Waits (20 s at most) for a bridge's first line or byte to be $2, else ends it and says why.
await_bridge() {
  pid=$(cat "$dir/$1.pid")
  i=0
  until [ "$(head -c "${#2}" "$dir/$1.out")" = "$2" ]; do
    if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 200 ]; then
      stop_bridge "$1"
      echo "error=$(head -n 1 "$dir/$1.out" | sed 's/^error=//') $(tr '\n' ' ' < "$dir/$1.err" | head -c 400)"
      exit 1
    fi
    sleep 0.1
    i=$((i + 1))
  done
}
# The link's lifetime, as timeout(1) takes it (0 would be no limit: never that).
lifetime() { case $1 in *[!0-9]*|''|0) echo "error=bad lifetime $1"; exit 2 ;; esac; }
case $cmd in
key)
  command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || { echo "error=the OpenSSH client (ssh, ssh-keygen) is not installed"; exit 3; }
  umask 077
  mkdir -p -m 0700 "$(dirname -- "$dir")" && mkdir -m 0700 -- "$dir" || { echo "error=cannot create $dir"; exit 1; }
  ssh-keygen -q -t ed25519 -N '' -C livemigrate-link -f "$dir/key" </dev/null >/dev/null 2>"$dir/keygen.err" ||
    { echo "error=ssh-keygen failed: $(head -c 300 "$dir/keygen.err")"; rm -rf -- "$dir"; exit 1; }
  cat "$dir/key.pub"
  ;;
connect)
  target=$1 port=$2 hostkey=$3
  printf 'livemigrate-destination %s\n' "$hostkey" > "$dir/known_hosts"
  printf '%s\n%s\n' "$target" "$port" > "$dir/target"
  # -f: backgrounds once authenticated; its output goes to a file, or this session would wait for it.
  if ! link -M -N -f -o ControlPersist=900 -o ConnectTimeout=10 -o ServerAliveInterval=10 -o ServerAliveCountMax=3 \
      -p "$port" "$target" </dev/null >/dev/null 2>"$dir/master.err"; then
    echo "error=$(tr '\n' ' ' < "$dir/master.err" | head -c 400)"
    exit 1
  fi
  link -o ControlMaster=no -T -p "$port" "$target" register </dev/null >/dev/null 2>"$dir/register.err" ||
    { echo "error=the destination refused to register the link: $(tr '\n' ' ' < "$dir/register.err" | head -c 400)"; exit 1; }
  ;;
send)
  snapshot=$1 codec=$2 compress=$3
  shift 3
  case $codec in none) compress= ;; zstd|lz4) command -v "$codec" >/dev/null || { echo "error=$codec is not installed on the source"; exit 3; } ;;
  *) echo "error=unknown compression $codec"; exit 2 ;; esac
  { read -r target; read -r port; } < "$dir/target"
  # Incremental: a running container's files may change under the copy ahead (tar exits 1, "file changed as we read
  # it"); the frozen pass sends them again, so that is no failure.
  if [ "$snapshot" = - ]; then inc= changed= recv=unpack; else inc=--listed-incremental=$snapshot changed=--warning=no-file-changed recv=unpack-incremental; fi
  # The destination unpacks only the paths it is told, each checked against the folders its key allows.
  recv="$recv $codec"
  for p; do recv="$recv $p"; done
  n=$#
  for p; do set -- "$@" "${p#/}"; done
  shift "$n"
  # tar's data goes into the link; its progress and errors come out here, on fd 3.
  exec 3>&1
  rm -f -- "$dir/tar.rc"
  { tar -C / --numeric-owner --sparse ${inc:+"$inc"} ${changed:+"$changed"} --checkpoint=1024 --checkpoint-action='echo=progress %{w}T' --totals \
      ${compress:+"--use-compress-program=$compress"} -cf - -- "$@" 2>&3; echo $? > "$dir/tar.rc"; } |
    link -o ControlMaster=no -T -p "$port" "$target" "$recv" >/dev/null 2>"$dir/recv.err"
  sent=$?
  packed=$(cat "$dir/tar.rc" 2>/dev/null || echo 1)
  if [ "$packed" != 0 ] && ! { [ -n "$inc" ] && [ "$packed" = 1 ]; }; then echo "error=tar on the source failed (exit $packed)"; exit 1; fi
  if [ "$sent" != 0 ]; then echo "error=the destination's end failed (exit $sent): $(tr '\n' ' ' < "$dir/recv.err" | head -c 400)"; exit 1; fi
  ;;
pages)
  to=$1 group=$2 secs=$3
  case $to in *[!0-9]*|'') echo "error=bad port $to"; exit 2 ;; esac
  case $group in *[!a-z0-9_-]*|'') echo "error=bad group $group"; exit 2 ;; esac
  lifetime "$secs"
  command -v bash >/dev/null || { echo "error=bash is not installed on the source (post-copy's pages need its /dev/tcp)"; exit 3; }
  { read -r target; read -r port; } < "$dir/target"
  stop_bridge pages
  # The destination says 'L' once it listens and 'C' once its client came: only then does the lazy dump here listen.
  # Either end ending ends the rest.
  bridge='export LC_ALL=C
to=$1; shift
coproc LINK { exec "$@"; }
exec 5<&"${LINK[0]}" 6>&"${LINK[1]}"
IFS= read -r -n 1 -u 5 m
[ "$m" = L ] || { echo "error=the destination did not listen for the pages"; exit 1; }
echo ready
IFS= read -r -n 1 -u 5 m
[ "$m" = C ] || exit 1
exec 3<>"/dev/tcp/127.0.0.1/$to" || exit 1
cat <&5 >&3 &
cat <&3 >&6 &
wait -n
kill $(jobs -p) "$LINK_PID" 2>/dev/null
exit 0'
  # A session and process group of its own: the controller's session ending leaves it, unpages ends all of it.
  bridged() {
    setsid timeout --kill-after=5 "$secs" setpriv --regid "$group" --keep-groups bash -c "$bridge" page-bridge "$to" "$@" \
      </dev/null >"$dir/pages.out" 2>"$dir/pages.err" &
    echo $! > "$dir/pages.pid"
  }
  : > "$dir/pages.out"
  as=bridged
  link -o ControlMaster=no -T -p "$port" "$target" pages
  await_bridge pages ready
  ;;
unpages)
  stop_bridge pages
  ;;
memory)
  listen=$1 guard=$2 secs=$3
  case $listen in *[!0-9]*|'') echo "error=bad port $listen"; exit 2 ;; esac
  lifetime "$secs"
  [ -x "$guard" ] || { echo "error=the page guard $guard is not an executable here"; exit 3; }
  { read -r target; read -r port; } < "$dir/target"
  stop_bridge memory
  # A session and process group of its own, as the pages' bridge. The guard writes 'L' here once it listens; the session
  # it then runs takes the connection as its stdin and stdout.
  listening() {
    setsid timeout --kill-after=5 "$secs" "$guard" listen "$listen" "$secs" "$@" </dev/null >"$dir/memory.out" 2>"$dir/memory.err" &
    echo $! > "$dir/memory.pid"
  }
  : > "$dir/memory.out"
  as=listening
  link -o ControlMaster=no -T -p "$port" "$target" memory
  await_bridge memory L
  ;;
unmemory)
  stop_bridge memory
  ;;
close)
  stop_bridge pages
  stop_bridge memory
  if [ -S "$dir/ctl" ]; then
    { read -r target; read -r port; } < "$dir/target"
    master=$(link -O check -p "$port" "$target" 2>&1 | sed -n 's/.*(pid=\([0-9]*\)).*/\1/p')
    link -O exit -p "$port" "$target" >/dev/null 2>&1
    # The master must be gone, with every stream on it, before the key's folder goes. Exited is gone: a zombie waits
    # for whichever process reaps it (-f made it init's child; some inits reap a second or more later).
    i=0
    while running "$master" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    running "$master" && kill -KILL "$master"
  fi
  rm -rf -- "$dir"
  ;;
*)
  echo "error=unknown link command $cmd"; exit 2 ;;
esac
