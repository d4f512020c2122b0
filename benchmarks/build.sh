#!/usr/bin/env bash
# `strata build` against `buildah build` (issue 14): the same multi-stage Dockerfile, cold, with
# buildah on the vfs and on the overlay storage driver, interleaved round by round; then a cached
# rebuild, and the per-RUN-step overhead against `runc run` of a prepared bundle.
#
#   benchmarks/build.sh [ROUNDS]          (as root; needs buildah, runc, umoci, GNU time)
#   STRATA=/path/to/bin/strata ...    runs another launcher (a copy of bin/ and the jar, say)
#   BUILDAH_DRIVERS=overlay ...         only these storage drivers (default: vfs overlay; "": none)
#   STRATA_BEFORE=/other/bin/strata ...   also times that launcher each round (strata-before-*)
#   JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=filename=/tmp/b.jfr,settings=profile ...  profiles
#
# Every round gets fresh stores: a strata --root and a buildah --root/--runroot (so buildah starts
# empty, no layer cache), each with the base image already imported and unpacked outside the
# measurement (strata: `image import` + `unpack`; buildah: `pull oci:`). Both build without network
# (`--network none`; buildah with `--isolation oci`, its runc isolation being what strata does).
# The base is made from this machine's programs (sh, coreutils, tar, gzip, find) and
# /usr/share/doc (about 120 MB, 4,000 files); the context is /usr/lib/python3.11 and
# /usr/share/perl (about 75 MB, 2,600 files). Prints wall time (median) and CPU time per case.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rounds="${1:-3}"
strata="${STRATA:-$here/bin/strata}"
work="/var/tmp/strata-build-bench-$$" # lowercase: buildah takes an oci: path as an image name
rm -rf "$work"; mkdir -p "$work"
trap 'cp -r "$work/times" /tmp/strata-build-bench-times 2>/dev/null; rm -rf "$work"' EXIT
for tool in buildah runc umoci /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing" >&2; exit 1; }
done
"$strata" --version >/dev/null # builds the jar and the AOT cache outside the measurement

# --- the base image: host programs with their libraries, and /usr/share/doc -------------------
base="$work/base"
mkdir -p "$base/usr/bin" "$base/usr/sbin" "$base/usr/lib64" "$base/etc" "$base/root" "$base/tmp"
chmod 1777 "$base/tmp"
for p in sh id cat ls mkdir touch rm echo stat tar gzip find wc sort cp date head sleep; do
  real="$(readlink -f "/usr/bin/$p")"
  cp -p "$real" "$base/usr/bin/$p"
  for lib in $(ldd "$real" | grep -o '/[^ ]*'); do
    [[ -e "$base$lib" ]] || { mkdir -p "$(dirname "$base$lib")"; cp -pL "$lib" "$base$lib"; }
  done
done
for l in bin lib lib64 sbin; do [[ -e "$base/$l" ]] || ln -s "usr/$l" "$base/$l"; done
if [[ -d "$base/lib64" && ! -L "$base/lib64" ]]; then cp -a "$base/lib64/." "$base/usr/lib64/"; rm -rf "$base/lib64"; ln -s usr/lib64 "$base/lib64"; fi
if [[ -d "$base/lib" && ! -L "$base/lib" ]]; then mkdir -p "$base/usr/lib"; cp -a "$base/lib/." "$base/usr/lib/"; rm -rf "$base/lib"; ln -s usr/lib "$base/lib"; fi
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$base/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$base/etc/group"
mkdir -p "$base/usr/share" && cp -a /usr/share/doc "$base/usr/share/doc"
tar -cf "$work/base.tar" -C "$base" .
umoci init --layout "$work/layout" >/dev/null
umoci new --image "$work/layout:base"
umoci raw add-layer --image "$work/layout:base" "$work/base.tar"
umoci config --image "$work/layout:base" --config.env PATH=/usr/bin:/bin

# --- the context and the Dockerfile -----------------------------------------------------------
ctx="$work/context"
mkdir -p "$ctx/src" "$ctx/conf"
cp -a /usr/lib/python3.11 "$ctx/src/python"
cp -a /usr/share/perl "$ctx/src/perl"
for i in $(seq 1 20); do echo "setting$i=$i" > "$ctx/conf/app$i.conf"; done
cat > "$ctx/Dockerfile" <<'EOF'
FROM base AS build
WORKDIR /src
COPY src/ /src/
RUN mkdir -p /out && find /src -type f | sort > /out/files && wc -l < /out/files > /out/count \
 && tar -czf /out/app.tgz -C /src perl
RUN cp -a /src/python /out/python && rm -rf /out/python/test
FROM base
COPY --from=build /out/ /opt/app/
COPY conf/ /etc/app/
RUN mkdir -p /var/lib/app && cat /opt/app/count > /var/lib/app/ready
ENV APP_HOME=/opt/app
WORKDIR /opt/app
CMD ["/bin/sh", "-c", "cat /var/lib/app/ready"]
EOF
echo "base: $(stat -c %s "$work/base.tar") bytes, $(tar -tf "$work/base.tar" | wc -l) entries;" \
  "context: $(du -sb "$ctx" | cut -f1) bytes, $(find "$ctx" -type f | wc -l) files"

# --- one timed command: wall, user and system seconds appended to $work/times/CASE -----------
mkdir -p "$work/times"
timed() {
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" > "$work/out.$name" 2> "$work/err.$name" \
    || { echo "build.sh: $name failed:" >&2; tail -20 "$work/err.$name" >&2; exit 1; }
  cat "$work/t" >> "$work/times/$name"
}

strata_store() { # a fresh store with the base imported and unpacked
  rm -rf "$work/s"
  "$strata" --root "$work/s" image import "$work/layout" >/dev/null
  "$strata" --root "$work/s" image tag layout:base base >/dev/null
  "$strata" --root "$work/s" unpack base >/dev/null
}
buildah_store() { # $1: driver; a fresh buildah root with the base pulled
  rm -rf "$work/b"
  buildah --root "$work/b/root" --runroot "$work/b/run" --storage-driver "$1" pull -q "oci:$work/layout:base" >/dev/null
  buildah --root "$work/b/root" --runroot "$work/b/run" --storage-driver "$1" tag "$(buildah --root "$work/b/root" --runroot "$work/b/run" --storage-driver "$1" images -q | head -1)" base
}
buildah_clean() {
  buildah --root "$work/b/root" --runroot "$work/b/run" --storage-driver "$1" rm --all >/dev/null 2>&1 || true
  [[ "$1" == overlay ]] && umount "$work/b/root/overlay" 2>/dev/null || true
  rm -rf "$work/b"
}

for r in $(seq 1 "$rounds"); do
  echo "round $r: $(uptime)"
  strata_store
  timed strata-cold "$strata" --root "$work/s" build --network none -t app "$ctx"
  timed strata-cached "$strata" --root "$work/s" build --network none -t app "$ctx"
  rm -rf "$work/s"
  if [[ -n "${STRATA_BEFORE:-}" ]]; then
    strata_store
    timed strata-before-cold "$STRATA_BEFORE" --root "$work/s" build --network none -t app "$ctx"
    timed strata-before-cached "$STRATA_BEFORE" --root "$work/s" build --network none -t app "$ctx"
    rm -rf "$work/s"
  fi
  for driver in ${BUILDAH_DRIVERS-vfs overlay}; do
    buildah_store "$driver"
    timed "buildah-$driver" buildah --root "$work/b/root" --runroot "$work/b/run" --storage-driver "$driver" \
      build -q --isolation oci --runtime runc --network none --layers -t app "$ctx"
    timed "buildah-$driver-cached" buildah --root "$work/b/root" --runroot "$work/b/run" --storage-driver "$driver" \
      build -q --isolation oci --runtime runc --network none --layers -t app "$ctx"
    buildah_clean "$driver"
  done
done
echo "after: $(uptime)"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
echo "| case | wall (median of $rounds, s) | user + system (median, s) | all walls (s) |"
echo "| --- | ---: | ---: | --- |"
for name in strata-cold strata-cached strata-before-cold strata-before-cached buildah-vfs buildah-vfs-cached buildah-overlay buildah-overlay-cached; do
  [[ -f "$work/times/$name" ]] || continue
  wall="$(cut -d' ' -f1 "$work/times/$name" | median)"
  cpu="$(awk '{print $2+$3}' "$work/times/$name" | median)"
  echo "| $name | $wall | $cpu | $(cut -d' ' -f1 "$work/times/$name" | tr '\n' ' ')|"
done

# --- the RUN step's own overhead: 10 RUN steps each appending the time as its first instruction,
# against a loop of `runc run` of one prepared bundle doing the same; the gaps between stamps are
# the whole cost of one step (strata: commit, cache entry, next snapshot, mount, bundle, runc)
{
  echo "FROM base"
  for i in $(seq 0 9); do echo 'RUN date +%s%N >> /stamps'; done
  echo 'RUN while read -r t; do echo "STAMP $t"; done < /stamps'
} > "$work/Dockerfile.run"
strata_store
"$strata" --root "$work/s" build --network none --no-cache -f "$work/Dockerfile.run" -t runs "$ctx" > /dev/null 2> "$work/err.runs" \
  || { echo "build.sh: the RUN steps failed:" >&2; tail -20 "$work/err.runs" >&2; exit 1; }
rm -rf "$work/s"
bundle="$work/bundle"
mkdir -p "$bundle/rootfs"
cp -a "$base/." "$bundle/rootfs/"
(cd "$bundle" && rm -f config.json && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"readonly": true/"readonly": false/; s/"sh"$/"sh", "-c", "date +%s%N >> \/stamps"/' config.json)
for i in $(seq 0 9); do runc run -b "$bundle" "bench-$$-$i" < /dev/null > /dev/null; done
gaps() { awk 'NR>1 {g=($1-p)/1e6; printf "%.0f ", g; s+=g; n++} {p=$1} END {printf "(mean %.0f ms)\n", s/n}'; }
echo
echo "strata, 10 RUN steps, gaps between the processes' first instructions (ms): $(sed -n 's/^STAMP //p' "$work/err.runs" | gaps)"
echo "runc run of a prepared bundle, 10 in a shell loop, same gaps (ms): $(gaps < "$bundle/rootfs/stamps")"
echo "after: $(uptime)"
