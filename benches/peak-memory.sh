#!/usr/bin/env bash
# Peak memory and wall time of each large-estate operation, run by the
# release binary on generated files under `/usr/bin/time -v`.
#
#   benches/peak-memory.sh                  # 100,000 and 1,000,000 assets
#   benches/peak-memory.sh 10000 100000     # other sizes
#   REPEAT=3 benches/peak-memory.sh 1000000 # median of three runs each
#
# For each size it generates the supplier-style workbook and CSV (seed 7),
# then times: the xlsx import into an empty register, its unchanged
# re-import, the CSV import into
# an empty register, the unchanged re-import of the CSV, the forecast by
# programme line and by organisation (a shared service apportioned to two
# councils), the capped (levelled) forecast, and the Excel report. It prints
# one Markdown table row per operation: seconds (median), peak resident
# memory (the largest of the runs), and the load average when it ran, since
# the machine may be shared. Work files go to a temporary folder, removed
# at the end.
set -euo pipefail

sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then sizes=(100000 1000000); fi
repeat=${REPEAT:-1}
root=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (for /usr/bin/time -v)" >&2
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && apt-get install -y -qq time >/dev/null
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq time >/dev/null
    fi
fi

echo "building the release binary" >&2
(cd "$root" && cargo build --release --quiet)
target=${CARGO_TARGET_DIR:-$root/target}
estate="$target/release/estate"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ESTATE_TODAY=2026-11-28 NO_COLOR=1

# A register holding a shared service (GEN) whose costs two councils share.
empty="$work/empty.db"
{
    "$estate" --db "$empty" init
    "$estate" --db "$empty" orgs add GEN "Generated Shared ICT Service" --shared
    "$estate" --db "$empty" orgs add AVN "Avonmere District Council"
    "$estate" --db "$empty" orgs add BRK "Brookfield Borough Council"
    "$estate" --db "$empty" orgs shares GEN AVN=40% BRK=60%
} >/dev/null

fresh() {
    rm -f "$1" "$1-wal" "$1-shm"
    cp "$empty" "$1"
}

# measure LABEL ROWS [prepare-command] -- COMMAND...: runs COMMAND $repeat
# times (after the prepare command each time) and prints a table row.
measure() {
    local label=$1 rows=$2
    shift 2
    local prepare=()
    while [ "$1" != "--" ]; do prepare+=("$1"); shift; done
    shift
    local times=() peak=0 load
    load=$(cut -d' ' -f1 /proc/loadavg)
    for _ in $(seq "$repeat"); do
        if [ ${#prepare[@]} -gt 0 ]; then "${prepare[@]}"; fi
        /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || {
            echo "failed: $*" >&2
            cat "$work/stderr.txt" >&2
            exit 1
        }
        local wall kb
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
        # h:mm:ss or m:ss.ss to seconds
        times+=("$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')")
        if [ "$kb" -gt "$peak" ]; then peak=$kb; fi
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    local rate
    rate=$(awk -v r="$rows" -v t="$median" 'BEGIN { if (t > 0) printf "%.0f", r / t; else print "-" }')
    printf '| %s | %s | %.2f | %s | %.0f | %s |\n' "$label" "$rows" "$median" "$rate" "$((peak / 1024))" "$load"
}

echo "| operation | rows | seconds (median of $repeat) | rows/s | peak RSS (MB) | load average |"
echo "|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    xlsx="$work/estate-$n.xlsx"
    csv="$work/estate-$n.csv"
    measure "generate xlsx" "$n" -- "$estate" generate --assets "$n" --out "$xlsx" --seed 7
    measure "generate csv" "$n" -- "$estate" generate --assets "$n" --out "$csv" --seed 7
    lines=$((n / 4))
    licences=$((n / 1000 > 8 ? n / 1000 : 8))
    db="$work/register.db"
    measure "import xlsx (empty register)" "$((n + lines + licences))" fresh "$db" -- \
        "$estate" --db "$db" import "$xlsx" --org GEN
    measure "re-import xlsx (unchanged)" "$((n + lines + licences))" -- \
        "$estate" --db "$db" import "$xlsx" --org GEN
    measure "import csv (empty register)" "$n" fresh "$db" -- \
        "$estate" --db "$db" import "$csv" --org GEN
    measure "re-import csv (unchanged)" "$n" -- "$estate" --db "$db" import "$csv" --org GEN
    measure "forecast --by line" "$n" -- "$estate" --db "$db" forecast --from 2026/27 --by line
    measure "forecast --by org" "$n" -- "$estate" --db "$db" forecast --from 2026/27 --by org
    cap=$(( n * 140 ))
    measure "forecast --cap (levelled)" "$n" -- \
        "$estate" --db "$db" forecast --from 2026/27 --cap "$cap"
    measure "report .xlsx (with Detail)" "$n" -- \
        "$estate" --db "$db" report --from 2026/27 --out "$work/report-$n.xlsx"
done
