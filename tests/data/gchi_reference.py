#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# An independent reference trace for astrocyte_gchi (tests/models/test_gchi_reference.cpp):
# the G-ChI equations as published (De Pitta et al. 2009; Stimberg et al. 2019, section 2.2,
# example 2 parameters), integrated with classical RK4 at a fixed 0.1 ms step in plain Python,
# for the protocol of experiments/astro_gchi.toml: one synapse releasing glutamate
# (Y += rho_c Y_T = 500 uM) every 2 s from 2 s, cleared at Omega_c = 40/s. gliasim applies a
# spike's glutamate after integrating the 1 ms update interval in which it arrives (spike at
# 2 s + 0.1 ms delay -> the interval ending at 2.001 s), so the jumps here are at 2.001 s,
# 4.001 s, ... Writes t [s], Gamma_A, IP3 [uM], Ca [uM], h every 10 ms for 30 s.
#   python3 tests/data/gchi_reference.py > tests/data/gchi_example2_reference.dat
import math
import sys

# Stimberg et al. (2019), example 2 (rates per second, concentrations in uM).
O_P, K_P, C_T, rho_A = 0.9, 0.1, 2.0, 0.18
Omega_C, Omega_L = 6.0, 0.1
d_1, d_2, O_2, d_3, d_5 = 0.13, 1.05, 0.2, 0.9434, 0.08
O_beta, O_N, Omega_N, K_KC, zeta = 5.0, 0.3, 0.5, 0.5, 10.0
O_delta, kappa_delta, K_delta = 0.2, 1.5, 0.3
Omega_5P, K_D, K_3K, O_3K = 0.1, 0.5, 1.0, 4.5
F_ex, I_bias, I_theta, omega_I = 0.09, 0.0, 0.3, 0.05
Omega_c, glutamate_per_spike = 40.0, 0.001 * 500000.0


def rhs(s):
    gamma_a, ip3, ca, h, y = s
    d_gamma = O_N * y * (1 - gamma_a) - Omega_N * (1 + zeta * ca / (ca + K_KC)) * gamma_a
    j_beta = O_beta * gamma_a
    j_delta = O_delta * kappa_delta / (kappa_delta + ip3) * ca**2 / (ca**2 + K_delta**2)
    j_3k = O_3K * ca**4 / (ca**4 + K_D**4) * ip3 / (ip3 + K_3K)
    j_5p = Omega_5P * ip3
    delta = ip3 - I_bias
    j_ex = 0.0
    if delta != 0:
        j_ex = -F_ex / 2 * (1 + math.tanh((abs(delta) - I_theta) / omega_I)) * math.copysign(1, delta)
    m_inf = ip3 / (ip3 + d_1) * ca / (ca + d_5)
    er = C_T - (1 + rho_A) * ca
    j_r = Omega_C * m_inf**3 * h**3 * er
    j_l = Omega_L * er
    j_p = O_P * ca**2 / (ca**2 + K_P**2)
    q_2 = d_2 * (ip3 + d_1) / (ip3 + d_3)
    h_inf = q_2 / (q_2 + ca)
    tau_h = 1 / (O_2 * (q_2 + ca))
    return (d_gamma, j_beta + j_delta - j_3k - j_5p + j_ex, j_r + j_l - j_p, (h_inf - h) / tau_h,
            -Omega_c * y)


def rk4(s, step):
    def add(a, b, f):
        return tuple(x + f * k for x, k in zip(a, b))
    k1 = rhs(s)
    k2 = rhs(add(s, k1, step / 2))
    k3 = rhs(add(s, k2, step / 2))
    k4 = rhs(add(s, k3, step))
    return tuple(x + step / 6 * (a + 2 * b + 2 * c + d) for x, a, b, c, d in zip(s, k1, k2, k3, k4))


def main():
    step = 1e-4                      # s
    steps_per_ms = 10
    state = (0.0, 0.0, 0.0, 0.9, 0.0)  # Gamma_A, IP3, Ca, h, Y
    out = sys.stdout
    out.write("# G-ChI, Stimberg et al. 2019 example 2, RK4 at 0.1 ms (tests/data/gchi_reference.py)\n")
    out.write("# t_s Gamma_A IP3_uM Ca_uM h\n")
    out.write(f"{0:.3f} {state[0]:.9g} {state[1]:.9g} {state[2]:.9g} {state[3]:.9g}\n")
    for ms in range(1, 30001):
        for _ in range(steps_per_ms):
            state = rk4(state, step)
        if ms % 2000 == 1 and ms > 1:  # 2001 ms, 4001 ms, ...: this interval's spike
            state = state[:4] + (state[4] + glutamate_per_spike,)
        if ms % 10 == 0:
            out.write(f"{ms / 1000:.3f} {state[0]:.9g} {state[1]:.9g} {state[2]:.9g} {state[3]:.9g}\n")


if __name__ == "__main__":
    main()
