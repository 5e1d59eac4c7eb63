#!/usr/bin/python3
"""Brian 2 (cpp_standalone, one thread) versions of gliasim's benchmark networks.

    /usr/bin/python3 experiments/bench/brian_nets.py coba --duration 10 --spikes out.npz
    /usr/bin/python3 experiments/bench/brian_nets.py coba --neurons 64000 --duration 1
    /usr/bin/python3 experiments/bench/brian_nets.py neuron_glia --duration 1

Prints one JSON line: the simulation loop's time as Brian reports it (std::clock of the loop in
the generated main, i.e. CPU time, without code generation, compilation or network set-up), the
wall time of the generated binary, the code generation + compilation time, the binary's peak
RSS, the synapse count and spike counts per population. With --spikes the spike trains are saved
(arrays i, t [s], pop) for the driver, which computes rates and CV of ISI for both simulators
the same way. --no-synapses builds the same network without any synapse (memory baseline).

The networks and every difference to gliasim's experiment files are described in
docs/performance.md (section "The Brian 2 scripts").
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from brian2 import (Network, NeuronGroup, Synapses, SpikeMonitor, StateMonitor, TimedArray, defaultclock,
                    device, prefs, set_device, seed, ms, mV, nS, pF, pA, second, Hz, umolar,
                    mmolar)

# run_cmd_unix wrapper: runs ./main and writes its peak RSS (bytes) and wall time to rusage.txt.
RUSAGE_WRAPPER = (
    "import os, sys, time\n"
    "t0 = time.time(); pid = os.fork()\n"
    "if pid == 0: os.execv('./main', ['./main'] + sys.argv[1:])\n"
    "_, status, ru = os.wait4(pid, 0)\n"
    "open('results/rusage.txt', 'w').write(f'{ru.ru_maxrss * 1024} {time.time() - t0}')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n")


def lif_equations(with_drive):
    """Conductance-based LIF of Vogels & Abbott / Stimberg et al. 2019 section 2.1."""
    drive = " + I_ext_scale(t) * I_ext" if with_drive else ""
    return f"""
        dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v){drive}) / C_m : volt (unless refractory)
        dg_e/dt = -g_e / tau_e : siemens
        dg_i/dt = -g_i / tau_i : siemens
    """


def coba(args, ns):
    """COBA as experiments/coba.toml: 80 % excitatory, p = 0.02 * 4000 / N (in-degree 80)."""
    ns.update(C_m=200 * pF, g_L=10 * nS, E_L=-60 * mV, E_e=0 * mV, E_i=-80 * mV, tau_e=5 * ms,
              tau_i=10 * ms, w_e=6 * nS, w_i=67 * nS)
    n = args.neurons
    n_e = n * 4 // 5
    p = 0.02 * 4000 / n
    neurons = NeuronGroup(n, lif_equations(False), threshold="v > -50*mV", reset="v = -60*mV",
                          refractory=5 * ms, method=args.method, namespace=ns)
    neurons.v = "-65*mV + 5*mV*randn()"
    neurons.g_e = "(40 + 15*randn())*nS"
    neurons.g_i = "(200 + 120*randn())*nS"
    objects = [neurons]
    if not args.no_synapses:
        exc = Synapses(neurons[:n_e], neurons, on_pre="g_e_post += w_e", namespace=ns)
        inh = Synapses(neurons[n_e:], neurons, on_pre="g_i_post += w_i", namespace=ns)
        exc.connect(p=p)
        inh.connect(p=p)
        exc.delay = inh.delay = args.delay_ms * ms
        objects += [exc, inh]
    # gliasim's coba.toml records V_m, g_ex, g_in of 5 excitatory neurons every 1 ms.
    objects.append(StateMonitor(neurons, ["v", "g_e", "g_i"], record=range(5), dt=1 * ms))
    return neurons, {"exc": (0, n_e), "inh": (n_e, n)}, objects


# Stimberg et al. (2019) example 6 parameters (shared/models/brian2-neuron-glia.md 2.1-2.5),
# as in gliasim's experiments/coba_astro.toml.
NEURON_GLIA_PARAMETERS = dict(
    C_m=198 * pF, g_L=9.99 * nS, E_L=-60 * mV, E_e=0 * mV, E_i=-80 * mV, tau_e=5 * ms,
    tau_i=10 * ms, I_ext=100 * pA, w_e=0.05 * nS, w_i=1.0 * nS,
    U_0__star=0.6, Omega_d=2.0 / second, Omega_f=3.33 / second,
    rho_c=0.005, Y_T=500 * mmolar, Omega_c=40 / second, O_G=1.5 / umolar / second,
    Omega_G=0.5 / (60 * second), alpha=0.0, weight_in=0.00625,
    O_P=0.9 * umolar / second, K_P=0.05 * umolar, C_T=2 * umolar, rho_A=0.18,
    Omega_C=6 / second, Omega_L=0.1 / second, d_1=0.13 * umolar, d_2=1.05 * umolar,
    O_2=0.2 / umolar / second, d_3=0.9434 * umolar, d_5=0.08 * umolar,
    O_beta=0.5 * umolar / second, O_N=0.3 / umolar / second, Omega_N=0.5 / second,
    K_KC=0.5 * umolar, zeta=10, O_delta=1.2 * umolar / second, kappa_delta=1.5 * umolar,
    K_delta=0.1 * umolar, Omega_5P=0.05 / second, K_D=0.7 * umolar, K_3K=1.0 * umolar,
    O_3K=4.5 * umolar / second, F=0.09 * umolar / second, I_Theta=0.3 * umolar,
    omega_I=0.05 * umolar, C_Theta=0.5 * umolar, Omega_A=0.6 / second, U_A=0.6,
    G_T=200 * mmolar, rho_e=6.5e-4, Omega_e=60 / second)

TRIPARTITE_SYNAPSE = """
    du_S/dt = -Omega_f * u_S : 1 (event-driven)
    dx_S/dt = Omega_d * (1 - x_S) : 1 (event-driven)
    dY_S/dt = -Omega_c * Y_S : mmolar (clock-driven)
    dGamma_S/dt = O_G * G_A * (1 - Gamma_S) - Omega_G * Gamma_S : 1 (clock-driven)
    G_A : mmolar
    r_S : 1
    astrocyte_index : integer (constant)
"""
TRIPARTITE_ON_PRE = """
    U_0 = (1 - Gamma_S) * U_0__star + alpha * Gamma_S
    u_S += U_0 * (1 - u_S)
    r_S = u_S * x_S
    x_S -= r_S
    Y_S += rho_c * Y_T * r_S
"""

ASTROCYTE = """
    dGamma_A/dt = O_N * Y_S * (1 - clip(Gamma_A, 0, 1))
                  - Omega_N * (1 + zeta * C / (C + K_KC)) * clip(Gamma_A, 0, 1) : 1
    dI/dt = J_beta + J_delta - J_3K - J_5P + J_coupling : mmolar
    J_beta = O_beta * Gamma_A : mmolar/second
    J_delta = O_delta / (1 + I / kappa_delta) * C**2 / (C**2 + K_delta**2) : mmolar/second
    J_3K = O_3K * C**4 / (C**4 + K_D**4) * I / (I + K_3K) : mmolar/second
    J_5P = Omega_5P * I : mmolar/second
    J_coupling : mmolar/second
    dC/dt = J_r + J_l - J_p : mmolar
    dh/dt = (h_inf - h) / tau_h : 1
    J_r = Omega_C * m_inf**3 * h**3 * (C_T - (1 + rho_A) * C) : mmolar/second
    J_l = Omega_L * (C_T - (1 + rho_A) * C) : mmolar/second
    J_p = O_P * C**2 / (C**2 + K_P**2) : mmolar/second
    m_inf = I / (I + d_1) * C / (C + d_5) : 1
    h_inf = Q_2 / (Q_2 + C) : 1
    tau_h = 1 / (O_2 * (Q_2 + C)) : second
    Q_2 = d_2 * (I + d_1) / (I + d_3) : mmolar
    dx_A/dt = Omega_A * (1 - x_A) : 1
    dG_A/dt = -Omega_e * G_A : mmolar
    Y_S : mmolar
"""


def neuron_glia(args, ns):
    """Example-6-scale network: 3200 + 800 LIF, 3200 G-ChI astrocytes, every synapse tripartite."""
    ns.update(NEURON_GLIA_PARAMETERS)
    ns["I_ext_scale"] = TimedArray([1.0, 1.2, 1.0, 1.0], dt=2 * second)
    n_e, n_i, n_a = 3200, 800, 3200
    neurons = NeuronGroup(n_e + n_i, lif_equations(True), threshold="v > -50*mV",
                          reset="v = -60*mV", refractory=5 * ms, method="euler", namespace=ns)
    neurons.v = "-60*mV + 10*mV*rand()"  # as coba_astro.toml: uniform in [E_L, V_th), g = 0
    astro = NeuronGroup(n_a, ASTROCYTE, threshold="C > C_Theta", refractory="C > C_Theta",
                        reset="G_A += rho_e * G_T * U_A * x_A\nx_A -= U_A * x_A",
                        method="rk4", dt=10 * ms, order=2, namespace=ns)
    astro.C = 0.01 * umolar
    astro.h = 0.9
    astro.I = 0.01 * umolar
    astro.x_A = 1.0
    objects = [neurons, astro]
    if not args.no_synapses:
        exc = Synapses(neurons[:n_e], neurons, TRIPARTITE_SYNAPSE,
                       on_pre=TRIPARTITE_ON_PRE + "g_e_post += w_e * r_S", method="exact",
                       namespace=ns)
        inh = Synapses(neurons[n_e:], neurons, TRIPARTITE_SYNAPSE,
                       on_pre=TRIPARTITE_ON_PRE + "g_i_post += w_i * r_S", method="exact",
                       namespace=ns)
        exc.connect(p=0.05)
        inh.connect(p=0.2)
        for s in (exc, inh):
            s.x_S = 1.0
        # gliasim's coba_astro.toml: E->E synapse onto neuron j is covered by astrocyte j
        # ("block" pool), E->I by one astrocyte drawn at random; I synapses by none (they keep
        # the tripartite state, as in example 6, but no astrocyte).
        exc.astrocyte_index = f"int(j < {n_e}) * j + int(j >= {n_e}) * int(floor(rand() * {n_a}))"
        to_astro = Synapses(exc, astro, "Y_S_post = weight_in * Y_S_pre : mmolar (summed)",
                            dt=10 * ms, namespace=ns)
        to_astro.connect(j="astrocyte_index_pre")
        to_syn = Synapses(astro, exc, "G_A_post = G_A_pre : mmolar (summed)", namespace=ns)
        to_syn.connect("i == astrocyte_index_post")
        # Gap junctions: ring, 2 neighbours on either side (coupling = { rule = "ring", neighbours = 2 }).
        gap = Synapses(astro, astro, """
            delta_I = I_post - I_pre : mmolar
            J_coupling_post = -F / 2 * (1 + tanh((abs(delta_I) - I_Theta) / omega_I))
                              * sign(delta_I) : mmolar/second (summed)
        """, dt=10 * ms, namespace=ns)
        gap.connect(j=f"(i + k + {n_a}) % {n_a} for k in range(-2, 3) if k != 0")
        objects += [exc, inh, to_astro, to_syn, gap]
    return neurons, {"exc": (0, n_e), "inh": (n_e, n_e + n_i)}, objects


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("network", choices=["coba", "neuron_glia"])
    parser.add_argument("--neurons", type=int, default=4000, help="COBA size (default 4000)")
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--method", default="euler", help="COBA integrator (Brian's example: euler)")
    parser.add_argument("--delay-ms", type=float, default=0.1,
                        help="COBA synaptic delay (coba.toml: 0.1 ms)")
    parser.add_argument("--no-synapses", action="store_true")
    parser.add_argument("--spikes", help="save spike trains to this .npz")
    parser.add_argument("--directory", help="build directory (default: a temporary one)")
    args = parser.parse_args()

    directory = args.directory or tempfile.mkdtemp(prefix="brian_bench_")
    set_device("cpp_standalone", directory=directory, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0  # one thread, no OpenMP
    prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, "-c", RUSAGE_WRAPPER]
    defaultclock.dt = 0.1 * ms
    seed(args.seed)
    ns = {}
    build = coba if args.network == "coba" else neuron_glia
    neurons, populations, objects = build(args, ns)
    spikes = SpikeMonitor(neurons)
    # An explicit Network: run()'s magic collection would miss the objects held in lists.
    Network(objects + [spikes]).run(args.duration * second)

    t0 = time.time()
    device.build(directory=directory, compile=True, run=False, with_output=False)
    compile_s = time.time() - t0
    device.run(directory, False, [])
    rss_bytes, binary_wall_s = open(os.path.join(directory, "results", "rusage.txt")).read().split()

    i = spikes.i[:]
    t = spikes.t[:] / second
    synapses = sum(len(o) for o in objects if isinstance(o, Synapses) and o.target is neurons)
    result = dict(
        simulator="brian2", network=args.network, neurons=len(neurons), duration_s=args.duration,
        loop_s=device._last_run_time, binary_wall_s=float(binary_wall_s), compile_s=compile_s,
        peak_rss_bytes=int(rss_bytes), synapses=synapses,
        spikes={name: int(((i >= a) & (i < b)).sum()) for name, (a, b) in populations.items()})
    if args.spikes:
        import numpy as np
        pop = np.zeros(len(i), dtype="U8")
        for name, (a, b) in populations.items():
            pop[(i >= a) & (i < b)] = name
        offsets = np.array([populations[p][0] for p in pop], dtype=np.int64)
        np.savez(args.spikes, i=i - offsets, t=t, pop=pop)
    print(json.dumps(result))
    if not args.directory:
        subprocess.run(["rm", "-rf", directory], check=False)


if __name__ == "__main__":
    main()
