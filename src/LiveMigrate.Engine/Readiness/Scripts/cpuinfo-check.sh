# Whether this host's CPU can run what was dumped on the source. $1 criu  $2 a new folder  $3 cpuinfo.img in base64
criu=$1 dir=$2
trap 'rm -rf -- "$dir"' EXIT
mkdir -p -m 0700 "$dir" && printf %s "$3" | base64 -d > "$dir/cpuinfo.img" || exit 2
"$criu" cpuinfo check -D "$dir" -o cpuinfo.log >/dev/null 2>&1 && exit 0
grep -E 'Error|error' "$dir/cpuinfo.log" | tail -n 5 >&2
exit 1
