# Checks a checkpoint against its SHA256SUMS and unpacks its bundle as a new container's bundle.
# $1 the checkpoint folder  $2 the new bundle (must not exist)
dir=$1 bundle=$2
[ -f "$dir/SHA256SUMS" ] || { echo "error=$dir is not a checkpoint (it has no SHA256SUMS)"; exit 1; }
if ! bad=$(cd "$dir" && sha256sum -c --quiet SHA256SUMS 2>&1); then
  echo "error=the checkpoint in $dir does not match its SHA256SUMS, so it is not restored: $(printf '%s' "$bad" | head -n 3 | tr '\n' ' ')"
  exit 1
fi
if [ -e "$bundle" ]; then echo "error=$bundle exists already; a restore never writes over files"; exit 1; fi
mkdir -p -m 0700 "$bundle" && tar -C "$bundle" --numeric-owner --strip-components=1 -xpf "$dir/bundle.tar" ||
  { echo "error=unpacking the bundle into $bundle failed"; rm -rf -- "$bundle"; exit 1; }
