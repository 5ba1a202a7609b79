# The source's CPU as CRIU describes it (cpuinfo.img), base64 on one line. $1 criu  $2 a new folder
criu=$1 dir=$2
trap 'rm -rf -- "$dir"' EXIT
mkdir -p -m 0700 "$dir" || exit 1
"$criu" cpuinfo dump -D "$dir" -o cpuinfo.log >/dev/null 2>&1 || { tail -n 5 "$dir/cpuinfo.log" >&2; exit 1; }
base64 -w0 "$dir/cpuinfo.img"
