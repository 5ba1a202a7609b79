# -Compress Auto's evidence: a sample of a running container's memory, and how fast compressors on this host do on it.
# Reads at most BUDGET_MIB MiB, in 1 MiB pieces spread evenly over the processes' private writable mappings (the pages
# a dump writes), from /proc/PID/mem; the sample stays in a private temporary folder, removed on exit.
#   memory-sample.sh BUDGET_MIB CODEC PROGRAM [CODEC PROGRAM]... -- PID...
# CODEC is zstd or lz4, PROGRAM the line the streams compress with. Prints sample_bytes and, for each codec installed
# here: CODEC_bytes (compressed), CODEC_us (compressing), CODEC_d_us (decompressing, CODEC -d).
set -u
budget=$1
shift
case $budget in ''|*[!0-9]*|0) echo "error=bad budget $budget"; exit 2 ;; esac
codecs=
while [ $# -gt 1 ] && [ "$1" != -- ]; do
  case $1 in zstd|lz4) ;; *) echo "error=unknown codec $1"; exit 2 ;; esac
  codecs="$codecs $1"
  eval "program_$1=\$2"
  shift 2
done
[ "${1:-}" = -- ] || { echo "error=no -- before the pids"; exit 2; }
shift
for p; do case $p in ''|*[!0-9]*) echo "error=bad pid $p"; exit 2 ;; esac; done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf -- "$tmp"' EXIT
# "pid first-page end-page" per private writable mapping.
for p; do
  while read -r range perms rest; do
    case $perms in rw?p) ;; *) continue ;; esac
    echo "$p $(( 0x${range%-*} / 4096 )) $(( 0x${range#*-} / 4096 ))"
  done < "/proc/$p/maps"
done > "$tmp/maps" 2>/dev/null
total=0
while read -r p s e; do total=$(( total + e - s )); done < "$tmp/maps"
[ "$total" -gt 0 ] || { echo "sample_bytes=0"; exit 0; }
# 1 MiB pieces (256 pages), BUDGET of them spread over all the mappings.
piece=256
stride=$(( (total + budget - 1) / budget ))
[ "$stride" -ge "$piece" ] || stride=$piece
# Positions count pages through all the mappings one after another: a piece starts every STRIDE pages and runs on
# into the next mappings, so at most BUDGET pieces, however many mappings.
base=0 next=0 want=0
while read -r p s e; do
  at=$s
  while [ "$at" -lt "$e" ]; do
    if [ "$want" -eq 0 ]; then
      [ $(( base + at - s )) -ge "$next" ] || { at=$(( s + next - base )); continue; }
      want=$piece next=$(( next + stride ))
    fi
    n=$(( e - at )); [ "$n" -le "$want" ] || n=$want
    dd if="/proc/$p/mem" bs=4096 skip="$at" count="$n" 2>/dev/null
    want=$(( want - n )) at=$(( at + n ))
  done
  base=$(( base + e - s ))
done < "$tmp/maps" > "$tmp/sample"
size=$(stat -c %s "$tmp/sample")
echo "sample_bytes=$size"
[ "$size" -gt 0 ] || exit 0
us() { date +%s%6N; }
for codec in $codecs; do
  command -v "$codec" >/dev/null || continue
  eval "program=\$program_$codec"
  # The program line is the controller's own constant, split into words as tar splits it.
  t0=$(us); $program -c < "$tmp/sample" > "$tmp/c" || continue; t1=$(us)
  "$codec" -d -q -c < "$tmp/c" > /dev/null || continue; t2=$(us)
  echo "${codec}_bytes=$(stat -c %s "$tmp/c")"
  echo "${codec}_us=$(( t1 - t0 ))"
  echo "${codec}_d_us=$(( t2 - t1 ))"
done
