#!/usr/bin/env bash
# Start-up time and peak memory of the strata CLI, whole processes through bin/strata (issue 13).
#
#   benchmarks/startup.sh            # prints a markdown table for docs/benchmarks.md
#
# Medians of $RUNS runs (default 20, hyperfine), with user and system CPU time, which a loaded
# machine disturbs less than wall time; every row of one table comes from the same run. The
# fixtures are made under $WORK (default benchmarks/target/startup): a store of 100 images (one
# small shared layer, 100 configs and manifests, made with umoci) and a 2-layer image (a ~115 MB
# layer of this machine's /usr, a 5 MB one) in an OCI layout, for the peak RSS (GNU time's %M,
# median of 3) of `image import` into a fresh store and `unpack` of it.
#
# Needs hyperfine, umoci, GNU time (/usr/bin/time); unpack uses overlay as root, native otherwise.
# STRATA_BASELINE_JAR=JAR adds rows for an older jar run as bin/strata used to run it (plain
# `java -jar` with only the flags FFM and resumable hashing need), for a before/after table.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
strata="$here/bin/strata"
work="${WORK:-$here/benchmarks/target/startup}"
runs="${RUNS:-20}"
baseline="${STRATA_BASELINE_JAR:-}"

for tool in hyperfine umoci jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "startup.sh: $tool is missing (apt-get install -y ${tool##*/})" >&2; exit 1; }
done

"$strata" --version >/dev/null # builds the jar and the AOT cache first, outside the measurement
java="$(sed -n 's/^Java .*(\(.*\))$/\1/p' <("$strata" --version))/bin/java"

rm -rf "$work"
mkdir -p "$work"
store="$work/store"

# 100 images: one shared layer, each image its own config (an env value) and manifest
mkdir -p "$work/tree/etc"
echo startup > "$work/tree/etc/hostname"
tar -cf "$work/small.tar" -C "$work/tree" etc
umoci init --layout "$work/many" >/dev/null
umoci new --image "$work/many:t0"
umoci raw add-layer --image "$work/many:t0" "$work/small.tar"
for i in $(seq 1 99); do umoci config --image "$work/many:t0" --tag "t$i" --config.env="N=$i"; done
"$strata" --root "$store" image import "$work/many" >/dev/null
digest="$("$strata" --root "$store" image ls --json | jq -r '.[0].digest // .[0].target.digest')"

# the 2-layer image: a base layer of this machine's files and a small app layer
dirs=()
for d in usr/lib/python3.11 usr/share/perl usr/share/vim usr/share/mime; do [[ -d "/$d" ]] && dirs+=("$d"); done
tar -cf "$work/base.tar" -C / "${dirs[@]}"
mkdir -p "$work/app/opt/app"
head -c 5000000 /dev/urandom > "$work/app/opt/app/blob"
tar -cf "$work/app.tar" -C "$work/app" opt
umoci init --layout "$work/two" >/dev/null
umoci new --image "$work/two:app"
umoci raw add-layer --image "$work/two:app" "$work/base.tar"
umoci raw add-layer --image "$work/two:app" "$work/app.tar"

old_flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  --add-opens java.base/java.nio=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/sun.security.provider=ALL-UNNAMED)

cases=(
  "JVM floor: java -version" "$java -version"
  "strata --version" "$strata --version"
  "strata --version (no AOT cache)" "env STRATA_AOT=0 $strata --version"
  "strata image ls (100 images)" "$strata --root $store image ls"
  "strata image ls (100 images, no AOT cache)" "env STRATA_AOT=0 $strata --root $store image ls"
  "strata content info D" "$strata --root $store content info $digest"
  "strata content info D (no AOT cache)" "env STRATA_AOT=0 $strata --root $store content info $digest"
)
if [[ -n "$baseline" ]]; then
  cases+=(
    "baseline jar: --version" "$java ${old_flags[*]} -jar $baseline --version"
    "baseline jar: image ls (100 images)" "$java ${old_flags[*]} -jar $baseline --root $store image ls"
    "baseline jar: content info D" "$java ${old_flags[*]} -jar $baseline --root $store content info $digest"
  )
fi
args=()
for ((i = 0; i < ${#cases[@]}; i += 2)); do args+=(-n "${cases[i]}" "${cases[i + 1]}"); done
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/startup.json" "${args[@]}" >/dev/null

# peak RSS, median of 3 fresh runs each
rss() {
  local label="$1" out=() i; shift
  for i in 1 2 3; do
    rm -rf "$work/rss-store"
    if [[ "$label" == unpack* ]]; then "$strata" --root "$work/rss-store" image import "$work/two" >/dev/null; fi
    /usr/bin/time -o "$work/rss.txt" -f %M "$@" >/dev/null 2>&1
    out+=("$(tail -1 "$work/rss.txt")")
  done
  printf '%s\n' "${out[@]}" | sort -n | sed -n 2p
}
snapshotter=overlay
[[ "$(id -u)" == 0 ]] || snapshotter=native
rss_import="$(rss import "$strata" --root "$work/rss-store" image import "$work/two")"
rss_unpack="$(rss unpack "$strata" --root "$work/rss-store" unpack --snapshotter "$snapshotter" docker.io/library/two:app)"
rss_import_old="" rss_unpack_old=""
if [[ -n "$baseline" ]]; then
  rss_import_old="$(rss import "$java" "${old_flags[@]}" -jar "$baseline" --root "$work/rss-store" image import "$work/two")"
  rss_unpack_old="$(rss unpack "$java" "${old_flags[@]}" -jar "$baseline" --root "$work/rss-store" unpack --snapshotter "$snapshotter" docker.io/library/two:app)"
fi

echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB, $(uname -r); $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command | median | user | system | goal |"
echo "| --- | --- | --- | --- | --- |"
jq -r '.results[] | [.command, (.median * 1000 | floor), (.user * 1000 | floor), (.system * 1000 | floor)] | @tsv' "$work/startup.json" |
  while IFS=$'\t' read -r name median user system; do
    goal=""
    case "$name" in
      "strata --version") goal="<= 60 ms: $([[ $median -le 60 ]] && echo met || echo '**not met**')" ;;
      "strata image ls (100 images)") goal="<= 120 ms: $([[ $median -le 120 ]] && echo met || echo '**not met**')" ;;
    esac
    echo "| \`$name\` | $median ms | $user ms | $system ms | $goal |"
  done
echo
echo "| peak RSS (median of 3) | strata | ${baseline:+baseline jar |} goal |"
echo "| --- | --- | ${baseline:+--- |} --- |"
met() { [[ $1 -le $((96 * 1024)) ]] && echo met || echo '**not met**'; }
echo "| \`image import\` of the 2-layer image, fresh store | $((rss_import / 1024)) MB | ${baseline:+$((rss_import_old / 1024)) MB |} <= 96 MB: $(met "$rss_import") |"
echo "| \`unpack --snapshotter $snapshotter\` of it | $((rss_unpack / 1024)) MB | ${baseline:+$((rss_unpack_old / 1024)) MB |} <= 96 MB: $(met "$rss_unpack") |"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
