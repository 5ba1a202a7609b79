# Post-copy's pages are the container's memory, and neither CRIU's page server nor an SSH forward asks who connects to
# its loopback port. While the pages flow, only processes whose group is GROUP may connect there: the migration runs
# its own page clients so (criu lazy-pages, the direct link's bridges, the relay's connector, the dump's end
# poke), and no other process is, root's included. Nothing may reach the port from another interface either (what
# route_localnet=1 would let in for 127.0.0.0/8).
#   guard PORT TAG GROUP [supplementary]   makes GROUP (a system group) if it is missing; adds the rules named
#                          livemigrate-pages-TAG; with "supplementary" processes that have GROUP as a supplementary group
#                          may connect too (CRIU's dump, which keeps root's group), which only iptables can tell
#   unguard TAG      removes the rules named livemigrate-pages-TAG (nothing to do if there are none)
set -u
cmd=${1:-}
case $cmd in
guard) port=${2:-} tag=${3:-} group=${4:-} admits=${5:-} ;;
unguard) tag=${2:-} ;;
*) echo "error=unknown command $cmd"; exit 2 ;;
esac
case $tag in *[!A-Za-z0-9-]*|'') echo "error=bad tag $tag"; exit 2 ;; esac
name=livemigrate-pages-$tag
if [ "$cmd" = guard ]; then
  case $port in *[!0-9]*|'') echo "error=bad port $port"; exit 2 ;; esac
  case $group in *[!a-z0-9_-]*|'') echo "error=bad group $group"; exit 2 ;; esac
  getent group "$group" >/dev/null || groupadd --system "$group" >/dev/null 2>&1 || getent group "$group" >/dev/null ||
    { echo "error=cannot create the group $group that the migration's page clients run as (groupadd --system $group)"; exit 1; }
  gid=$(getent group "$group" | cut -d: -f3)
  suppl=
  case $admits in '') ;; supplementary) suppl=--suppl-groups ;; *) echo "error=bad admission $admits"; exit 2 ;; esac
fi
if command -v iptables >/dev/null 2>&1; then
  # xtables' lock: 20 s at most (another program holding it must not hang the migration).
  ipt() { iptables -w 20 "$@"; }
  case $cmd in
  guard)
    { ipt -I OUTPUT -d 127.0.0.1 -p tcp --dport "$port" -m owner ! --gid-owner "$gid" $suppl \
        -m comment --comment "$name" -j REJECT --reject-with tcp-reset &&
      ipt -I INPUT ! -i lo -d 127.0.0.0/8 -p tcp --dport "$port" -m comment --comment "$name" -j DROP; } ||
      { echo "error=cannot add the rules that keep everything but the migration off 127.0.0.1:$port"; exit 1; } ;;
  unguard)
    # As iptables -S prints them: one word each, the name included, so they split back into arguments as they were.
    set -f
    for chain in OUTPUT INPUT; do
      ipt -S "$chain" | grep -e "--comment $name " | while read -r line; do
        set -- $line
        shift 2
        ipt -D "$chain" "$@" || { echo "error=cannot remove the rule $name from $chain"; exit 1; }
      done || exit 1
    done ;;
  esac
elif command -v nft >/dev/null 2>&1; then
  table=$(printf '%s' "$name" | tr - _)
  case $cmd in
  guard)
    [ -z "$suppl" ] || { echo "error=nftables cannot admit a supplementary group (meta skgid is the socket's own group)"; exit 1; }
    nft -f - <<NFT || { echo "error=cannot add the nftables table that keeps everything but the migration off 127.0.0.1:$port"; exit 1; }
table ip $table {
  chain output { type filter hook output priority 0; ip daddr 127.0.0.1 tcp dport $port meta skgid != $gid reject with tcp reset; }
  chain input { type filter hook input priority 0; iifname != "lo" ip daddr 127.0.0.0/8 tcp dport $port drop; }
}
NFT
    ;;
  unguard)
    if nft list table ip "$table" >/dev/null 2>&1; then
      nft delete table ip "$table" || { echo "error=cannot remove the nftables table $table"; exit 1; }
    fi ;;
  esac
else
  echo "error=neither iptables nor nft is installed to keep other processes off the page port"; exit 1
fi
