# The destination's end of a migration's direct link: a line in the login user's authorized_keys that lets only the
# link's key in, only to unpack tar under the migration's own folders (tree-unpack.sh, confined: no shell, no pty), or
# to carry post-copy's pages to the one loopback port of their client or Stop's memory to the one loopback port of the
# page server (the page guard's bridge, over the session itself), and only until it expires. The key may forward nothing: OpenSSH's permitlisten and permitopen bound TCP
# forwarding only, not the forwarding of Unix sockets.
#   authorize MARKER KEY SECONDS PORT BRIDGE UNPACK ROOT...
#       KEY is "ssh-ed25519 BASE64"; PORT the loopback port the pages' client connects to, or "open:N" the page
#       server's port N, and BRIDGE the page guard that listens there or connects, "-" "-" for none; UNPACK tree-unpack.sh in base64 (the forced command carries it: nothing
#       is installed); ROOTs the folders it may unpack into
#   revoke MARKER    removes the line and ends the link's connections
# Lines of earlier links whose time has passed go on the way, their connections too (a controller that died leaves them).
# LIVEMIGRATE_BECOME=sudo: the login is not root and becomes root with sudo -n. This script then runs as that user (its
# authorized_keys, its sessions), and the probe and the forced command reach tree-unpack.sh through sudo, handing it the
# connection's sshd process and the client's request, which sudo's reset environment would drop.
set -u
cmd=${1:-} marker=${2:-}
fail() { echo "error=$1"; exit "${2:-1}"; }
# The whole marker, not a prefix: it is matched as a line's last word and names a file.
id=${marker#livemigrate-link-}
case $marker in livemigrate-link-?*) ;; *) fail "bad marker" 2 ;; esac
case $id in *[!A-Za-z0-9_-]*) fail "bad marker" 2 ;; esac
[ ${#id} -le 64 ] || fail "bad marker" 2
keys=$HOME/.ssh/authorized_keys
# The sshd processes of each link's connections, one file per link: "PID START" lines.
links=$HOME/.ssh/livemigrate-links
# Serializes this host's links of this user (plans run several at once); kept out of ~/.ssh where /run/lock exists, one
# per user, since each has its own authorized_keys (and cannot open another's lock).
lock=/run/lock/livemigrate-authorized-keys-$(id -u).lock
[ -d /run/lock ] && [ -w /run/lock ] || lock=$keys.livemigrate.lock
case ${LIVEMIGRATE_BECOME:-} in
'') sudo= unpacker=sh ;;
sudo) sudo="sudo -n -- env" unpacker='sudo -n -- env LIVEMIGRATE_SSHD=$PPID \"SSH_ORIGINAL_COMMAND=$SSH_ORIGINAL_COMMAND\" sh' ;;
*) fail "bad LIVEMIGRATE_BECOME ${LIVEMIGRATE_BECOME}" 2 ;;
esac
now=$(date -u +%Y%m%d%H%M%S)
# A path the forced command names between single quotes: nothing in it the shell or sshd would read.
plain() { case $1 in /*) ;; *) return 1 ;; esac; case $1 in *[!A-Za-z0-9._+,@%=/-]*) return 1 ;; esac; }
start_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f 20; }
# Ends the connections a link's key made (its sshd processes, if still the same) and forgets them.
end_sessions() {
  f=$links/$1
  [ -f "$f" ] || return 0
  while read -r pid start; do
    case $pid in ''|*[!0-9]*) continue ;; esac
    case $(cat "/proc/$pid/comm" 2>/dev/null) in sshd*) ;; *) continue ;; esac
    [ "$(start_of "$pid")" = "$start" ] && kill -TERM "$pid" 2>/dev/null
  done < "$f"
  rm -f -- "$f"
}
# Writes authorized_keys anew without MARKER's line and expired links' lines, plus LINE if given, and renames it into
# place with the old file's owner and mode: sshd never reads half a file. Then ends the connections of every line gone.
rewrite() {
  target=$keys
  [ -L "$keys" ] && target=$(readlink -f -- "$keys")
  tmp=$(mktemp "$target.livemigrate.XXXXXX") || return 1
  if gone=$(awk -v m="$1" -v now="$now" -v out="$tmp" '
      $NF ~ /^livemigrate-link-[A-Za-z0-9_-]+$/ && ($NF == m || (match($0, /expiry-time="[0-9]+Z"/) && substr($0, RSTART + 13, 14) < now)) { print $NF; next }
      { print > out }' "$target") &&
    { [ -z "$2" ] || printf '%s\n' "$2" >> "$tmp"; } &&
    chown --reference="$target" -- "$tmp" && chmod --reference="$target" -- "$tmp" && mv -f -- "$tmp" "$target"; then
    for g in $gone; do end_sessions "$g"; done
    return 0
  fi
  rm -f -- "$tmp"
  return 1
}
case $cmd in
authorize)
  [ $# -ge 8 ] || fail "authorize needs MARKER KEY SECONDS PORT BRIDGE UNPACK ROOT..." 2
  key=$3 secs=$4 port=$5 bridge=$6 unpack=$7
  shift 7
  case $key in "ssh-ed25519 "*) ;; *) fail "only ssh-ed25519 link keys are accepted" 2 ;; esac
  case ${key#ssh-ed25519 } in *[!A-Za-z0-9+/=]*|'') fail "the link key is malformed" 2 ;; esac
  case $secs in *[!0-9]*|'') fail "bad lifetime $secs" 2 ;; esac
  case ${port#open:} in -) ;; *[!0-9]*|'') fail "bad port $port" 2 ;; *) [ "${port#open:}" -ge 1 ] && [ "${port#open:}" -le 65535 ] || fail "bad port $port" 2 ;; esac
  if [ "$port" = - ] || [ "$bridge" = - ]; then
    [ "$port" = "$bridge" ] || fail "a page port needs its bridge, and a bridge its port" 2
  else
    plain "$bridge" || fail "'$bridge' cannot be named in a forced command (only letters, digits and . _ + , @ % = - /)" 2
    $sudo test -x "$bridge" || fail "the page bridge $bridge is not an executable here"
  fi
  case $unpack in *[!A-Za-z0-9+/=]*|'') fail "the unpack script is not base64" 2 ;; esac
  for r; do plain "$r" || fail "'$r' cannot be named in a forced command (only letters, digits and . _ + , @ % = - /)" 2; done
  plain "$links" || fail "the home folder $HOME cannot be named in a forced command" 2
  # The key is useless where its unpacking cannot be confined: say so now, so that the migration relays instead.
  $sudo sh -c "$(printf %s "$unpack" | base64 -d)" tree-unpack.sh probe ||
    fail "this host cannot confine a link's unpacking (it needs root${sudo:+ through sudo -n}, unshare and Linux 5.10 or later for nosymfollow)"
  expiry=$(date -u -d "@$(( $(date +%s) + secs ))" +%Y%m%d%H%M%S) || fail "date cannot compute the expiry"
  roots=
  for r; do roots="$roots '$r'"; done
  # With sudo: exec sudo -n -- env LIVEMIGRATE_SSHD=$PPID "SSH_ORIGINAL_COMMAND=..." sh -c ..., expanded at each login.
  line="restrict,expiry-time=\"${expiry}Z\",command=\"exec $unpacker -c \\\"\$(printf %s $unpack | base64 -d)\\\" tree-unpack.sh link $expiry '$links/$marker' $port '$bridge'$roots\" $key $marker"
  umask 077
  mkdir -p -m 0700 "$HOME/.ssh" "$links" && touch "$keys" || fail "cannot write $keys"
  (
    flock -w 30 9 || fail "$lock is held by another process"
    # After the rewrite, which ends what an earlier line of this marker left.
    rewrite "$marker" "$line" || fail "cannot rewrite $keys"
    : > "$links/$marker" || fail "cannot write $links/$marker"
  ) 9>>"$lock"
  ;;
revoke)
  [ -f "$keys" ] || { end_sessions "$marker"; exit 0; }
  (
    flock -w 30 9 || fail "$lock is held by another process"
    rewrite "$marker" "" || fail "cannot rewrite $keys"
    end_sessions "$marker"
  ) 9>>"$lock"
  ;;
*)
  fail "unknown link command $cmd" 2 ;;
esac
