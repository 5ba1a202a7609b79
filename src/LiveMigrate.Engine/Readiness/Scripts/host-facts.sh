# What Test-MigrationReadiness needs to know of one host, in one round trip: "key=value" lines.
# $1 runc  $2 criu  $3 the folder checkpoint images go to (it may not exist yet)
runc=$1 criu=$2 images=$3
# runc is run here, not through RuncRuntime: every fact of the host in one round trip.
echo "kernel=$(uname -r)"
echo "arch=$(uname -m)"
echo "cgroupfs=$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)"
echo "runc=$("$runc" --version 2>/dev/null | sed -n '1s/^runc version //p')"
echo "criu=$("$criu" --version 2>/dev/null | sed -n 's/^Version: //p')"
if command -v "$criu" >/dev/null 2>&1; then
  out=$(timeout -k 2 20 "$criu" check 2>&1); rc=$?
  echo "criu_check_rc=$rc"
  printf '%s\n' "$out" | tail -n 20 | sed 's/^/criu_check_line=/'
  for f in uffd-noncoop mem_dirty_track network_lock_nftables; do
    timeout -k 2 10 "$criu" check --feature "$f" >/dev/null 2>&1
    echo "feature_$f=$?"
  done
fi
# runc leaves CRIU's default network lock (iptables) unless CRIU's config file for runc says otherwise.
echo "network_lock=$(sed -n 's/^[[:space:]]*network-lock[[:space:]=]*\([a-z]*\).*/\1/p' /etc/criu/runc.conf /etc/criu/default.conf 2>/dev/null | tail -n 1)"
echo "iptables=$(iptables-restore --version 2>&1 | head -n 1)"
iptables-restore --version >/dev/null 2>&1; echo "iptables_rc=$?"
# -BundleSync Delta needs GNU tar's --listed-incremental on both hosts.
echo "tar=$(tar --version 2>&1 | head -n 1)"
# -Compress Zstd or Lz4 needs the program on both hosts.
for c in zstd lz4; do command -v "$c" >/dev/null && echo "compressor=$c"; done
# Streaming the memory while dumping keeps several programs busy at once on each host.
echo "cpus=$(nproc 2>/dev/null)"
echo "pipe_max_size=$(cat /proc/sys/fs/pipe-max-size 2>/dev/null)"
# A post-copy rollback asks the source's lazy dump to end by connecting to it (bash's /dev/tcp, else nc).
if command -v bash >/dev/null 2>&1; then echo "tcp_client=bash"; elif command -v nc >/dev/null 2>&1; then echo "tcp_client=nc"; else echo "tcp_client="; fi
case $images in /*) d=$images ;; *) d=/ ;; esac
while [ ! -d "$d" ]; do d=${d%/*}; [ -n "$d" ] || d=/; done
echo "images_dir=$d"
echo "images_avail_kb=$(df -Pk "$d" 2>/dev/null | awk 'NR==2 {print $4}')"
echo "images_dev=$(stat -c %d "$d" 2>/dev/null)"
# Dumps write the images there and restores read them back: how fast does that file system take a write? Into a new
# 0700 folder of its own (mktemp makes it, never an existing name): a link planted there by someone else is not followed.
if probe=$(mktemp -d "$d/.livemigrate-write-probe.XXXXXXXX" 2>/dev/null); then
  t=$(date +%s%N)
  if head -c 33554432 /dev/zero > "$probe/data" 2>/dev/null; then
    echo "write_us=$(( ($(date +%s%N) - t) / 1000 ))"
    echo "write_kb=32768"
  fi
  rm -rf -- "$probe"
fi
