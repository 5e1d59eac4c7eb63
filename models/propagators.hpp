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

} // namespace gliasim::models
