# Which paths a container's config needs are missing on the host it would be restored on, and the
# space where its bundle would land. $1 the bundle  $2... the paths
bundle=$1; shift
if [ -e "$bundle" ]; then
  echo "bundle_exists=1"
  echo "bundle_id=$(stat -c '%i %s %y %z' "$bundle/config.json" 2>/dev/null)"
fi
for p in "$@"; do [ -e "$p" ] || echo "missing $p"; done
case $bundle in /*) d=${bundle%/*} ;; *) d=/ ;; esac
while [ ! -d "$d" ]; do d=${d%/*}; [ -n "$d" ] || d=/; done
echo "bundle_dir=$d"
echo "bundle_avail_kb=$(df -Pk "$d" 2>/dev/null | awk 'NR==2 {print $4}')"
echo "bundle_dev=$(stat -c %d "$d" 2>/dev/null)"
