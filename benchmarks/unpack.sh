#!/usr/bin/env bash
# Whole-process unpack (issue 13): `bin/strata unpack` (JVM start included, overlay snapshotter,
# a fresh store per run with the image imported in setup, not timed) against `umoci unpack` of
# the same OCI layout into a fresh bundle, interleaved per round; medians of wall and CPU time and
# peak RSS. Two images, built in setup with `umoci raw add-layer` from GNU tars of this machine's
# files: "app", 2 layers (a base of Python, Perl and vim's runtime, then a smaller layer), and
# "many", 61 layers (/usr/share/doc's files split in 61 tars, parents left implicit).
# strata runs twice per round: its default (layers applied at once on overlay) and
# -Dstrata.unpack.lanes=1 (one after the other).
#
#   benchmarks/unpack.sh [ROUNDS]     (default 3; needs root, umoci, GNU tar and time)
#   PROFILE=DIR benchmarks/unpack.sh  also, after the rounds, one strata unpack of each image under
#                                     JFR (DIR/IMAGE.jfr) and one under `strace -c -f` (DIR/IMAGE.strace)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rounds="${1:-3}"
strata="$here/bin/strata"
work="$(mktemp -d /var/tmp/strata-unpack-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
for tool in umoci tar /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "unpack.sh: $tool is not installed" >&2; exit 1; }
done

# --- setup (not timed) --------------------------------------------------------------------------
# one layout per image, $work/app and $work/many, each tagged t
for image in app many; do
  umoci init --layout "$work/$image"
  umoci new --image "$work/$image:t"
done
tar --numeric-owner -C / -cf "$work/l.tar" usr/lib/python3.11 usr/share/perl 2>/dev/null || true
umoci raw add-layer --image "$work/app:t" "$work/l.tar"
tar --numeric-owner -C / -cf "$work/l.tar" usr/share/vim usr/share/mime 2>/dev/null || true
umoci raw add-layer --image "$work/app:t" "$work/l.tar"
(cd / && find usr/share/doc -type f -o -type l) | sort > "$work/files"
split -n l/61 -d -a 2 "$work/files" "$work/chunk."
for chunk in "$work"/chunk.*; do
  tar --numeric-owner -C / -cf "$work/l.tar" -T "$chunk"
  umoci raw add-layer --image "$work/many:t" "$work/l.tar"
done
rm -f "$work/l.tar" "$work"/chunk.* "$work/files"
"$strata" --version >/dev/null # builds the jar and its start-up cache when needed
echo "layouts: app $(du -sh "$work/app" | cut -f1) in 2 layers, many $(du -sh "$work/many" | cut -f1) in 61 layers; $(uptime)"

# timed NAME IMAGE CMD...: runs CMD under GNU time, appending "NAME IMAGE wall user sys rss_kb"
timed() {
  local name="$1" image="$2"; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  echo "$name $image $(tail -1 "$work/t")" >> "$work/times"
}

fresh_store() { # fresh_store IMAGE: a new store with only IMAGE's layout imported as bench/IMAGE:1
  rm -rf "$work/store"
  "$strata" --root "$work/store" image import "$work/$1" --name "bench/$1:1" >/dev/null 2>"$work/err" \
    || { cat "$work/err" >&2; exit 1; }
}

for ((r = 1; r <= rounds; r++)); do
  for image in app many; do
    fresh_store "$image"
    sync
    timed strata "$image" "$strata" --root "$work/store" unpack "bench/$image:1"
    fresh_store "$image"
    sync
    JAVA_TOOL_OPTIONS=-Dstrata.unpack.lanes=1 timed strata-seq "$image" "$strata" --root "$work/store" unpack "bench/$image:1"
    rm -rf "$work/bundle"
    sync
    timed umoci "$image" umoci unpack --image "$work/$image:t" "$work/bundle"
    rm -rf "$work/bundle" "$work/store"
  done
  echo "round $r done; $(uptime)"
done
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-11s %-5s %8s %8s %8s %9s\n' case image wall_s user_s sys_s rss_kb
for image in app many; do
  for n in strata strata-seq umoci; do
    col() { awk -v n="$n" -v i="$image" -v c="$1" '$1==n && $2==i {print $c}' "$work/times" | median; }
    printf '%-11s %-5s %8s %8s %8s %9s\n' "$n" "$image" "$(col 3)" "$(col 4)" "$(col 5)" "$(col 6)"
  done
done
for image in app many; do
  awk -v i="$image" '$2==i {print}' "$work/times" > "$work/ti"
  u=$(awk '$1=="umoci"{print $3}' "$work/ti" | median)
  s=$(awk '$1=="strata"{print $3}' "$work/ti" | median)
  q=$(awk '$1=="strata-seq"{print $3}' "$work/ti" | median)
  echo "$image: umoci/strata $(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u/s}')x, umoci/strata-seq $(awk -v u="$u" -v s="$q" 'BEGIN{printf "%.2f", u/s}')x"
done
if [[ -n "${PROFILE:-}" ]]; then
  mkdir -p "$PROFILE"
  for image in app many; do
    fresh_store "$image"
    JAVA_TOOL_OPTIONS="-XX:StartFlightRecording=filename=$PROFILE/$image.jfr,settings=profile" \
      timed strata-jfr "$image" "$strata" --root "$work/store" unpack "bench/$image:1"
    fresh_store "$image"
    timed strata-strace "$image" strace -c -f -o "$PROFILE/$image.strace" "$strata" --root "$work/store" unpack "bench/$image:1"
    rm -rf "$work/store"
  done
  grep -E '^strata-(jfr|strace)' "$work/times"
fi
echo "done; $(uptime)"
