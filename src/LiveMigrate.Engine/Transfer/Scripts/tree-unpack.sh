# The destination's end of every stream of a migration: unpacks tar from stdin at the paths it was packed from (tar -C /),
# and nowhere else. Members outside the named folders are not extracted, nor names with "..", and GNU tar takes no option
# from anyone. Each folder is bind-mounted on itself with nosymfollow in a mount namespace of its own: nothing is
# written through a symbolic link (one an earlier stream left included), and a hard link to a file outside fails
# (EXDEV).
#   full|incremental CODEC PATH... -- ROOT...   unpack stdin; CODEC (none, zstd, lz4) is how it was compressed; each
#                                         PATH is one of the ROOTs or lies under one; incremental is GNU tar's
#                                         listed-incremental (deletions too). The controller runs this (relay): where the
#                                         host cannot confine (not root, Linux before 5.10) it unpacks unconfined
#   link EXPIRY SESSIONS PORT BRIDGE ROOT...  the forced command of a direct link's key, for what SSH_ORIGINAL_COMMAND
#                                         asks: "unpack CODEC PATH...", "unpack-incremental CODEC PATH...", "register" or
#                                         "pages" (post-copy's pages between this session and the one client of
#                                         127.0.0.1:PORT, through BRIDGE, the page guard; "-" "-" for none) or "memory"
#                                         (Stop's memory from this session into the page server on 127.0.0.1:N, PORT
#                                         "open:N", through BRIDGE as the page clients' group). Refused after
#                                         EXPIRY (UTC yyyymmddHHMMSS) or once SESSIONS (the link's file) is gone; each
#                                         connection's sshd process goes into SESSIONS, so that revoking the key ends the
#                                         connection and its sessions, the pages' too
#   probe                                 exit 0 if this host can confine an unpacking
set -u
refuse() { echo "refused: $1" >&2; exit 1; }
# Absolute; no empty, "." or ".." segment; none that begins with '-'; no control character.
check() {
  case $1 in /?*) ;; *) refuse "'$1' is not an absolute path" ;; esac
  case $1/ in *//*|*/./*|*/../*|*/-*|*[[:cntrl:]]*) refuse "'$1' is not a plain path" ;; esac
}
# Run in the new mount namespace: MODE ROOT... -- PATH... (PATHs relative to /); exits 97 before reading stdin if it
# cannot confine. mount(8) needs the remount on its own to apply nosymfollow to a bind mount.
confined='mode=$1; shift
while [ "$1" != -- ]; do
  mount --bind "$1" "$1" 2>/dev/null && mount -o remount,bind,nosymfollow "$1" 2>/dev/null ||
    { [ "$mode" = probe ] || echo "refused: cannot confine the unpacking to $1" >&2; exit 97; }
  shift
done
shift
[ "$mode" = probe ] && exit 0
inc=; [ "$mode" = incremental ] && inc=--listed-incremental=/dev/null
exec tar -C / --numeric-owner ${inc:+"$inc"} ${codec:+"--use-compress-program=$codec"} -xpf - -- "$@"'
# The decompressor tar runs (it adds -d): one of a fixed few words, never the caller's text.
codec_of() {
  case $1 in none) codec= ;; zstd|lz4) codec=$1; command -v "$1" >/dev/null || refuse "$1 is not installed here" ;; *) refuse "unknown compression '$1'" ;; esac
  export codec
}
# unpack MODE PATH... -- ROOT...
unpack() {
  mode=$1; shift
  paths=
  while [ $# -gt 0 ] && [ "$1" != -- ]; do check "$1"; paths="$paths$1
"; shift; done
  [ -n "$paths" ] || refuse "no paths to unpack"
  shift
  [ $# -gt 0 ] || refuse "no folders to unpack into"
  for r; do check "$r"; done
  used=
  set -f; IFS='
'
  for p in $paths; do
    r=
    for a; do case $p/ in "$a"/*) r=$a; break ;; esac; done
    [ -n "$r" ] || refuse "'$p' is not one of this migration's folders"
    case "
$used" in *"
$r
"*) ;; *) used="$used$r
" ;; esac
  done
  # Only the folders in use are made: one that must not exist yet (a bundle) is not made by a stream without it.
  for r in $used; do mkdir -p -m 0700 -- "$r" || refuse "cannot create $r"; done
  set --
  for p in $paths; do set -- "$@" "${p#/}"; done
  set -- "$mode" $used -- "$@"
  unset IFS; set +f
  if [ "$confining" = must ] || can_confine; then exec unshare --mount --propagation private sh -c "$confined" tree-unpack.sh "$@"; fi
  # The relay where this host cannot confine (not root, Linux before 5.10): the names are still checked.
  while [ "$1" != -- ]; do shift; done
  shift
  exec tar -C / --numeric-owner ${inc:+"$inc"} ${codec:+"--use-compress-program=$codec"} -xpf - -- "$@"
}
can_confine() {
  d=$(mktemp -d) || return 1
  unshare --mount --propagation private sh -c "$confined" tree-unpack.sh probe "$d" -- 2>/dev/null
  rc=$?
  rmdir "$d"
  return $rc
}
case ${1:-} in
full|incremental)
  confining=may mode=$1
  shift
  inc=; [ "$mode" = incremental ] && inc=--listed-incremental=/dev/null
  codec_of "${1:-}"
  shift
  unpack "$mode" "$@" ;;
link)
  confining=must
  expiry=$2 sessions=$3 port=$4 bridge=$5
  shift 5
  case $expiry in [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;; *) refuse "bad expiry" ;; esac
  [ "$(date -u +%Y%m%d%H%M%S)" -lt "$expiry" ] || refuse "the link's key has expired"
  [ -f "$sessions" ] || refuse "the link's key was revoked"
  # The connection's sshd process, with its start time (a pid can be reused), once per connection. Through sudo, the
  # forced command names it (this shell's parent is sudo).
  sshd=${LIVEMIGRATE_SSHD:-$PPID}
  case $sshd in ''|*[!0-9]*) refuse "bad sshd process $sshd" ;; esac
  me="$sshd $(sed 's/.*) //' "/proc/$sshd/stat" | cut -d ' ' -f 20)"
  grep -qxF -- "$me" "$sessions" || printf '%s\n' "$me" >> "$sessions"
  set -f
  set -- ${SSH_ORIGINAL_COMMAND:-} -- "$@"
  set +f
  word=$1
  shift
  case $word in
  register) exit 0 ;;
  pages|memory)
    case $word:$port in pages:open:*|memory:[!o]*|*:-) refuse "this link carries no $word" ;; esac
    [ "$bridge" != - ] || refuse "this link carries no $word"
    [ "$1" = -- ] || refuse "$word takes no arguments"
    # As long as the key lives, not a second more.
    end=$(date -u -d "$(printf %s "$expiry" | sed 's/^\(....\)\(..\)\(..\)\(..\)\(..\)\(..\)$/\1-\2-\3 \4:\5:\6/')" +%s) || refuse "bad expiry"
    [ "$word" = pages ] && exec "$bridge" bridge "$port" "$((end - $(date -u +%s)))"
    # The page server's port guard admits only the page clients' group (PageClients.Group); the bridge drops the rest of
    # root's rights once connected.
    exec setpriv --regid livemigrate-pages --clear-groups -- "$bridge" connect "${port#open:}" "$((end - $(date -u +%s)))" ;;
  unpack) mode=full inc= ;;
  unpack-incremental) mode=incremental inc=--listed-incremental=/dev/null ;;
  *) refuse "'${SSH_ORIGINAL_COMMAND:-}' is not unpack, unpack-incremental, pages, memory or register" ;;
  esac
  codec_of "$1"
  shift
  # The asked paths end at the first "--": one more would let them name a folder.
  n=0
  for a; do [ "$a" = -- ] && n=$((n + 1)); done
  [ "$n" -eq 1 ] || refuse "'--' is not a path"
  unpack "$mode" "$@" ;;
probe)
  can_confine ;;
*) refuse "unknown mode ${1:-}" ;;
esac
