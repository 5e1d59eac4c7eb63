#!/usr/bin/env bash
# The memory estimate (core/resource_estimate.cpp, "estimated memory" of gliasim validate)
# against the measured peak (/metadata peak_memory_bytes, the process's VmHWM) on a grid of
# small configurations: population size, connection probability, plasticity, recorded
# variables, flush interval, weight recorders, resets. For each:
#     estimate >= peak - baseline   and   estimate <= 2 x (peak - baseline)
# The estimate covers what grows with the network or the run; the baseline is the process's own
# (libraries, HDF5, the runtime), measured here as the peak of a one-neuron, one-step run.
# Runs are single-threaded and short (a few seconds each on a loaded 2-core machine).
# usage: memory_estimate.sh GLIASIM_EXE
set -u
exe="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed=0

# experiment NAME DURATION BODY: writes $tmp/NAME.toml.
experiment() {
  printf '[simulation]\nduration = "%s"\ndt = "0.1 ms"\nthreads = 1\n\n[output]\n%s\n' \
    "$2" "${4:-flush_interval = \"1000 ms\"}" >"$tmp/$1.toml"
  printf '%s\n' "$3" >>"$tmp/$1.toml"
}

# peak_of NAME: the run's /metadata peak_memory_bytes.
peak_of() {
  rm -f "$tmp/$1.h5"
  if ! "$exe" run "$tmp/$1.toml" -o "$tmp/$1.h5" -q --ignore-resource-limits 2>"$tmp/err"; then
    echo "FAIL: $1: the run failed: $(head -c 300 "$tmp/err")" >&2
    return 1
  fi
  h5dump -a /metadata/peak_memory_bytes "$tmp/$1.h5" | sed -n 's/^ *(0): *\([0-9]*\).*/\1/p'
}

# estimate_of NAME: the estimate in bytes (validate prints MiB with one decimal).
estimate_of() {
  "$exe" validate "$tmp/$1.toml" | sed -n 's/.*estimated memory \([0-9.]*\) MiB.*/\1/p' |
    awk '{ printf "%.0f\n", $1 * 1048576 }'
}

pop() { # pop NAME MODEL SIZE [EXTRA]
  printf '[populations.%s]\nmodel = "%s"\nsize = %s\n%s\n\n' "$1" "$2" "$3" "${4:-}"
}
proj() { # proj NAME SOURCE TARGET P WEIGHT [EXTRA]
  printf '[projections.%s]\nsource = "%s"\ntarget = "%s"\nrule = "bernoulli"\np = %s\n' \
    "$1" "$2" "$3" "$4"
  printf 'weight = "%s"\ndelay = "1 ms"\n%s\n\n' "$5" "${6:-}"
}
state() { # state NAME POPULATION VARIABLES INTERVAL
  printf '[recorders.%s]\nkind = "state"\npopulation = "%s"\nvariables = %s\ninterval = "%s"\n\n' \
    "$1" "$2" "$3" "$4"
}

experiment baseline "0.1 ms" "$(pop one lif_curr_exp 1)"
# Synapses: population size, connection probability, two populations, plasticity.
experiment syn_20k_p01 "5 ms" "$(pop exc lif_curr_exp 20000)
$(proj ee exc exc 0.01 '1 pA')"
experiment syn_20k_p02 "5 ms" "$(pop exc lif_curr_exp 20000)
$(proj ee exc exc 0.02 '1 pA')"
experiment syn_40k_p005 "5 ms" "$(pop exc lif_curr_exp 40000)
$(proj ee exc exc 0.005 '1 pA')"
experiment syn_cond_two_pops "5 ms" "$(pop exc lif_cond_exp 16000)
$(pop inh lif_cond_exp 4000)
$(proj ee exc exc 0.01 '1 nS')
$(proj ei exc inh 0.02 '1 nS')
$(proj ie inh exc 0.02 '1 nS' 'receptor = "inhibitory"')"
experiment stdp_10k_p05 "5 ms" "$(pop exc lif_curr_exp 10000)
$(proj ee exc exc 0.05 '1 pA' 'synapse = "stdp"')"
# State recorders: columns, variables, interval, flush interval.
experiment state_vm_10k "50 ms" "$(pop exc lif_curr_exp 10000)
$(state v exc '["V_m"]' "0.1 ms")"
experiment state_3vars_5k "50 ms" "$(pop exc lif_curr_exp 5000)
$(state v exc '["V_m", "I_syn_ex", "I_syn_in"]' "0.1 ms")"
experiment state_all_flush_10ms "20 ms" "$(pop exc lif_curr_exp 20000)
$(state v exc '["V_m", "I_syn_ex", "I_syn_in", "I_SIC"]' "0.1 ms")" 'flush_interval = "10 ms"'
experiment state_interval_1ms_50k "200 ms" "$(pop exc lif_curr_exp 50000)
$(state v exc '["V_m"]' "1 ms")"
# Weight recorders (every synapse), reset schedules.
experiment weights_all_2m "20 ms" "$(pop exc lif_curr_exp 10000)
$(proj ee exc exc 0.02 '1 pA')
[recorders.w]
kind = \"weights\"
projection = \"ee\"
interval = \"10 ms\""
experiment resets_1m "100 s" "$(pop exc lif_curr_exp 10 'reset = { every = "0.1 ms" }')"
experiment resets_and_network "2 s" "$(pop exc lif_curr_exp 2000 'reset = { every = "0.1 ms" }')
$(proj ee exc exc 0.5 '1 pA')"

base_peak=$(peak_of baseline) || exit 1
echo "baseline (one neuron, one step): $((base_peak / 1048576)) MiB"
configs=0
for f in "$tmp"/*.toml; do
  name=$(basename "$f" .toml)
  [ "$name" = baseline ] && continue
  configs=$((configs + 1))
  est=$(estimate_of "$name")
  peak=$(peak_of "$name") || {
    failed=$((failed + 1))
    continue
  }
  used=$((peak - base_peak))
  line=$(awk -v n="$name" -v e="$est" -v u="$used" \
    'BEGIN { printf "%-22s estimate %7.1f MiB  measured %7.1f MiB  ratio %.2f", n, e / 1048576, u / 1048576, (u > 0 ? e / u : 0) }')
  if [ -z "$est" ] || [ "$used" -le 0 ] || [ "$est" -lt "$used" ] || [ "$est" -gt $((2 * used)) ]; then
    echo "FAIL: $line (want measured <= estimate <= 2 x measured)"
    failed=$((failed + 1))
  else
    echo "ok:   $line"
  fi
done
if [ "$configs" -lt 12 ]; then
  echo "FAIL: only $configs configurations"
  failed=$((failed + 1))
fi
echo "$configs configurations, $failed failed"
[ "$failed" -eq 0 ]
