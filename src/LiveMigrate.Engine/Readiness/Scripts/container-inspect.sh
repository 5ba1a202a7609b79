# What of a running container CRIU cannot carry as Move-Container calls it, and how big it is.
# One line per finding: "key=value" facts, and "fd|tcp|lock|unix" records with space-separated fields.
# $1 container name  $2 its bundle  $3... its processes as runc ps lists them (RuncRuntime.Processes), the init first
name=$1 bundle=$2
shift 2
pids=$*
[ -n "$pids" ] || { echo "error=runc ps $name listed no processes"; exit 1; }
echo "pids=$pids"
init=${pids%% *}
mem=0
socks=" "
masters=" "
slaves=
for p in $pids; do
  kb=$(awk '/^(RssAnon|RssShmem):/ {s += $2} END {print s + 0}' "/proc/$p/status" 2>/dev/null)
  mem=$((mem + ${kb:-0}))
  # Stopped tasks (carried: stopped-tasks.sh), and tasks CRIU cannot take: traced ones (a task has one tracer), and ones
  # outside the init's tree (runc exec whose parent is gone: CRIU dumps the init's tree only, and the move would kill them).
  st=$(awk '/^State:/ {s = $2} /^PPid:/ {pp = $2} /^TracerPid:/ {t = $2} END {print s, pp, t}' "/proc/$p/status" 2>/dev/null)
  set -- $st
  [ "${1:-}" = T ] && echo "task $p stopped 0"
  [ "${3:-0}" != 0 ] && echo "task $p traced $3"
  [ "$p" != "$init" ] && [ -n "${2:-}" ] && case " $pids " in *" $2 "*) ;; *) echo "task $p outside $2" ;; esac
  for f in /proc/"$p"/fd/*; do
    t=$(readlink "$f") || continue
    fd=${f##*/}
    case $t in
      # A pty pair whose both ends the container holds CRIU carries; a slave whose master is elsewhere (runc's
      # console, a host terminal) it cannot re-create.
      /dev/pts/ptmx|/dev/ptmx) masters="$masters$(sed -n 's/^tty-index:[[:space:]]*//p' "/proc/$p/fdinfo/$fd" 2>/dev/null) " ;;
      /dev/pts/[0-9]*)
        m=$(sed -n 's/^mnt_id:[[:space:]]*//p' "/proc/$p/fdinfo/$fd" 2>/dev/null)
        if [ -n "$m" ] && grep -q "^$m " "/proc/$p/mountinfo"; then slaves="$slaves$p:$fd:${t#/dev/pts/} "; else echo "fd $p $fd tty $t"; fi ;;
      /dev/tty*|/dev/console) echo "fd $p $fd tty $t" ;;
      socket:\[*) i=${t#socket:[}; socks="$socks${i%]} " ;;
      # CRIU 4.2.1 dumps an expired, unread timerfd's next expiry as 0, which disarms a periodic one on restore.
      'anon_inode:[timerfd]') grep -q '^it_interval: (0, 0)' "/proc/$p/fdinfo/$fd" 2>/dev/null || echo "timerfd $p $fd" ;;
      # A memfd lives on the kernel's internal mount, not one of the container's: CRIU carries it.
      /memfd:*) ;;
      /*)
        # CRIU finds a file through the mount it was opened on; one outside the container's mounts
        # (a host file given as stdio) fails the dump with "Can't lookup mount". Devices such as the
        # host's /dev/null, which runc hands its processes, it carries.
        [ -c "$f" ] && continue
        m=$(sed -n 's/^mnt_id:[[:space:]]*//p' "/proc/$p/fdinfo/$fd" 2>/dev/null)
        [ -n "$m" ] && ! grep -q "^$m " "/proc/$p/mountinfo" && echo "fd $p $fd hostfile $t" ;;
    esac
  done
done
for s in $slaves; do
  n=${s##*:}
  case $masters in *" $n "*) ;; *) pf=${s%:*}; echo "fd ${pf%%:*} ${pf#*:} tty /dev/pts/$n" ;; esac
done
echo "mem_kb=$mem"
echo "bundle_kb=$(du -skx "$bundle" 2>/dev/null | cut -f1)"
# -BundleSync Delta sends, while frozen, the files changed since its copy ahead: about those changed in the last minute.
echo "bundle_recent_bytes=$(find "$bundle" -xdev -type f -mmin -1 -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}')"
# Compared with the destination's: the same inode and change time there means storage both hosts share.
echo "bundle_id=$(stat -c '%i %s %y %z' "$bundle/config.json" 2>/dev/null)"
echo "config=$(base64 -w0 "$bundle/config.json" 2>/dev/null)"
# Only sockets its processes hold: a container in the host's network namespace sees the host's too.
cat "/proc/$init/net/tcp" "/proc/$init/net/tcp6" 2>/dev/null | awk -v socks="$socks" '$4 == "01" && index(socks, " " $10 " ") {print "tcp " $2 " " $3}'
# A waiter blocked on a lock is listed as "N: -> FLOCK ...", one field further on.
for p in $pids; do awk -v p="$p" '{o = ($2 == "->")} $(5 + o) == p {print "lock " p " " $(2 + o)}' /proc/locks; done
if command -v ss >/dev/null 2>&1 && command -v nsenter >/dev/null 2>&1; then
  # A connected UNIX socket whose peer no process of the container holds leads outside it.
  nsenter -t "$init" -n ss -xpnH 2>/dev/null | awk -v socks="$socks" '
    $8 != "0" && $8 != "*" && index(socks, " " $6 " ") && !index(socks, " " $8 " ") {print "unix " $6 " " $8 " " $5}'
else
  echo "unix_unchecked=ss or nsenter is missing"
fi
