# The destination's end of a migration's direct link: a line in the login user's authorized_keys that lets only the
# link's key in, only to unpack a tar stream (no shell, no pty) or to listen on a loopback port for post-copy's pages
# (no other forwarding), and only until it expires.
#   authorize MARKER KEY SECONDS   KEY is "ssh-ed25519 BASE64"; MARKER names the line for revoke
#   revoke MARKER
# Lines of earlier links whose time has passed are removed on the way (a controller that died leaves its line).
set -u
cmd=$1 marker=$2
keys=$HOME/.ssh/authorized_keys
# Serializes this host's links (plans run several at once); kept out of ~/.ssh where /run/lock exists.
lock=/run/lock/livemigrate-authorized-keys.lock
[ -d /run/lock ] && [ -w /run/lock ] || lock=$keys.livemigrate.lock
now=$(date -u +%Y%m%d%H%M%S)
# Keeps every line but this marker's and expired link lines; rewrites in place (owner, mode and inode kept).
prune() {
  awk -v m="$1" -v now="$now" '
    index($0, m) { next }
    /livemigrate-link-/ && match($0, /expiry-time="[0-9]+Z"/) { if (substr($0, RSTART + 13, 14) < now) next }
    { print }' "$keys" > "$keys.livemigrate.tmp" && cat "$keys.livemigrate.tmp" > "$keys"
  rc=$?
  rm -f -- "$keys.livemigrate.tmp"
  return $rc
}
case $marker in livemigrate-link-*) ;; *) echo "error=bad marker"; exit 2 ;; esac
case $cmd in
authorize)
  key=$3 secs=$4
  case $key in "ssh-ed25519 "*) ;; *) echo "error=only ssh-ed25519 link keys are accepted"; exit 2 ;; esac
  case ${key#ssh-ed25519 } in *[!A-Za-z0-9+/=]*|'') echo "error=the link key is malformed"; exit 2 ;; esac
  expiry=$(date -u -d "@$(( $(date +%s) + secs ))" +%Y%m%d%H%M%SZ) || { echo "error=date cannot compute the expiry"; exit 1; }
  mkdir -p -m 0700 "$HOME/.ssh" && touch "$keys" || { echo "error=cannot write $keys"; exit 1; }
  line="restrict,port-forwarding,permitlisten=\"127.0.0.1:*\",permitopen=\"127.0.0.1:9\",expiry-time=\"$expiry\",command=\"case \$SSH_ORIGINAL_COMMAND in unpack) exec tar -C / --numeric-owner -xpf - ;; unpack-incremental) exec tar -C / --numeric-owner --listed-incremental=/dev/null -xpf - ;; *) echo refused >&2; exit 1 ;; esac\" $key $marker"
  (
    flock -w 30 9 || { echo "error=$lock is held by another process"; exit 1; }
    prune "$marker" || { echo "error=cannot rewrite $keys"; exit 1; }
    printf '%s\n' "$line" >> "$keys" || { echo "error=cannot append to $keys"; exit 1; }
  ) 9>>"$lock"
  ;;
revoke)
  [ -f "$keys" ] || exit 0
  (
    flock -w 30 9 || { echo "error=$lock is held by another process"; exit 1; }
    prune "$marker" || { echo "error=cannot rewrite $keys"; exit 1; }
  ) 9>>"$lock"
  ;;
*)
  echo "error=unknown link command $cmd"; exit 2 ;;
esac
