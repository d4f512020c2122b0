#!/usr/bin/env bash
# Whole-process layer apply (issue 13): `strata layer apply` (JVM start included) against
# `tar -xpf`, `pigz -dc | tar -xpf -` and `zstd -dc | tar -xpf -` on the same layer, interleaved
# per round into fresh directories on the same filesystem; medians of wall and CPU time.
#
#   benchmarks/apply.sh [ROUNDS]        (needs root for ownership, GNU time, pigz, zstd)
#   STRATA_BASELINE_JAR=old.jar ...     also times an older jar in the same rounds
#   APPLY_LAYER_DIRS="usr/lib/python3.11 ..." picks the directories of / that make the layer
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-5}"
jar="${STRATA_JAR:-$here/cli/target/strata.jar}"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  --add-opens java.base/java.nio=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/sun.security.provider=ALL-UNNAMED -XX:+UseSerialGC -Xms8m -XX:-UsePerfData)
work="$(mktemp -d /var/tmp/strata-apply-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
read -r -a dirs <<< "${APPLY_LAYER_DIRS:-usr/lib/python3.11 usr/share/perl usr/share/vim usr/share/mime}"
tar -cf "$work/layer.tar" -C / "${dirs[@]}" 2>/dev/null || true
pigz -6 -c "$work/layer.tar" > "$work/layer.tar.gz"
zstd -q -3 -c "$work/layer.tar" > "$work/layer.tar.zst"
echo "layer: $(stat -c %s "$work/layer.tar") bytes, $(tar -tf "$work/layer.tar" | wc -l) entries; $(uptime)"

declare -A cases=(
  [strata-plain]="$java ${flags[*]} -jar $jar layer apply $work/layer.tar OUT"
  [strata-gzip]="$java ${flags[*]} -jar $jar layer apply $work/layer.tar.gz OUT"
  [strata-zstd]="$java ${flags[*]} -jar $jar layer apply $work/layer.tar.zst OUT"
  [tar-plain]="mkdir OUT && tar -xpf $work/layer.tar -C OUT"
  [tar-gzip]="mkdir OUT && pigz -dc $work/layer.tar.gz | tar -xpf - -C OUT"
  [tar-zstd]="mkdir OUT && zstd -q -dc $work/layer.tar.zst | tar -xpf - -C OUT"
)
if [[ -n "${STRATA_BASELINE_JAR:-}" ]]; then
  cases[base-plain]="$java ${flags[*]} -jar $STRATA_BASELINE_JAR layer apply $work/layer.tar OUT"
  cases[base-gzip]="$java ${flags[*]} -jar $STRATA_BASELINE_JAR layer apply $work/layer.tar.gz OUT"
fi
names=($(printf '%s\n' "${!cases[@]}" | sort))
for ((r = 1; r <= rounds; r++)); do
  for n in "${names[@]}"; do
    out="$work/out"
    rm -rf "$out"
    cmd="${cases[$n]//OUT/$out}"
    /usr/bin/time -f "%e %U %S" -o "$work/t" sh -c "$cmd" > /dev/null
    echo "$n $(cat "$work/t")" >> "$work/times"
  done
  echo "round $r done; $(uptime)"
done
rm -rf "$work/out"
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-14s %10s %10s %10s\n' case wall_s user_s sys_s
for n in "${names[@]}"; do
  w=$(awk -v n="$n" '$1==n{print $2}' "$work/times" | median)
  u=$(awk -v n="$n" '$1==n{print $3}' "$work/times" | median)
  s=$(awk -v n="$n" '$1==n{print $4}' "$work/times" | median)
  printf '%-14s %10s %10s %10s\n' "$n" "$w" "$u" "$s"
done
