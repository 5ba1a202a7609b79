# Keeps a frozen container's network namespace silent while the container waits for the migration's verdict. A dump
# with --leave-running ends with CRIU unlocking the network, and a frozen container's kernel side would still answer
# (SYN-ACKs into a backlog nobody reads, RSTs): packets must be dropped, as while CRIU held its own lock.
#   lock PID     drop everything in and out of PID's network namespace (not the host's own)
#   unlock PID   remove those rules (nothing to do if there are none, or the namespace is gone)
set -u
cmd=$1 pid=$2
ns=/proc/$pid/ns/net
[ -e "$ns" ] || { [ "$cmd" = unlock ] && exit 0; echo "error=no process $pid to lock the network of"; exit 1; }
# A container in the host's namespace is not locked: that would cut the host off.
[ "$(readlink "$ns")" = "$(readlink /proc/1/ns/net)" ] && exit 0
in_ns() { nsenter --net="$ns" "$@"; }
if command -v iptables >/dev/null; then
  # iptables waits for xtables' lock: 20 s at most (another program holding it must not hang a rollback).
  rule() { in_ns iptables -w 20 "$1" "$2" -j DROP -m comment --comment livemigrate-frozen; }
  case $cmd in
  lock)
    for chain in INPUT OUTPUT; do
      rule -C "$chain" 2>/dev/null || rule -I "$chain" || { echo "error=cannot add the drop rule to $chain in the namespace of $pid"; exit 1; }
    done ;;
  unlock)
    for chain in INPUT OUTPUT; do
      while rule -C "$chain" 2>/dev/null; do rule -D "$chain" || { echo "error=cannot remove the drop rule from $chain in the namespace of $pid"; exit 1; }; done
    done ;;
  *) echo "error=unknown command $cmd"; exit 2 ;;
  esac
elif command -v nft >/dev/null; then
  case $cmd in
  lock)
    in_ns nft -f - <<'NFT' || { echo "error=cannot add the nftables drop table in the namespace of $pid"; exit 1; }
table inet livemigrate_frozen {
  chain input { type filter hook input priority -300; policy drop; }
  chain output { type filter hook output priority -300; policy drop; }
}
NFT
    ;;
  unlock)
    if in_ns nft list table inet livemigrate_frozen >/dev/null 2>&1; then
      in_ns nft delete table inet livemigrate_frozen || { echo "error=cannot remove the nftables drop table in the namespace of $pid"; exit 1; }
    fi ;;
  *) echo "error=unknown command $cmd"; exit 2 ;;
  esac
else
  echo "error=neither iptables nor nft is installed (CRIU's network lock needs one of them too)"; exit 1
fi
