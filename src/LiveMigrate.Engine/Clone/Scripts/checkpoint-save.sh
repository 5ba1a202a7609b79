# Saves a running container as a checkpoint to restore later, as often as wanted, under new names: paused so
# that its files and its memory are of one moment, its bundle archived, its memory dumped while it stays, then
# resumed; SHA256SUMS covers every file. "key=value" lines.
# $1 runc  $2 the container  $3 its bundle  $4 the checkpoint folder (must not exist)
# $5 --tcp-established or nothing: a service's connections are dumped (it keeps them) instead of failing the dump
set -u
runc=$1 name=$2 bundle=$3 dir=$4 tcp=${5:-}
# runc is run here, not through RuncRuntime: the host resumes the container however the save ends (the trap), controller or not.
case $tcp in ''|--tcp-established) ;; *) echo "error=unknown option $tcp"; exit 2 ;; esac
if [ -e "$dir" ]; then echo "error=$dir exists already: choose another checkpoint name, or remove that one"; exit 1; fi
# 0700 on the checkpoint itself: bundle.tar and the memory images may hold secrets.
mkdir -p "${dir%/*}" && mkdir -m 0700 "$dir" && mkdir -m 0700 "$dir/images" || { echo "error=cannot create $dir"; exit 1; }
err=$dir/.err
fail() { echo "error=$1: $(tail -n 5 "$err" 2>/dev/null | tr '\n' ' ')"; cp "$dir/work/dump.log" "$dir.dump.log" 2>/dev/null; rm -rf -- "$dir"; exit 1; }
now() { date +%s%N; }
t=$(now)
"$runc" pause "$name" 2>"$err" || fail "runc pause $name"
# Whatever happens from here, the container runs again.
trap '"$runc" resume "$name" 2>/dev/null' EXIT
tar -C "${bundle%/*}" --numeric-owner --sparse -cf "$dir/bundle.tar" -- "${bundle##*/}" 2>"$err" || fail "archiving $bundle"
# --file-locks as RuncRuntime.CarriedState: the restore passes it too.
"$runc" checkpoint --leave-running --file-locks ${tcp:+"$tcp"} --image-path "$dir/images" --work-path "$dir/work" "$name" 2>"$err" ||
  fail "runc checkpoint $name (CRIU's log is kept as $dir.dump.log)"
"$runc" resume "$name" 2>"$err" || fail "runc resume $name"
trap - EXIT
echo "frozen_ms=$(( ($(now) - t) / 1000000 ))"
rm -f "$err"
(cd "$dir" && find images bundle.tar -type f -print0 | xargs -0 sha256sum > SHA256SUMS) || { echo "error=sha256sum failed in $dir"; exit 1; }
echo "bytes=$(du -sb "$dir" | cut -f1)"
