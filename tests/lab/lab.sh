#!/usr/bin/env bash
# The SSH test lab: N hosts on this machine, each a real sshd with its own host key, hostname, runc state root,
# /var/lib/livemigrate, cgroup tree and network stack (its own network namespace, as a separate machine has).
# The hosts and a client namespace share a lab LAN (a bridge in a namespace of its own) on a /24 of 198.18.0.0/15,
# the range reserved for benchmarking: no route or NAT leads out of the namespaces the lab makes. The controller
# (this machine's own namespace) reaches host N over SSH at a loopback address of its own, where socat hands each
# connection to an `sshd -i` inside the host's namespaces; the hosts reach one another at their LAN addresses.
#   lab.sh start [N]   start (or keep) hosts lm1..lmN; writes $LAB/lab.env for the tests
#   lab.sh stop        kill every container and sshd of the lab, unmount, remove it
#   lab.sh status      list hosts and whether they answer
set -euo pipefail

LAB=${LM_LAB_ROOT:-/var/lib/livemigrate-lab}
PORT=${LM_LAB_PORT:-2222}
# Several labs can run side by side: each with its own root, port, loopback /24 and cgroup names.
NET=${LM_LAB_NET:-127.77.0}
CG=lab-$(basename "$LAB")
LAN=${LM_LAB_LAN:-198.18.0}
NS=lm-$(basename "$LAB" | tr -c 'A-Za-z0-9\n' - | cut -c1-20)
BUSYBOX=/bin/busybox
here=$(cd "$(dirname "$0")" && pwd)

addr_of() { echo "$NET.$1"; }

host_dir() { echo "$LAB/hosts/lm$1"; }

lan_addr_of() { echo "$LAN.$1"; }
CLIENT_ADDR=$LAN.200

# The LAN: a bridge in a namespace of its own; each host's eth0 and the client's are ports of it.
make_lan() {
  [ -e "/run/netns/$NS-lan" ] && return
  ip netns add "$NS-lan"
  ip -n "$NS-lan" link set lo up
  ip -n "$NS-lan" link add lan0 type bridge
  ip -n "$NS-lan" link set lan0 up
  ip netns add "$NS-client"
  ip -n "$NS-lan" link add client type veth peer name eth0 netns "$NS-client"
  ip -n "$NS-lan" link set client master lan0 up
  ip -n "$NS-client" link set lo up
  ip -n "$NS-client" addr add "$CLIENT_ADDR/24" dev eth0
  ip -n "$NS-client" link set eth0 up
}

# Host N's network: eth0 on the LAN, enslaved to bridge br0 that holds the host's address, as a host whose
# containers sit on the LAN through a bridge (the common runc / CNI bridge layout) is set up.
make_host_net() {
  local i=$1 ns="$NS-h$1"
  [ -e "/run/netns/$ns" ] && return
  ip netns add "$ns"
  ip -n "$NS-lan" link add "h$i" type veth peer name eth0 netns "$ns"
  ip -n "$NS-lan" link set "h$i" master lan0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" link add br0 type bridge
  ip -n "$ns" link set eth0 master br0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" addr add "$(lan_addr_of "$i")/24" dev br0
  ip -n "$ns" link set br0 up
}

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
  mkdir -p "$dir"/{ssh,runc,run,lib/containers,lib/images,home/.ssh,log}
  [ -f "$dir/ssh/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "lm$i" -f "$dir/ssh/ssh_host_ed25519_key"
  cp "$LAB/client/id_ed25519.pub" "$dir/home/.ssh/authorized_keys"
  chmod 700 "$dir/home" "$dir/home/.ssh"; chmod 600 "$dir/home/.ssh/authorized_keys"
  # The host resolves its own name, as a real one does (sudo warns on every command otherwise).
  { cat /etc/hosts; echo "127.0.1.1 lm$i"; } > "$dir/etc-hosts"
  cat > "$dir/ssh/sshd_config" <<CFG
ListenAddress $(lan_addr_of "$i"):22
HostKey $dir/ssh/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/home/.ssh/authorized_keys .ssh/authorized_keys
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
Subsystem powershell $LAB/pwsh-sshs
CFG
  if [ -f "$dir/sshd.pid" ] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null; then return; fi
  make_host_net "$i"
  make_cgroups "$i"
  cgroup_mounts > "$dir/cgroups"
  # Its own network namespace, and private mount, UTS and cgroup namespaces: the host sees its own runc root,
  # /var/lib/livemigrate, a clean /root (root's .bashrc here runs pyenv init, ~1 s per SSH command), its own cgroup
  # tree, its own network devices in /sys and its own /run/netns (containers' namespaces at per-host paths).
  setsid sh -c '
    while read -r mp type opts; do echo $$ > "$mp/$3-$1/cgroup.procs"; done < "$2/cgroups"
    exec nsenter --net="/run/netns/$4" unshare --mount --uts --cgroup --propagation private sh -c "
      set -e
      hostname \"\$1\"
      mkdir -p /run/runc /run/livemigrate /var/lib/livemigrate /run/sshd /run/netns
      mount --bind \"\$2/runc\" /run/runc
      mount --bind \"\$2/run\" /run/livemigrate
      mount --bind \"\$2/lib\" /var/lib/livemigrate
      mount --bind \"\$2/home\" /root
      mount --bind \"\$2/etc-hosts\" /etc/hosts
      mount -t tmpfs -o mode=755 netns /run/netns
      mount -t sysfs sysfs /sys
      mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
      # Mounted again inside the cgroup namespace, each hierarchy shows the subtree of this host as its root.
      while read -r mp type opts; do
        mkdir -p \"\$mp\"
        if [ \"\$type\" = cgroup2 ]; then mount -t cgroup2 cgroup2 \"\$mp\"; else mount -t cgroup -o \"\$opts\" cgroup \"\$mp\"; fi
      done < \"\$2/cgroups\"
      exec /usr/sbin/sshd -D -e -f \"\$2/ssh/sshd_config\" >>\"\$2/log/sshd.log\" 2>&1
    " lab "$@"
  ' lab "lm$i" "$dir" "$CG" "$NS-h$i" </dev/null >/dev/null 2>&1 &
  # Runs a command as this host: in its cgroup subtree and all its namespaces.
  cat > "$dir/enter.sh" <<ENTER
#!/bin/sh
while read -r mp type opts; do echo \$\$ > "\$mp/$CG-lm$i/cgroup.procs"; done < "$dir/cgroups"
exec nsenter -t "\$(cat "$dir/sshd.pid")" -m -u -C -n -- "\$@"
ENTER
  chmod 755 "$dir/enter.sh"
  local t
  for t in $(seq 1 100); do [ -s "$dir/sshd.pid" ] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null && break; sleep 0.05; done
  # The controller's way in: each connection to the host's loopback address gets an sshd -i inside the host.
  setsid socat "TCP-LISTEN:$PORT,bind=$addr,reuseaddr,fork,backlog=128" \
    "EXEC:$dir/enter.sh /usr/sbin/sshd -i -e -f $dir/ssh/sshd_config,nofork" \
    </dev/null >>"$dir/log/socat.log" 2>&1 &
  echo $! > "$dir/socat.pid"
}

write_known_hosts() {
  local kh="$LAB/client/known_hosts" i
  : > "$kh"
  for i in $(seq 1 "$1"); do
    local key; key=$(cut -d' ' -f1,2 "$(host_dir "$i")/ssh/ssh_host_ed25519_key.pub")
    echo "[$(addr_of "$i")]:$PORT $key" >> "$kh"
    echo "$(lan_addr_of "$i") $key" >> "$kh"
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

# pwsh's SSH remoting subsystem, for hosts driven through a PowerShell session: the repository's own pwsh, copied in
# (the hosts see a clean /root, and the tool lives under the real one).
pwsh_subsystem() {
  [ -x "$LAB/pwsh-sshs" ] && return
  local home; home=$(cd "$here/../.." && dotnet pwsh -NoProfile -NonInteractive -Command '$PSHOME' 2>/dev/null) || return 0
  mkdir -p "$LAB/pwsh" && cp -a "$home/." "$LAB/pwsh/"
  printf '#!/bin/sh\nexec %s %s -sshs -NoLogo -NoProfile\n' "$(command -v dotnet)" "$LAB/pwsh/pwsh.dll" > "$LAB/pwsh-sshs"
  chmod 755 "$LAB/pwsh-sshs"
}

# Logins that are not root (-Become Sudo): livemigrate-lab has the sudoers line readiness asks for, livemigrate-nosudo
# none. Their own ~/.ssh/authorized_keys (shared by the lab's hosts) lets the client key in, and a direct link's key.
lab_users() {
  command -v sudo >/dev/null || return 0
  local u key; key=$(cat "$LAB/client/id_ed25519.pub")
  for u in livemigrate-lab livemigrate-nosudo; do
    id -u "$u" >/dev/null 2>&1 || useradd -m -s /bin/sh "$u"
    usermod -p '*' "$u"  # no password, not locked: sshd without PAM refuses a locked account
    su -s /bin/sh -c 'umask 077; mkdir -p ~/.ssh; grep -qxF -- "$1" ~/.ssh/authorized_keys 2>/dev/null || printf "%s\n" "$1" >> ~/.ssh/authorized_keys' "$u" -- sh "$key"
  done
  echo 'livemigrate-lab ALL=(root) NOPASSWD: ALL' > /etc/sudoers.d/livemigrate-lab
  chmod 440 /etc/sudoers.d/livemigrate-lab
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
  pwsh_subsystem
  lab_users
  make_lan
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
    echo "LM_LAB_LAN_HOSTS=\"$(for i in $(seq 1 "$n"); do printf '%s ' "$(lan_addr_of "$i")"; done)\""
    echo "LM_LAB_LAN_PREFIX=$LAN"
    echo "LM_LAB_CLIENT_NETNS=$NS-client"
    echo "LM_LAB_CLIENT_ADDR=$CLIENT_ADDR"
  } > "$LAB/lab.env"
  echo "lab: $n hosts up: $(for i in $(seq 1 "$n"); do printf 'root@%s:%s ' "$(addr_of "$i")" "$PORT"; done)"
}

cmd_stop() {
  [ -d "$LAB/hosts" ] || { echo "lab: not running"; return 0; }
  local dir id
  for dir in "$LAB"/hosts/*; do
    # Inside the host's namespaces, where runc's cgroup paths are the ones it recorded.
    if [ -f "$dir/sshd.pid" ] && kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null; then
      nsenter -t "$(cat "$dir/sshd.pid")" -m -C -n sh -c 'for id in $(runc list -q 2>/dev/null); do runc delete -f "$id" >/dev/null 2>&1 || true; done'
    fi
    [ -f "$dir/socat.pid" ] && kill "$(cat "$dir/socat.pid")" 2>/dev/null || true
    [ -f "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
  done
  pkill -f "sshd -D -e -f $LAB/" 2>/dev/null || true
  pkill -f "criu.*$LAB" 2>/dev/null || true
  pkill -f "enter.sh /usr/sbin/sshd -i -e -f $LAB/" 2>/dev/null || true
  sleep 0.5
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$NS-(lan|client|h[0-9]+)$"); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" || true
  done
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
