# The source's end of a migration's direct link: its own OpenSSH connection to the destination, made with a
# throwaway key and trusting only the destination's host key as the controller verified it.
#   key DIR                      makes DIR (0700) and the key; prints the public key
#   connect DIR TARGET PORT KEY [GROUP]   trusts only KEY ("type base64") for the destination; opens the master
#                                connection and registers it there (revoking the key ends it); with GROUP the master runs
#                                as that group, the only one post-copy's page port admits (port-guard.sh)
#   send DIR SNAPSHOT PATH...    streams the absolute paths as tar through the master, to the same paths; SNAPSHOT "-" or
#                                a listed-incremental file; prints tar's progress and totals
#   forward DIR LISTEN TO        lets programs on the destination reach 127.0.0.1:TO here through 127.0.0.1:LISTEN there
#   unforward DIR LISTEN TO      undoes it
#   reach DIR LISTEN TO          lets programs here reach 127.0.0.1:TO on the destination through 127.0.0.1:LISTEN here
#   unreach DIR LISTEN TO        undoes it
#   close DIR                    ends the master connection and removes DIR with the key
set -u
cmd=$1 dir=$2
shift 2
# "as": how ssh runs (connect sets it for the master); streams through the master need nothing of it.
as=
link() {
  $as ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i "$dir/key" -o UserKnownHostsFile="$dir/known_hosts" \
    -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o HostKeyAlias=livemigrate-destination \
    -o ControlPath="$dir/ctl" -o Compression=no -o ForwardAgent=no -o ForwardX11=no \
    -o Ciphers=aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr "$@"
}
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
  case ${4:-} in '') ;; *[!a-z0-9_-]*) echo "error=bad group $4"; exit 2 ;; *) as="setpriv --regid $4 --keep-groups" ;; esac
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
  snapshot=$1
  shift
  { read -r target; read -r port; } < "$dir/target"
  # Incremental: a running container's files may change under the copy ahead (tar exits 1, "file changed as we read
  # it"); the frozen pass sends them again, so that is no failure.
  if [ "$snapshot" = - ]; then inc= changed= recv=unpack; else inc=--listed-incremental=$snapshot changed=--warning=no-file-changed recv=unpack-incremental; fi
  # The destination unpacks only the paths it is told, each checked against the folders its key allows.
  for p; do recv="$recv $p"; done
  n=$#
  for p; do set -- "$@" "${p#/}"; done
  shift "$n"
  # tar's data goes into the link; its progress and errors come out here, on fd 3.
  exec 3>&1
  rm -f -- "$dir/tar.rc"
  { tar -C / --numeric-owner --sparse ${inc:+"$inc"} ${changed:+"$changed"} --checkpoint=4096 --checkpoint-action='echo=progress %{w}T' --totals \
      -cf - -- "$@" 2>&3; echo $? > "$dir/tar.rc"; } |
    link -o ControlMaster=no -T -p "$port" "$target" "$recv" >/dev/null 2>"$dir/recv.err"
  sent=$?
  packed=$(cat "$dir/tar.rc" 2>/dev/null || echo 1)
  if [ "$packed" != 0 ] && ! { [ -n "$inc" ] && [ "$packed" = 1 ]; }; then echo "error=tar on the source failed (exit $packed)"; exit 1; fi
  if [ "$sent" != 0 ]; then echo "error=the destination's end failed (exit $sent): $(tr '\n' ' ' < "$dir/recv.err" | head -c 400)"; exit 1; fi
  ;;
forward|unforward|reach|unreach)
  { read -r target; read -r port; } < "$dir/target"
  case $cmd in un*) op=cancel ;; *) op=forward ;; esac
  case $cmd in *forward) way=-R ;; *) way=-L ;; esac
  link -O "$op" "$way" "127.0.0.1:$1:127.0.0.1:$2" -p "$port" "$target" >/dev/null 2>"$dir/forward.err" ||
    { echo "error=$(tr '\n' ' ' < "$dir/forward.err" | head -c 400)"; exit 1; }
  ;;
close)
  if [ -S "$dir/ctl" ]; then
    { read -r target; read -r port; } < "$dir/target"
    master=$(link -O check -p "$port" "$target" 2>&1 | sed -n 's/.*(pid=\([0-9]*\)).*/\1/p')
    link -O exit -p "$port" "$target" >/dev/null 2>&1
    # The master must be gone, with every stream on it, before the key's folder goes.
    i=0
    while [ -n "$master" ] && kill -0 "$master" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -n "$master" ] && kill -0 "$master" 2>/dev/null && kill -KILL "$master"
  fi
  rm -rf -- "$dir"
  ;;
*)
  echo "error=unknown link command $cmd"; exit 2 ;;
esac
