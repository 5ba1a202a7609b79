# Stop's page server on the destination: CRIU takes the memory as the source's dump sends it and writes it into DIR,
# so nothing of it touches the source's disk while the container is frozen.
#   CRIU DIR PORT   listens on 127.0.0.1:PORT (for one dump); prints "ready" once it does, then ends with CRIU's exit code
# CRIU logs (errors and warnings; "-" is its stdout) to stderr, not into DIR: a full disk there must not silence why it failed.
set -u
criu=$1 dir=$2 port=$3
ready=$dir/page-server-ready
rm -f -- "$ready"
mkfifo -m 0600 "$ready" || { echo "error=cannot make $ready"; exit 1; }
# CRIU writes one byte to its status fd once it listens.
"$criu" page-server --images-dir "$dir" --work-dir "$dir" --log-file - --address 127.0.0.1 --port "$port" \
  --status-fd 3 3>"$ready" </dev/null >&2 &
pid=$!
if [ "$(head -c 1 "$ready" | wc -c)" -eq 1 ]; then echo ready; fi
rm -f -- "$ready"
wait "$pid"
