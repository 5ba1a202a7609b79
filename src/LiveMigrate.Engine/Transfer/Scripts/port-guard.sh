# Post-copy's pages are the container's memory, and neither CRIU's page server nor an SSH forward asks who connects to
# its loopback port: while the pages flow, only the user this login runs as may connect there.
#   guard PORT TAG   reject connections to 127.0.0.1:PORT made by any other user (rules named livemigrate-pages-TAG)
#   unguard TAG      remove the rules named TAG (nothing to do if there are none)
set -u
cmd=$1
case $cmd in
guard) port=$2 tag=$3 ;;
unguard) tag=$2 ;;
*) echo "error=unknown command $cmd"; exit 2 ;;
esac
case $tag in *[!A-Za-z0-9-]*|'') echo "error=bad tag $tag"; exit 2 ;; esac
name=livemigrate-pages-$tag
uid=$(id -u)
if command -v iptables >/dev/null 2>&1; then
  case $cmd in
  guard)
    iptables -w -I OUTPUT -o lo -d 127.0.0.1 -p tcp --dport "$port" -m owner ! --uid-owner "$uid" \
      -m comment --comment "$name" -j REJECT --reject-with tcp-reset ||
      { echo "error=cannot add the rule that keeps other users off 127.0.0.1:$port"; exit 1; } ;;
  unguard)
    # As iptables -S prints them: one word each, the name included, so they split back into arguments as they were.
    set -f
    iptables -w -S OUTPUT | grep -e "--comment $name " | while read -r line; do
      set -- $line
      shift 2
      iptables -w -D OUTPUT "$@" || { echo "error=cannot remove the rule $name"; exit 1; }
    done ;;
  esac
elif command -v nft >/dev/null 2>&1; then
  table=$(printf '%s' "$name" | tr - _)
  case $cmd in
  guard)
    nft -f - <<NFT || { echo "error=cannot add the nftables table that keeps other users off 127.0.0.1:$port"; exit 1; }
table ip $table {
  chain output { type filter hook output priority 0; oifname "lo" ip daddr 127.0.0.1 tcp dport $port meta skuid != $uid reject with tcp reset; }
}
NFT
    ;;
  unguard)
    if nft list table ip "$table" >/dev/null 2>&1; then
      nft delete table ip "$table" || { echo "error=cannot remove the nftables table $table"; exit 1; }
    fi ;;
  esac
else
  echo "error=neither iptables nor nft is installed to keep other users off the page port"; exit 1
fi
