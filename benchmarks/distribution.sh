#!/usr/bin/env bash
# Distribution benchmarks (issue 12): strata against skopeo (and umoci) on the same many-file
# image, served by a real docker-registry on 127.0.0.1, in one run, whole processes each.
#
#   pull         strata image pull REF (fresh store)       vs  skopeo copy docker://REF oci:DIR:t
#   pull+unpack  strata image pull REF --unpack            vs  skopeo copy ... && umoci unpack
#   push         strata image push NAME REF                vs  skopeo copy oci:LAYOUT:t docker://REF
#   startup      strata image ls (fresh store)             vs  skopeo --version   (no goal: the fixed
#                cost of a process, to tell it from the transfer)
#
# Runs are interleaved (strata, then skopeo, per round) and the median of ROUNDS is reported with
# the ratio skopeo/strata (> 1 means strata is faster). Pushes go to a second registry whose
# storage is emptied before every push, so neither tool finds a blob there.
#
# Usage: benchmarks/distribution.sh [ROUNDS]   (default 5; needs root, docker-registry, skopeo,
# umoci, tar; env BENCH_DIR moves the scratch directory, default benchmarks/target/distribution)
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rounds="${1:-5}"
work="${BENCH_DIR:-$here/benchmarks/target/distribution}"
strata="$here/bin/strata"
# The layers: directories of this machine with many small files (man pages, a Python library,
# vim's runtime, perl and zoneinfo), one layer each; missing ones are skipped.
sources=(/usr/share/man /usr/lib/python3 /usr/share/vim /usr/share/perl /usr/share/zoneinfo)

for tool in docker-registry skopeo umoci tar; do
  command -v "$tool" >/dev/null || { echo "distribution.sh: $tool is not installed" >&2; exit 1; }
done

rm -rf "$work"
mkdir -p "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_registry NAME PORT: docker-registry on 127.0.0.1:PORT with storage under $work/NAME.
start_registry() {
  local dir="$work/$1" port="$2"
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  env -u REGISTRY_AUTH_FILE docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 200); do
    curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && return 0
    sleep 0.05
  done
  echo "distribution.sh: docker-registry did not start on $port" >&2
  exit 1
}

# --- setup (not measured) ---------------------------------------------------------------------
layout="$work/layout"
umoci init --layout "$layout"
umoci new --image "$layout:t"
files=0
for src in "${sources[@]}"; do
  [[ -d "$src" ]] || continue
  tar --numeric-owner -C / -cf "$work/layer.tar" "${src#/}"
  files=$((files + $(tar -tf "$work/layer.tar" | wc -l)))
  umoci raw add-layer --image "$layout:t" "$work/layer.tar"
  rm "$work/layer.tar"
done
bytes=$(du -sb "$layout/blobs" | cut -f1)

src_port=$(free_port)
start_registry src "$src_port"
src_ref="127.0.0.1:$src_port/bench/app:1"
skopeo copy -q --dest-tls-verify=false "oci:$layout:t" "docker://$src_ref"

push_port=$(free_port)
push_ref="127.0.0.1:$push_port/bench/app:1"

# The store strata pushes from: the same layout, imported (no source label, so no mount is tried).
push_store="$work/push-store"
"$strata" --root "$push_store" image import "$layout" --name bench/app:1 >/dev/null

# A store path per measurement, made fresh before it (outside the timing).
fresh() { rm -rf "$1"; }

# time_ms CMD...: runs CMD quietly, prints its wall time in milliseconds.
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

# restart_push_registry: an empty push registry on the same port.
restart_push_registry() {
  if [[ -n "${push_pid:-}" ]]; then kill "$push_pid"; wait "$push_pid" 2>/dev/null || true; fi
  rm -rf "$work/push"
  start_registry push "$push_port"
  push_pid="${pids[-1]}"
}

skopeo_pull_unpack() {
  skopeo copy -q --src-tls-verify=false "docker://$src_ref" "oci:$work/sk-oci:t" &&
    umoci unpack --image "$work/sk-oci:t" "$work/sk-bundle"
}

declare -A t
for r in $(seq "$rounds"); do
  # what every strata command pays before it does anything: JVM start and opening a fresh store
  fresh "$work/st"
  t[startup_strata]+=" $(time_ms "$strata" --root "$work/st" image ls)"
  t[startup_skopeo]+=" $(time_ms skopeo --version)"
  fresh "$work/st"
  t[pull_strata]+=" $(time_ms "$strata" --root "$work/st" image pull "$src_ref")"
  fresh "$work/sk-oci"
  t[pull_skopeo]+=" $(time_ms skopeo copy -q --src-tls-verify=false "docker://$src_ref" "oci:$work/sk-oci:t")"

  fresh "$work/st"
  t[unpack_strata]+=" $(time_ms "$strata" --root "$work/st" image pull --unpack "$src_ref")"
  fresh "$work/sk-oci"; fresh "$work/sk-bundle"
  t[unpack_skopeo]+=" $(time_ms skopeo_pull_unpack)"

  restart_push_registry
  t[push_strata]+=" $(time_ms "$strata" --root "$push_store" image push --tls-verify=false bench/app:1 "$push_ref")"
  restart_push_registry
  t[push_skopeo]+=" $(time_ms skopeo copy -q --dest-tls-verify=false "oci:$layout:t" "docker://$push_ref")"
  echo "round $r done" >&2
done
fresh "$work/st"; fresh "$work/sk-oci"; fresh "$work/sk-bundle"

median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

echo "image: $files tar entries in ${#sources[@]} gzip layers, $bytes bytes of blobs; $rounds rounds"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-12s %10s %10s %7s %7s  %s\n' case strata_ms other_ms ratio goal runs
for c in startup:- pull:1.5 unpack:2.0 push:1.2; do
  name="${c%%:*}" goal="${c##*:}"
  s=$(median "${t[${name}_strata]}") o=$(median "${t[${name}_skopeo]}")
  ratio=$(awk -v s="$s" -v o="$o" 'BEGIN {printf "%.2f", o / s}')
  [[ "$goal" == - ]] || goal=">=${goal}x"
  printf '%-12s %10s %10s %6sx %7s  strata:%s other:%s\n' "$name" "$s" "$o" "$ratio" "$goal" "${t[${name}_strata]}" "${t[${name}_skopeo]}"
done
