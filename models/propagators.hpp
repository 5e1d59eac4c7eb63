// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>

namespace gliasim::models {

// Exact propagators of the linear system  dV/dt = -V/tau_m + I/C,  dI/dt = -I/tau_s
// over one step h (Rotter & Diesmann 1999). Units: ms, pF, pA, mV.

// Contribution of a current I(0) that decays with tau_s to V(h), per pA.
inline double propagator_current_to_voltage(double tau_s, double tau_m, double c_m, double h) {
    const double delta = 1.0 / tau_m - 1.0 / tau_s;
    const double x = h * delta;
    // (exp(-h/tau_s) - exp(-h/tau_m)) / delta, written stably for tau_s close to tau_m.
    const double ratio = std::abs(x) < 1e-12 ? 1.0 : std::expm1(x) / x;
    return std::exp(-h / tau_m) * h * ratio / c_m;
}

// Contribution of a constant current over the step to V(h), per pA.
inline double propagator_constant_current(double tau_m, double c_m, double h) {
    return -tau_m / c_m * std::expm1(-h / tau_m);
}

// Contribution to V(h) of the derivative state y(0) of an alpha-shaped current (I' = y - I/tau_s,
// y' = -y/tau_s, so y(0) alone gives I(t) = y(0) t exp(-t/tau_s)), per pA/ms:
// exp(-h/tau_m) / C * integral_0^h s exp(s (1/tau_m - 1/tau_s)) ds.
inline double propagator_alpha_slope_to_voltage(double tau_s, double tau_m, double c_m, double h) {
    const double x = h * (1.0 / tau_m - 1.0 / tau_s);
    // integral / h^2 = (e^x (x - 1) + 1) / x^2 = sum_k x^k / (k! (k + 2)); the series near
    // x = 0 (equal time constants), where the closed form cancels.
    double scaled;
    if (std::abs(x) < 0.1) {
        scaled = 0.0;
        double term = 1.0; // x^k / k!
        for (int k = 0; k < 10; ++k) {
            scaled += term / (k + 2);
            term *= x / (k + 1);
        }
    } else {
        const double em1 = std::expm1(x);
        scaled = (x * em1 + x - em1) / (x * x);
    }
    return std::exp(-h / tau_m) * h * h * scaled / c_m;
}

} // namespace gliasim::models
