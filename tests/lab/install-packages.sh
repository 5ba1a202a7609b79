#!/usr/bin/env bash
# Installs what the lab needs on a fresh Debian 12 machine: runc, a CRIU that works on this kernel,
# iptables, sshd, sudo (the lab's non-root login), busybox-static and a C compiler for the workload. Idempotent.
set -euo pipefail

CRIU_ROOT=${CRIU_ROOT:-/opt/livemigrate/criu}
CRIU_WRAPPER=/usr/local/sbin/criu
need=()
for p in runc iptables socat iproute2 openssh-server openssh-client sudo busybox-static gcc libc6-dev tar zstd lz4; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Debian 12's criu 3.17 fails on this kernel ("Unexpected rt vDSO area bounds") and CRIU 4.1.1 cannot dump any
# TCP or UDP socket on Linux 6.16+ (getsockopt SO_PASSCRED refused). CRIU 4.2.1 from Debian forky works, but needs
# a newer glibc, so it lives in a private root with its own loader and libraries.
CRIU_SUITE=${CRIU_SUITE:-forky}
CRIU_VERSION=${CRIU_VERSION:-4.2.1}
if ! "$CRIU_WRAPPER" --version 2>/dev/null | grep -q "Version: $CRIU_VERSION"; then
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/debs" "$work/cache"
  echo "deb $mirror $CRIU_SUITE main" > "$work/suite.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/suite.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Get::List-Cleanup=0
            # as root: apt's sandbox user cannot write into the private folders
            -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  pkgs=(criu libcompel1 libc6 libgcc-s1 libgnutls30t64 libnftables1 libnl-3-200 libprotobuf-c1 libnet9 libbsd0
        libuuid1 libmd0 libnftnl11 libmnl0 libjansson4 libxtables12 libedit2 libidn2-0 libunistring5 libtasn1-6
        libnettle8t64 libhogweed6t64 libgmp10 libp11-kit0 libffi8 libtinfo6 libbpf1 libelf1t64 libzstd1 zlib1g)
  (cd "$work/debs" && apt-get "${apt_opts[@]}" download "${pkgs[@]/%//$CRIU_SUITE}" >/dev/null)
  rm -rf "$CRIU_ROOT"; mkdir -p "$CRIU_ROOT"
  for d in "$work"/debs/*.deb; do dpkg -x "$d" "$CRIU_ROOT"; done
  cat > "$CRIU_WRAPPER" <<WRAP
#!/bin/sh
# CRIU $CRIU_VERSION from Debian $CRIU_SUITE with its own libc (see tests/lab/install-packages.sh).
lib=$CRIU_ROOT/usr/lib/x86_64-linux-gnu
exec "\$lib/ld-linux-x86-64.so.2" --library-path "\$lib" "$CRIU_ROOT/usr/sbin/criu" "\$@"
WRAP
  chmod 755 "$CRIU_WRAPPER"
  "$CRIU_WRAPPER" --version | grep -q "Version: $CRIU_VERSION" || { echo "install: CRIU $CRIU_VERSION did not install" >&2; exit 1; }
fi
"$CRIU_WRAPPER" --version | head -1
runc --version | head -1
