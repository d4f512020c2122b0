#!/usr/bin/env bash
# Mount-ready time of strata's FUSE mount server against fuse-overlayfs over the same lower
# directories (issue 15, goal <= 50 ms at 61 layers): each start is timed from the fork until the
# mount point's root answers stat, then unmounted outside the measurement. As root.
#   benchmarks/fuse-mount-ready.sh STACK_DIR RUNS [JVM_FLAG...]
# STACK_DIR holds the lower directories 0..N-1 (base first); CP (default cli/target/strata.jar)
# is the server's class path; extra arguments go to the server JVM (e.g. -XX:AOTCache=FILE).
set -euo pipefail
stack="$1"; runs="$2"; shift 2
here="$(cd "$(dirname "$0")/.." && pwd)"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
cp="${CP:-$here/cli/target/strata.jar}"
n="$(ls "$stack" | wc -l)"
layers=(); for ((i = n - 1; i >= 0; i--)); do layers+=("$stack/$i"); done
lower="$(IFS=:; echo "${layers[*]}")"
mnt="$(mktemp -d)"
now() { date +%s%N; }
ready() { mountpoint -q "$mnt" && stat "$mnt" >/dev/null 2>&1; }
time_one() { # $1 = strata|fuse-overlayfs; prints ms
  local t0 t1
  t0="$(now)"
  if [[ "$1" == strata ]]; then
    "$java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC "${flags[@]}" -cp "$cp" dev.strata.fuse.internal.ServerMain \
      "$mnt" "$stack" OVERLAYFS ro,default_permissions,fsname=strata,subtype=strata "${layers[@]}" >"$mnt.log" 2>&1 </dev/null &
  else
    fuse-overlayfs -o "lowerdir=$lower" "$mnt"
  fi
  until ready; do sleep 0.001; done
  t1="$(now)"
  echo $(( (t1 - t0) / 1000000 ))
  fusermount3 -u "$mnt"; wait || true
}
flags=("$@")
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)  layers: $n  flags: ${flags[*]:-(none)}"
for kind in strata fuse-overlayfs; do
  printf '%-15s' "$kind"; for ((r = 0; r < runs; r++)); do printf ' %5s' "$(time_one "$kind")"; done; echo " ms"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
rmdir "$mnt"
