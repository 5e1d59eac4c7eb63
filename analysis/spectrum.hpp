// SPDX-License-Identifier: MIT
#pragma once

#include <span>
#include <vector>

namespace gliasim::analysis {

struct Spectrum {
    std::vector<double> frequency_hz;
    std::vector<double> power; // arbitrary units (mean periodogram), same length
};

// Welch's estimate of the power spectrum of a signal sampled every `bin_ms`: Hann-windowed
// segments of `segment` samples (a power of two; the largest one that fits when the signal is
// shorter) with 50% overlap, the mean of each segment removed. Empty for fewer than 16 samples.
Spectrum welch_spectrum(std::span<const double> signal, double bin_ms, std::size_t segment = 4096);

// The frequency [Hz] of the largest power at or above `min_hz` (slow drifts and the DC
// remainder below it are ignored). NaN for an empty or flat spectrum.
double peak_frequency(const Spectrum& s, double min_hz);

} // namespace gliasim::analysis
