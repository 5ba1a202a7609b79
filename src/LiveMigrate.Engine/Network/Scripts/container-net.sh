# A container's network namespace at a path of its config.json (veth to a host bridge, static addresses: the common
# runc / CNI bridge layout), read on the source and rebuilt the same on the destination. "key=value" lines.
#   inspect NS                 what the namespace holds: one "if=" line per interface, "route=" lines, "neigh=" lines
#                              (the peers it knows the MAC of)
#   check NS HOSTEND BRIDGE    can it be built here: no namespace at NS, no link HOSTEND, BRIDGE exists (mtu=)
#   build NS IF MAC MTU HOSTEND BRIDGE ADDR,ADDR ROUTE;ROUTE ADDR=MAC;ADDR=MAC
#                              make the namespace at NS: IF (MAC, MTU, addresses, up) paired with HOSTEND on BRIDGE,
#                              HOSTEND left down so that nothing reaches or leaves the namespace before the restore; the
#                              peers' MACs as the source knew them (stale: checked again on use), or the restored
#                              sockets' first packets, sent while HOSTEND is down, would leave their peers unresolved
#                              until the kernel's next ARP try, a second later
#   announce NS IF HOSTEND     bring HOSTEND up, then announce the addresses (gratuitous ARP, unsolicited NA) so that
#                              the LAN sends their traffic here: setting IF's own MAC again makes the kernel send them
#                              (arp_notify / ndisc_notify); bringing the link up does not, once IF is up already
#   isolate HOSTEND            take HOSTEND down: the source's frozen copy no longer answers for its addresses
#   rejoin NS IF HOSTEND       a rollback: announce the source's copy again
#   remove NS HOSTEND          delete HOSTEND (and its peer) and the namespace at NS; nothing to do if gone
#   loopback-restore BUNDLE    before the restore of a container whose namespace runc makes: runc makes it with lo
#                              down, and CRIU then cannot connect its sockets on 127.0.0.1 back; CRIU's configuration
#                              for this container (BUNDLE/.livemigrate/criu.conf: the host's own, and an action script)
#                              brings lo up once the namespaces exist, before any socket is restored
#   loopback-restored BUNDLE   after it: the configuration is the host's own again, for the container's later dumps
#   probe-addresses BRIDGE MAC ADDR,ADDR
#                              asks the LAN behind BRIDGE who has each IPv4 address: "in_use=ADDR MAC" for a MAC other
#                              than the container's own (which still answers from the source), "unchecked=" without arping
set -u
cmd=$1
in_ns() { n=$1; shift; nsenter --net="$n" "$@"; }
is_ns() { [ -e "$1" ] && [ "$(stat -f -c %T "$1" 2>/dev/null)" = nsfs ]; }
case $cmd in
inspect)
  ns=$2
  is_ns "$ns" || { echo "error=$ns is not a network namespace"; exit 1; }
  # ip -o: one line per interface or address; "eth0@if12" names the peer's index in the host's namespace.
  in_ns "$ns" ip -o link show | while read -r _ ifname rest; do
    ifname=${ifname%:}; peer=${ifname#*@if}; ifname=${ifname%@*}
    [ "$ifname" = lo ] && continue
    mac=$(echo "$rest" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
    mtu=$(echo "$rest" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
    kind=$(in_ns "$ns" ip -d -o link show dev "$ifname" | grep -o 'veth' | head -n 1)
    hostend='' bridge=''
    if [ "$kind" = veth ] && [ "$peer" != "$ifname" ]; then
      line=$(ip -o link show | awk -v i="$peer" -F': ' '$1 == i { print; exit }')
      hostend=$(echo "$line" | awk -F': ' '{ print $2 }'); hostend=${hostend%@*}
      bridge=$(echo "$line" | sed -n 's/.* master \([^ ]*\).*/\1/p')
    fi
    addrs=$(in_ns "$ns" ip -o addr show dev "$ifname" scope global | awk '{ print $4 }' | paste -sd, -)
    echo "if=$ifname mac=$mac mtu=$mtu kind=${kind:-other} hostend=$hostend bridge=$bridge addrs=$addrs"
  done
  in_ns "$ns" ip -4 route show | grep -v ' proto kernel ' | sed 's/ *$//; s/^/route=/'
  in_ns "$ns" ip neigh show nud reachable nud stale nud delay nud probe nud permanent 2>/dev/null |
    awk '$4 == "lladdr" && $3 != "" { print "neigh=" $1 "=" $5 }' | head -n 256
  in_ns "$ns" ss -Htn state established 2>/dev/null | wc -l | sed 's/^/established=/'
  ;;
check)
  ns=$2 hostend=$3 bridge=$4
  [ -e "$ns" ] && echo "problem=$ns already exists"
  [ -d "$(dirname "$ns")" ] || echo "problem=the folder $(dirname "$ns") does not exist"
  ip link show dev "$hostend" >/dev/null 2>&1 && echo "problem=a link named $hostend already exists"
  if ip link show dev "$bridge" >/dev/null 2>&1; then
    echo "mtu=$(cat "/sys/class/net/$bridge/mtu" 2>/dev/null || ip -o link show dev "$bridge" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')"
  else
    echo "problem=there is no bridge $bridge"
  fi
  ;;
build)
  ns=$2 ifname=$3 mac=$4 mtu=$5 hostend=$6 bridge=$7 addrs=$8 routes=$9 neighbours=${10:-}
  fail() { echo "error=$*"; ip link del "$hostend" 2>/dev/null; [ -n "${holder:-}" ] && kill "$holder" 2>/dev/null; exit 1; }
  # Under /run/netns the way `ip netns add` makes it (a shared mount, seen by every mount namespace); elsewhere a
  # namespace bound to the file, as CNI runtimes do.
  case $ns in
  /run/netns/*|/var/run/netns/*) ip netns add "$(basename "$ns")" || fail "cannot make the namespace $ns" ;;
  *) touch "$ns" && unshare --net="$ns" true || { rm -f "$ns"; fail "cannot make the namespace $ns"; } ;;
  esac
  tmp=lmv$$
  ip link add "$hostend" mtu "$mtu" type veth peer name "$tmp" mtu "$mtu" || fail "cannot make the veth pair $hostend"
  # ip moves a link into a namespace named by a process: one that sits in the namespace for the moment.
  nsenter --net="$ns" sleep 30 & holder=$!
  # Until nsenter has entered the namespace, the process is still in this one.
  tries=0
  while [ "$(readlink "/proc/$holder/ns/net")" = "$(readlink /proc/self/ns/net)" ] && [ $tries -lt 200 ]; do sleep 0.01; tries=$((tries + 1)); done
  ip link set "$tmp" netns "$holder" || fail "cannot move the container's end into $ns"
  kill "$holder" 2>/dev/null
  in_ns "$ns" ip link set lo up || fail "cannot bring lo up in $ns"
  in_ns "$ns" ip link set "$tmp" name "$ifname" address "$mac" || fail "cannot name the interface $ifname ($mac)"
  # Announce the addresses once the carrier comes on (announce), not before.
  in_ns "$ns" sh -c 'for f in /proc/sys/net/ipv4/conf/"$1"/arp_notify /proc/sys/net/ipv6/conf/"$1"/ndisc_notify; do [ -w "$f" ] && echo 1 > "$f"; done; true' sh "$ifname"
  for a in $(echo "$addrs" | tr , ' '); do
    case $a in *:*) in_ns "$ns" ip addr add "$a" dev "$ifname" nodad ;; *) in_ns "$ns" ip addr add "$a" dev "$ifname" ;; esac ||
      fail "cannot add the address $a"
  done
  # Up without a carrier: CRIU can connect the repaired sockets back, and nothing is sent before the restore.
  in_ns "$ns" ip link set "$ifname" up || fail "cannot bring $ifname up"
  echo "$routes" | tr ';' '\n' | while read -r r; do
    [ -n "$r" ] || continue
    # shellcheck disable=SC2086 # a route is ip's own words, as inspect printed them
    in_ns "$ns" ip route add $r || { echo "error=cannot add the route $r"; exit 1; }
  done || fail "routes"
  echo "$neighbours" | tr ';' '\n' | while IFS='=' read -r peer lladdr; do
    [ -n "$peer" ] && [ -n "$lladdr" ] || continue
    in_ns "$ns" ip neigh replace "$peer" lladdr "$lladdr" dev "$ifname" nud stale || { echo "error=cannot add the neighbour $peer"; exit 1; }
  done || fail "neighbours"
  ip link set "$hostend" master "$bridge" || fail "cannot put $hostend on the bridge $bridge"
  echo built=1
  ;;
announce)
  ns=$2 ifname=$3 hostend=$4
  ip link set "$hostend" up || { echo "error=cannot bring $hostend up"; exit 1; }
  # Not from /sys: it shows the devices of whoever mounted it, not of the namespace nsenter entered.
  mac=$(in_ns "$ns" ip -o link show dev "$ifname" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
  [ -n "$mac" ] || { echo "error=cannot read the MAC of $ifname in $ns"; exit 1; }
  in_ns "$ns" ip link set dev "$ifname" address "$mac" || { echo "error=cannot announce the addresses of $ifname"; exit 1; }
  ;;
isolate)
  ! ip link show dev "$2" >/dev/null 2>&1 || ip link set "$2" down || { echo "error=cannot take $2 down"; exit 1; }
  ;;
rejoin)
  ns=$2 ifname=$3 hostend=$4
  in_ns "$ns" sh -c 'for f in /proc/sys/net/ipv4/conf/"$1"/arp_notify /proc/sys/net/ipv6/conf/"$1"/ndisc_notify; do [ -w "$f" ] && echo 1 > "$f"; done; true' sh "$ifname"
  ip link set "$hostend" up || { echo "error=cannot bring $hostend up"; exit 1; }
  mac=$(in_ns "$ns" ip -o link show dev "$ifname" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
  [ -n "$mac" ] || { echo "error=cannot read the MAC of $ifname in $ns"; exit 1; }
  in_ns "$ns" ip link set dev "$ifname" address "$mac" || { echo "error=cannot announce the addresses of $ifname"; exit 1; }
  ;;
remove)
  ns=$2 hostend=$3
  ip link del "$hostend" 2>/dev/null
  case $ns in
  /run/netns/*|/var/run/netns/*) [ -e "$ns" ] && { ip netns del "$(basename "$ns")" || { echo "error=cannot remove $ns"; exit 1; }; } ;;
  *) if is_ns "$ns"; then umount "$ns" || { echo "error=cannot unmount $ns"; exit 1; }; fi; rm -f "$ns" ;;
  esac
  true
  ;;
loopback-restore|loopback-restored)
  dir=$2/.livemigrate
  mkdir -p -m 0700 -- "$dir" || { echo "error=cannot make $dir"; exit 1; }
  { [ -f /etc/criu/runc.conf ] && cat /etc/criu/runc.conf; true; } > "$dir/criu.conf.new" || { echo "error=cannot write $dir"; exit 1; }
  if [ "$cmd" = loopback-restore ]; then
    printf '%s\n' '#!/bin/sh' '# CRIU calls this at each step of the restore; once the namespaces exist, lo comes up.' \
      '[ "$CRTOOLS_SCRIPT_ACTION" = setup-namespaces ] || exit 0' 'exec nsenter -t "$CRTOOLS_INIT_PID" -n ip link set lo up' > "$dir/loopback-up.sh" &&
      chmod 0700 "$dir/loopback-up.sh" && echo "action-script $dir/loopback-up.sh" >> "$dir/criu.conf.new" ||
      { echo "error=cannot write $dir/loopback-up.sh"; exit 1; }
  else
    rm -f -- "$dir/loopback-up.sh"
  fi
  mv -f -- "$dir/criu.conf.new" "$dir/criu.conf" || { echo "error=cannot write $dir/criu.conf"; exit 1; }
  ;;
probe-addresses)
  bridge=$2 own=$(echo "$3" | tr 'A-F' 'a-f') addrs=$4
  if command -v arping >/dev/null; then ask() { arping -c 2 -w 2 -I "$bridge" "$1"; }
  elif command -v busybox >/dev/null && busybox arping 2>&1 | grep -q Usage; then ask() { busybox arping -c 2 -w 2 -I "$bridge" "$1"; }
  else echo "unchecked=arping is not installed"; exit 0; fi
  for a in $(echo "$addrs" | tr , ' '); do
    case $a in *:*) continue ;; esac
    ip=${a%/*}
    ask "$ip" 2>/dev/null | sed -n 's/.*reply from \([0-9.]*\) \[\([0-9A-Fa-f:]*\)\].*/\1 \2/p' | tr 'A-F' 'a-f' | sort -u |
      while read -r who mac; do [ "$mac" = "$own" ] || echo "in_use=$who $mac"; done
  done
  ;;
*) echo "error=unknown command $cmd"; exit 2 ;;
esac
