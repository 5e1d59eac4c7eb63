#!/usr/bin/env bash
# Where gliasim's time goes: samples one run with perf (valgrind's callgrind where perf cannot
# record, e.g. in some VMs) and prints the share of each phase plus the top symbols.
# Usage: experiments/bench/profile_gliasim.sh [path/to/gliasim] [experiment.toml] [duration]
#   experiments/bench/profile_gliasim.sh build/apps/gliasim experiments/coba.toml "2 s"
# The phases are assigned by symbol name (see `phase` below); the network build is included in
# the profile, so it is shown as its own phase.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
exe="${1:-$root/build/apps/gliasim}"
experiment="${2:-$root/experiments/coba.toml}"
duration="${3:-2 s}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
run=("$exe" run "$experiment" -o "$tmp/out.h5" -q --set "simulation.duration=\"$duration\""
     --set "simulation.threads=1")

# Prints "percent symbol" lines, most expensive first.
if perf record -F 2000 -o "$tmp/perf.data" -- "${run[@]}" >/dev/null 2>"$tmp/perf.log"; then
    tool="perf record -F 2000"
    perf report -i "$tmp/perf.data" --no-children --sort symbol --stdio 2>/dev/null |
        awk '/^ +[0-9.]+%/ { p = $1; sub("%", "", p); $1 = ""; $2 = ""; sub(/^ +/, ""); print p, $0 }' \
        >"$tmp/symbols"
else
    tool="valgrind --tool=callgrind (perf could not record: $(tail -1 "$tmp/perf.log"))"
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "${run[@]}" >/dev/null 2>&1
    callgrind_annotate --inclusive=no "$tmp/cg.out" 2>/dev/null |
        awk '/^ *[0-9,]+ \([ 0-9.]+%\)/ { p = $2; gsub(/[(%)]/, "", p); $1 = ""; $2 = "";
             sub(/^ +/, ""); print p, $0 }' >"$tmp/symbols"
fi

awk -v tool="$tool" -v what="$(basename "$experiment"), $duration, one thread" '
function phase(s) {
    if (s ~ /Astrocyte|astrocyte|Gchi|LiRinzel|Tripartite|tripartite|slow_update/) return "astrocytes"
    if (s ~ /::integrate|::update|LifCond|LifCurr|Aeif|threshold/) return "neuron update"
    if (s ~ /deliver|RingBuffer|ring_buffer|Tsodyks|Stdp|stdp/) return "spike delivery (and synapse state)"
    if (s ~ /merge_spikes|exchange|GOMP|futex|gomp/) return "exchange and thread sync"
    if (s ~ /Sonata|H5|h5|record|Recorder|flush|write/) return "recording"
    if (s ~ /build_part|connect|Connectivity|ValueSpec|draw|Philox|Network::Network|Projection::Projection/) return "network build"
    return "other (kernel, libc, loader)"
}
{
    sym = substr($0, index($0, " ") + 1); sub(/( +-)+ *$/, "", sym)
    share[phase(sym)] += $1
    if (NR <= 12) top[NR] = sprintf("%5.1f%%  %s", $1, sym)
}
END {
    printf "profile of %s with %s\n\n| phase | share |\n|---|---|\n", what, tool
    for (p in share) printf "| %s | %.1f%% |\n", p, share[p] | "sort -t\"|\" -k3 -rn"
    close("sort -t\"|\" -k3 -rn")
    printf "\ntop symbols:\n"
    for (i = 1; i <= 12 && i in top; ++i) printf "  %s\n", top[i]
}' "$tmp/symbols"
