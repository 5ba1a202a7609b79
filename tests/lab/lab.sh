#!/usr/bin/env bash
# The SSH test lab: N hosts on this machine, each a real sshd with its own host key, hostname,
# runc state root and /var/lib/livemigrate, listening on its own loopback address only.
#   lab.sh start [N]   start (or keep) hosts lm1..lmN; writes $LAB/lab.env for the tests
#   lab.sh stop        kill every container and sshd of the lab, unmount, remove it
#   lab.sh status      list hosts and whether they answer
set -euo pipefail

LAB=${LM_LAB_ROOT:-/var/lib/livemigrate-lab}
PORT=${LM_LAB_PORT:-2222}
# Several labs can run side by side: each with its own root, port, loopback /24 and cgroup names.
NET=${LM_LAB_NET:-127.77.0}
CG=lab-$(basename "$LAB")
BUSYBOX=/bin/busybox
here=$(cd "$(dirname "$0")" && pwd)

addr_of() { echo "$NET.$1"; }

host_dir() { echo "$LAB/hosts/lm$1"; }

# Where this machine mounts its cgroup hierarchies, one line each: MOUNTPOINT FSTYPE SUPEROPTIONS.
cgroup_mounts() {
  awk '{ split($0, halves, " - "); split(halves[1], a, " "); split(halves[2], b, " ");
         if ((b[1] == "cgroup" || b[1] == "cgroup2") && a[5] ~ "^/sys/fs/cgroup") print a[5], b[1], b[3] }' /proc/self/mountinfo
}

# Each host gets a cgroup subtree of its own, $CG-lmN in every hierarchy, as its cgroup namespace's root: a separate
# machine has its own cgroup tree, and one shared tree would put the destination's copy of a container into the
# cgroup its source copy still holds.
make_cgroups() {
  local i=$1 mp type opts
  while read -r mp type opts; do
    mkdir -p "$mp/$CG-lm$i"
    if [ "$type" = cgroup ] && [ -f "$mp/cpuset.cpus" ]; then
      cat "$mp/cpuset.cpus" > "$mp/$CG-lm$i/cpuset.cpus"
      cat "$mp/cpuset.mems" > "$mp/$CG-lm$i/cpuset.mems"
    fi
  done < <(cgroup_mounts)
}

remove_cgroups() {
  local mp type opts
  while read -r mp type opts; do
    find "$mp" -mindepth 1 -maxdepth 1 -type d -name "$CG-lm*" -exec sh -c 'find "$1" -depth -type d -exec rmdir {} \; 2>/dev/null' sh {} \;
  done < <(cgroup_mounts)
}

start_host() {
  local i=$1 dir; dir=$(host_dir "$i")
  local addr; addr=$(addr_of "$i")
  mkdir -p "$dir"/{ssh,runc,lib/containers,lib/images,home/.ssh,log}
  [ -f "$dir/ssh/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "lm$i" -f "$dir/ssh/ssh_host_ed25519_key"
  cp "$LAB/client/id_ed25519.pub" "$dir/home/.ssh/authorized_keys"
  chmod 700 "$dir/home" "$dir/home/.ssh"; chmod 600 "$dir/home/.ssh/authorized_keys"
  cat > "$dir/ssh/sshd_config" <<CFG
ListenAddress $addr:$PORT
HostKey $dir/ssh/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/home/.ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
UseDNS no
StrictModes no
MaxSessions 64
MaxStartups 64:30:128
SetEnv SHLVL=1
Subsystem sftp internal-sftp
CFG
  if [ -f "$dir/sshd.pid" ] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null; then return; fi
  make_cgroups "$i"
  cgroup_mounts > "$dir/cgroups"
  # Private mount, UTS and cgroup namespaces: the host sees its own runc root, /var/lib/livemigrate, a clean /root
  # (root's .bashrc here runs pyenv init, ~1 s per SSH command) and its own cgroup tree.
  setsid sh -c '
    while read -r mp type opts; do echo $$ > "$mp/$3-$1/cgroup.procs"; done < "$2/cgroups"
    exec unshare --mount --uts --cgroup --propagation private sh -c "
      set -e
      hostname \"\$1\"
      mkdir -p /run/runc /var/lib/livemigrate /run/sshd
      mount --bind \"\$2/runc\" /run/runc
      mount --bind \"\$2/lib\" /var/lib/livemigrate
      mount --bind \"\$2/home\" /root
      # Mounted again inside the cgroup namespace, each hierarchy shows the subtree of this host as its root.
      while read -r mp type opts; do
        umount \"\$mp\"
        if [ \"\$type\" = cgroup2 ]; then mount -t cgroup2 cgroup2 \"\$mp\"; else mount -t cgroup -o \"\$opts\" cgroup \"\$mp\"; fi
      done < \"\$2/cgroups\"
      exec /usr/sbin/sshd -D -e -f \"\$2/ssh/sshd_config\" >>\"\$2/log/sshd.log\" 2>&1
    " lab "$@"
  ' lab "lm$i" "$dir" "$CG" </dev/null >/dev/null 2>&1 &
}

write_known_hosts() {
  local kh="$LAB/client/known_hosts" i
  : > "$kh"
  for i in $(seq 1 "$1"); do
    echo "[$(addr_of "$i")]:$PORT $(cut -d' ' -f1,2 "$(host_dir "$i")/ssh/ssh_host_ed25519_key.pub")" >> "$kh"
  done
}

wait_host() {
  local addr=$1 t
  for t in $(seq 1 100); do
    if ssh -q -F /dev/null -i "$LAB/client/id_ed25519" -o UserKnownHostsFile="$LAB/client/known_hosts" \
         -o StrictHostKeyChecking=yes -o BatchMode=yes -p "$PORT" "root@$addr" true 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "lab: host $addr did not answer over SSH" >&2; return 1
}

rootfs() {
  # A busybox-static rootfs shared read-only by reference: each container gets a copy in its bundle.
  local r="$LAB/rootfs"
  [ -x "$r/bin/busybox" ] && return
  mkdir -p "$r"/{bin,dev,proc,sys,tmp,etc,run,var/log}
  cp "$BUSYBOX" "$r/bin/busybox"
  for a in sh cat echo sleep ls ps kill; do ln -sf busybox "$r/bin/$a"; done
  echo 'root:x:0:0:root:/:/bin/sh' > "$r/etc/passwd"
}

cmd_start() {
  local n=${1:-3} i
  mkdir -p "$LAB/client"
  grep -q " $LAB " /proc/mounts || mount -t tmpfs -o size=${LM_LAB_TMPFS:-12g},mode=755 lmlab "$LAB"
  mkdir -p "$LAB/client"
  [ -f "$LAB/client/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C livemigrate-lab -f "$LAB/client/id_ed25519"
  # CRIU's lazy-pages transfer needs pipes larger than root may grow without CAP_SYS_RESOURCE.
  sysctl -q -w fs.pipe-max-size=4194304 || true
  rootfs
  for i in $(seq 1 "$n"); do start_host "$i"; done
  write_known_hosts "$n"
  for i in $(seq 1 "$n"); do wait_host "$(addr_of "$i")"; done
  {
    echo "LM_LAB_ROOT=$LAB"
    echo "LM_LAB_KEY=$LAB/client/id_ed25519"
    echo "LM_LAB_KNOWN_HOSTS=$LAB/client/known_hosts"
    echo "LM_LAB_PORT=$PORT"
    echo "LM_LAB_ROOTFS=$LAB/rootfs"
    echo "LM_LAB_HOSTS=\"$(for i in $(seq 1 "$n"); do printf '%s ' "$(addr_of "$i")"; done)\""
  } > "$LAB/lab.env"
  echo "lab: $n hosts up: $(for i in $(seq 1 "$n"); do printf 'root@%s:%s ' "$(addr_of "$i")" "$PORT"; done)"
}

cmd_stop() {
  [ -d "$LAB/hosts" ] || { echo "lab: not running"; return 0; }
  local dir id
  for dir in "$LAB"/hosts/*; do
    # Inside the host's namespaces, where runc's cgroup paths are the ones it recorded.
    if [ -f "$dir/sshd.pid" ] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null; then
      nsenter -t "$(cat "$dir/sshd.pid")" -m -C sh -c 'for id in $(runc list -q 2>/dev/null); do runc delete -f "$id" >/dev/null 2>&1 || true; done'
    fi
    [ -f "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
  done
  pkill -f "sshd -D -e -f $LAB/" 2>/dev/null || true
  pkill -f "criu.*$LAB" 2>/dev/null || true
  sleep 0.5
  remove_cgroups
  grep -q " $LAB " /proc/mounts && umount -l "$LAB" || true
  rm -rf "$LAB"
  echo "lab: stopped"
}

cmd_status() {
  local dir
  for dir in "$LAB"/hosts/*; do
    [ -d "$dir" ] || continue
    if [ -f "$dir/sshd.pid" ] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null; then s=up; else s=down; fi
    echo "$(basename "$dir") $s containers: $(runc --root "$dir/runc" list -q 2>/dev/null | tr '\n' ' ')"
  done
}

case "${1:-start}" in
  start) shift || true; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: lab.sh start [N] | stop | status" >&2; exit 2 ;;
esac
