// SPDX-License-Identifier: MIT
#pragma once

// A memory time constant from a score-against-delay curve (accuracy or r^2 against the delay D
// in items): the least-squares fit of
//     y(D) = b + A exp(-D / tau)
// with the baseline b either fixed (the task's chance level: the curve must fall to chance, so
// only A and tau are free) or free. For a given tau the model is linear in A (and b), solved in
// closed form; tau itself is found by a 1-D search: a log-spaced grid of 400 values over
// [1e-3, 1e3] x the largest delay, then golden-section refinement of log tau between the grid
// neighbours of the best point. The fit is "resolved" only when A > 0 and the best tau lies
// strictly inside the grid: a flat curve (no decay seen, tau -> infinity) or one that is already
// at its baseline at the first delay (tau -> 0) has no measurable time constant, and the tasks
// then report NaN rather than a grid edge.

#include <span>

namespace gliasim::tasks {

struct DecayFit {
    double tau = 0;       // in the unit of the delays
    double amplitude = 0; // A
    double baseline = 0;  // b (the given one when fixed)
    double rss = 0;       // residual sum of squares
    bool resolved = false;
};

// delays and values: equally long, NaN values (and their delays) are skipped. Needs at least 2
// usable points with b fixed, 3 with b free (otherwise resolved = false). Delays >= 0.
DecayFit fit_exponential_decay(std::span<const double> delays, std::span<const double> values,
                               double fixed_baseline);
DecayFit fit_exponential_decay_free_baseline(std::span<const double> delays,
                                             std::span<const double> values);

// tau of the fit with the baseline fixed at `chance`, NaN when not resolved.
double memory_tau(std::span<const double> delays, std::span<const double> values, double chance);

} // namespace gliasim::tasks
