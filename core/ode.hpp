// SPDX-License-Identifier: MIT
#pragma once

// Adaptive Dormand-Prince 5(4) integration for the small ODE systems of slow models
// (astrocytes). Per-entity and allocation-free: the state is a std::array, the step size
// carries over between calls (as NEST carries its GSL step), and the error norm is the usual
// mixed absolute/relative one (Hairer, Norsett & Wanner, Solving ODEs I, II.4).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

namespace gliasim {

struct OdeTolerance {
    double abs = 1e-9;
    double rel = 1e-9;
};

// One accepted adaptive step of y' = f(y) (autonomous) from t towards t_end: on return t has
// advanced by the step taken (never past t_end) and h holds the proposed next step. Returns
// false if the step size underflowed or the state became NaN.
template <std::size_t N, typename Rhs>
bool dopri5_step(std::array<double, N>& y, double& t, double t_end, double& h,
                 const OdeTolerance& tol, Rhs&& f) {
    using State = std::array<double, N>;
    constexpr double a21 = 1.0 / 5;
    constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
    constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
    constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                     a54 = -212.0 / 729;
    constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                     a65 = -5103.0 / 18656;
    constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784,
                     b6 = 11.0 / 84;
    // Error coefficients: 5th-order minus embedded 4th-order weights.
    constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920,
                     e5 = -17253.0 / 339200, e6 = 22.0 / 525, e7 = -1.0 / 40;

    State k1, k2, k3, k4, k5, k6, k7, tmp, y_new;
    const double span = t_end - t;
    if (!(h > 0)) h = span;
    f(y, k1);
    while (true) {
        const bool last = h >= span * (1 - 1e-12);
        const double step = last ? span : h;
        for (std::size_t i = 0; i < N; ++i) tmp[i] = y[i] + step * a21 * k1[i];
        f(tmp, k2);
        for (std::size_t i = 0; i < N; ++i) tmp[i] = y[i] + step * (a31 * k1[i] + a32 * k2[i]);
        f(tmp, k3);
        for (std::size_t i = 0; i < N; ++i)
            tmp[i] = y[i] + step * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
        f(tmp, k4);
        for (std::size_t i = 0; i < N; ++i)
            tmp[i] = y[i] + step * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
        f(tmp, k5);
        for (std::size_t i = 0; i < N; ++i)
            tmp[i] =
                y[i] + step * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
        f(tmp, k6);
        for (std::size_t i = 0; i < N; ++i)
            y_new[i] =
                y[i] + step * (b1 * k1[i] + b3 * k3[i] + b4 * k4[i] + b5 * k5[i] + b6 * k6[i]);
        f(y_new, k7);
        double err = 0;
        for (std::size_t i = 0; i < N; ++i) {
            const double e = step * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] +
                                     e6 * k6[i] + e7 * k7[i]);
            const double scale = tol.abs + tol.rel * std::max(std::abs(y[i]), std::abs(y_new[i]));
            err = std::max(err, std::abs(e) / scale);
        }
        if (std::isnan(err)) return false;
        if (err > 1.0) {
            h = step * std::max(0.2, 0.9 * std::pow(err, -0.2));
            if (h < span * 1e-14 && h < 1e-14) return false;
            continue;
        }
        t = last ? t_end : t + step;
        y = y_new;
        const double grow = err == 0 ? 5.0 : std::min(5.0, 0.9 * std::pow(err, -0.2));
        // A step shortened to land on t_end says nothing about the natural step size.
        h = last ? std::max(h, step * grow) : step * grow;
        return true;
    }
}

// Integrates y' = f(y) over a span of length `span`, starting with step `h` (updated to carry
// over into the next call, as NEST carries its GSL step). Returns false on a numerical failure.
template <std::size_t N, typename Rhs>
bool integrate_dopri5(std::array<double, N>& y, double span, double& h, const OdeTolerance& tol,
                      Rhs&& f) {
    double t = 0;
    while (t < span)
        if (!dopri5_step(y, t, span, h, tol, f)) return false;
    return true;
}

} // namespace gliasim
