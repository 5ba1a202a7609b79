#!/usr/bin/env bash
# Starts the test workload (tests/workload/workload.c) as runc container NAME on lab host HOSTINDEX
# and waits until its memory is filled, then prints its state line.
#   new-workload.sh HOSTINDEX NAME MIB [TICK_MS] [--bind HOSTPATH:CONTAINERPATH] [--net ADDRESS] [--rootfs-mib N]
# With --net the container is a network service on the lab LAN, set up as a CNI bridge plugin does it: its network
# namespace at /run/netns/NAME (a path in config.json), eth0 with ADDRESS/24 and a fixed MAC, paired with veth
# v-NAME on the host's bridge br0; it runs tests/workload/netserver on port 7000 beside the workload.
# --inner-tcp starts, beside the workload and inside its own process tree (runc exec'd processes are not in a
# checkpoint), a TCP connection of the container to itself over 127.0.0.1:7000 (busybox nc at both ends), once
# something brings the namespace's lo up (runc leaves it down).
# --rootfs-mib N adds about N MiB of this machine's own libraries and shared files to the rootfs
# (regular files, no hard links), as a real image's root filesystem would hold; without it the
# rootfs is one static binary. The bundle is /var/lib/livemigrate/containers/NAME on that host; the workload's log and state
# are rootfs/var/log/workload.{log,state} inside it. Needs a running lab (lab.sh start).
# --program FILE runs the static program FILE as the container's process instead (tests/workload/state: it logs its
# checks to /var/log/state.log); MIB and TICK_MS are then ignored.
# --compressible fills the memory with text-like runs that zstd and lz4 shrink about 20-fold (default: random words).
set -euo pipefail

usage() { echo "usage: new-workload.sh HOSTINDEX NAME MIB [TICK_MS] [--bind HOSTPATH:CONTAINERPATH] [--net ADDRESS] [--inner-tcp] [--rootfs-mib N] [--program FILE] [--compressible]" >&2; exit 2; }
# A bind mount from the host: its source must exist where the container is restored, which is
# how the tests make a destination unable to restore, for real.
bind=
net=
inner_tcp=
rootfs_mib=
program=
compressible=
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --bind) [ $# -ge 2 ] || usage; bind=$2; shift 2 ;;
    --net) [ $# -ge 2 ] || usage; net=$2; shift 2 ;;
    --inner-tcp) inner_tcp=1; shift ;;
    --rootfs-mib) [ $# -ge 2 ] || usage; rootfs_mib=$2; shift 2 ;;
    --program) [ $# -ge 2 ] && [ -f "$2" ] || usage; program=$2; shift 2 ;;
    --compressible) compressible=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- "${args[@]}"
[ $# -ge 3 ] && [ $# -le 4 ] || usage
idx=$1 name=$2 mib=$3 tick=${4:-10}
bind_mount=
if [ -n "$bind" ]; then
  [[ $bind =~ ^(/[A-Za-z0-9_./-]+):(/[A-Za-z0-9_./-]+)$ ]] || { echo "new-workload: --bind wants HOSTPATH:CONTAINERPATH" >&2; exit 2; }
  bind_mount=$(printf ',\n\t\t{\n\t\t\t"destination": "%s",\n\t\t\t"type": "bind",\n\t\t\t"source": "%s",\n\t\t\t"options": ["rbind", "rw"]\n\t\t}' "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}")
fi
[[ $idx =~ ^[1-9][0-9]*$ ]] || usage
[ -z "$net" ] || [[ $net =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "new-workload: --net wants an IPv4 address" >&2; exit 2; }
[[ $mib =~ ^[1-9][0-9]*$ ]] || { echo "new-workload: MIB must be a positive integer" >&2; exit 2; }
[[ $tick =~ ^[1-9][0-9]*$ ]] || { echo "new-workload: TICK_MS must be a positive integer" >&2; exit 2; }
[ -z "$rootfs_mib" ] || [[ $rootfs_mib =~ ^[1-9][0-9]*$ ]] || { echo "new-workload: --rootfs-mib must be a positive integer" >&2; exit 2; }
# runc's own rule is ^[\w+-\.]+$ (the range +-. also admits ','); "." and ".." pass it but would
# name the containers directory itself or its parent.
if ! [[ $name =~ ^[A-Za-z0-9_+,.-]+$ ]] || [ "$name" = . ] || [ "$name" = .. ]; then
  echo "new-workload: bad container name '$name'" >&2; exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
LAB=${LM_LAB_ROOT:-/var/lib/livemigrate-lab}
[ -f "$LAB/lab.env" ] || { echo "new-workload: no lab at $LAB (run tests/lab/lab.sh start)" >&2; exit 1; }
# shellcheck disable=SC1091
. "$LAB/lab.env"
hostdir=$LM_LAB_ROOT/hosts/lm$idx
[ -d "$hostdir/lib" ] || { echo "new-workload: lab host lm$idx does not exist" >&2; exit 1; }
read -r -a lab_hosts <<< "$LM_LAB_HOSTS"
addr=${lab_hosts[$((idx - 1))]}
remote_bundle=/var/lib/livemigrate/containers/$name
bundle=$hostdir/lib/containers/$name   # the same directory, seen from outside the host

lab_ssh() {
  ssh -n -F /dev/null -i "$LM_LAB_KEY" -o UserKnownHostsFile="$LM_LAB_KNOWN_HOSTS" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 -p "$LM_LAB_PORT" "root@$addr" "$1"
}

src=$here/../workload/workload.c
bin=$here/../workload/workload
if ! [ -x "$bin" ] || [ "$src" -nt "$bin" ]; then
  gcc -O2 -static -Wall -Wextra -o "$bin.$$.tmp" "$src"   # rename: parallel callers never see half a binary
  mv -f "$bin.$$.tmp" "$bin"
fi

# Refuse to replace the bundle of a container that exists: its processes use those files.
if runc --root "$hostdir/runc" state "$name" >/dev/null 2>&1; then
  echo "new-workload: container '$name' already exists on lm$idx" >&2; exit 1
fi
rm -rf "$bundle"
mkdir -p "$bundle"
cp -a "$LM_LAB_ROOTFS" "$bundle/rootfs"
mkdir -p "$bundle/rootfs/var/log"
cp "$bin" "$bundle/rootfs/workload"
if [ -n "$program" ]; then
  cp "$program" "$bundle/rootfs/program"
  process_args='"/program"'
else
process_args=$(printf '"/workload",\n\t\t\t"%s",\n\t\t\t"%s"' "$mib" "$tick")
[ -z "$compressible" ] || process_args=$(printf '%s,\n\t\t\t"compressible"' "$process_args")
fi
netns_path=
if [ -n "$inner_tcp" ]; then
  printf '%s\n' '#!/bin/sh' \
    "( until busybox ip link show lo | grep -q ',UP'; do sleep 0.1; done" \
    '  sleep 3600 | busybox nc -l -p 7000 &' '  sleep 0.3' '  sleep 3600 | busybox nc 127.0.0.1 7000 &' '  wait ) </dev/null >/dev/null 2>&1 &' \
    "exec /workload $mib $tick${compressible:+ compressible}" > "$bundle/rootfs/start-inner.sh"
  process_args='"/bin/sh",\n\t\t\t"/start-inner.sh"'
fi
if [ -n "$net" ]; then
  for prog in netserver netclient; do
    if ! [ -x "$here/../workload/$prog" ] || [ "$here/../workload/$prog.c" -nt "$here/../workload/$prog" ]; then
      gcc -O2 -static -Wall -Wextra -o "$here/../workload/$prog.$$.tmp" "$here/../workload/$prog.c"
      mv -f "$here/../workload/$prog.$$.tmp" "$here/../workload/$prog"
    fi
  done
  cp "$here/../workload/netserver" "$bundle/rootfs/netserver"
  printf '#!/bin/sh\n/netserver 7000 </dev/null >/dev/null 2>&1 &\nexec /workload %s %s%s\n' "$mib" "$tick" "${compressible:+ compressible}" > "$bundle/rootfs/start-net.sh"
  process_args='"/bin/sh",\n\t\t\t"/start-net.sh"'
  netns_path=/run/netns/$name
  # A MAC of the locally administered range, from the address: the same on every host the container moves to.
  mac=$(printf '02:4c:4d:%02x:%02x:%02x' $(echo "$net" | awk -F. '{ print $2, $3, $4 }'))
  hostend=v-${name:0:13}
  gw=${LM_LAB_LAN_PREFIX}.254
  qns=$(printf %q "$name") qh=$(printf %q "$hostend")
  lab_ssh "set -e; ip netns add $qns; ip link add $qh type veth peer name lmtmp$$ netns $qns
    ip -n $qns link set lmtmp$$ name eth0 address $mac; ip -n $qns link set lo up
    ip netns exec $qns sh -c 'echo 1 > /proc/sys/net/ipv4/conf/eth0/arp_notify'
    ip -n $qns addr add $net/24 dev eth0; ip -n $qns link set eth0 up; ip -n $qns route add default via $gw
    ip link set $qh master br0 up" || { echo "new-workload: cannot make the network of '$name' on lm$idx" >&2; exit 1; }
fi
if [ -n "$rootfs_mib" ]; then
  # Files in path order while they fit, libraries first; --hard-dereference: each one a file of its own.
  budget=$((rootfs_mib * 1048576))
  find /usr/lib/x86_64-linux-gnu /usr/share -xdev -type f -printf '%s %p\n' | sort -k2 |
    awk -v b="$budget" '{ if (t + $1 <= b) { t += $1; print substr($0, length($1) + 3) } }' |
    tar -C / --hard-dereference --verbatim-files-from -T - -cf - | tar -C "$bundle/rootfs" -xf -
  [ "$(du -sm "$bundle/rootfs" | cut -f1)" -ge $((rootfs_mib * 9 / 10)) ] ||
    { echo "new-workload: could not put $rootfs_mib MiB of files into the rootfs" >&2; exit 1; }
fi

# As `runc spec` writes it, but detached (no terminal), writable root, and our process.
cat > "$bundle/config.json" <<JSON
{
	"ociVersion": "1.0.2-dev",
	"process": {
		"terminal": false,
		"user": {
			"uid": 0,
			"gid": 0
		},
		"args": [
			$(printf "$process_args")
		],
		"env": [
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		],
		"cwd": "/",
		"capabilities": {
			"bounding": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			],
			"effective": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			],
			"permitted": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			],
			"ambient": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			]
		},
		"rlimits": [
			{
				"type": "RLIMIT_NOFILE",
				"hard": 1024,
				"soft": 1024
			}
		],
		"noNewPrivileges": true
	},
	"root": {
		"path": "rootfs",
		"readonly": false
	},
	"hostname": "$name",
	"mounts": [
		{
			"destination": "/proc",
			"type": "proc",
			"source": "proc"
		},
		{
			"destination": "/dev",
			"type": "tmpfs",
			"source": "tmpfs",
			"options": [
				"nosuid",
				"strictatime",
				"mode=755",
				"size=65536k"
			]
		},
		{
			"destination": "/dev/pts",
			"type": "devpts",
			"source": "devpts",
			"options": [
				"nosuid",
				"noexec",
				"newinstance",
				"ptmxmode=0666",
				"mode=0620",
				"gid=5"
			]
		},
		{
			"destination": "/dev/shm",
			"type": "tmpfs",
			"source": "shm",
			"options": [
				"nosuid",
				"noexec",
				"nodev",
				"mode=1777",
				"size=65536k"
			]
		},
		{
			"destination": "/dev/mqueue",
			"type": "mqueue",
			"source": "mqueue",
			"options": [
				"nosuid",
				"noexec",
				"nodev"
			]
		},
		{
			"destination": "/sys",
			"type": "sysfs",
			"source": "sysfs",
			"options": [
				"nosuid",
				"noexec",
				"nodev",
				"ro"
			]
		},
		{
			"destination": "/sys/fs/cgroup",
			"type": "cgroup",
			"source": "cgroup",
			"options": [
				"nosuid",
				"noexec",
				"nodev",
				"relatime",
				"ro"
			]
		}$bind_mount
	],
	"linux": {
		"cgroupsPath": "/livemigrate/$name",
		"resources": {
			"devices": [
				{
					"allow": false,
					"access": "rwm"
				}
			]
		},
		"namespaces": [
			{
				"type": "pid"
			},
			{
				"type": "network"$([ -n "$netns_path" ] && printf ',\n\t\t\t\t"path": "%s"' "$netns_path")
			},
			{
				"type": "ipc"
			},
			{
				"type": "uts"
			},
			{
				"type": "mount"
			}
		],
		"maskedPaths": [
			"/proc/acpi",
			"/proc/asound",
			"/proc/kcore",
			"/proc/keys",
			"/proc/latency_stats",
			"/proc/timer_list",
			"/proc/timer_stats",
			"/proc/sched_debug",
			"/sys/firmware",
			"/proc/scsi"
		],
		"readonlyPaths": [
			"/proc/bus",
			"/proc/fs",
			"/proc/irq",
			"/proc/sys",
			"/proc/sysrq-trigger"
		]
	}
}
JSON

# The container's stdio must not be a host file (CRIU cannot dump that), so it gets /dev/null;
# runc's own errors go to runc.log in the bundle instead.
qb=$(printf %q "$remote_bundle") qn=$(printf %q "$name")
if ! lab_ssh "cd $qb && runc --log $qb/runc.log run -d $qn </dev/null >/dev/null 2>&1"; then
  echo "new-workload: runc run failed on lm$idx:" >&2
  cat "$bundle/runc.log" >&2 2>/dev/null || true
  exit 1
fi

if [ -n "$program" ]; then
  # Its first verdict: the state is set up (or failed to be).
  for _ in $(seq 100); do [ -s "$bundle/rootfs/var/log/state.log" ] && break; sleep 0.1; done
  tail -n 1 "$bundle/rootfs/var/log/state.log" 2>/dev/null || { echo "new-workload: '$name' on lm$idx wrote no verdict" >&2; exit 1; }
  exit 0
fi
# counter>0 means the fill is done. First writes to fresh pages are slow on some VMs (~250 MB/s).
state=$bundle/rootfs/var/log/workload.state
deadline=$((SECONDS + 30 + mib / 50))
while :; do
  line=$(cat "$state" 2>/dev/null || true)
  if [[ $line =~ (^|\ )counter=([0-9]+) ]] && [ "${BASH_REMATCH[2]}" -gt 0 ]; then break; fi
  if ! runc --root "$hostdir/runc" state "$name" 2>/dev/null | grep -q '"status": "running"'; then
    echo "new-workload: container '$name' on lm$idx is not running; its log:" >&2
    cat "$bundle/rootfs/var/log/workload.log" >&2 2>/dev/null || true
    exit 1
  fi
  if [ $SECONDS -ge $deadline ]; then
    echo "new-workload: '$name' on lm$idx did not finish filling memory in time; state: $line" >&2
    exit 1
  fi
  sleep 0.1
done
echo "$line"
