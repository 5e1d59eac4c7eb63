// SPDX-License-Identifier: MIT
#include "spectrum.hpp"

#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <unsupported/Eigen/FFT>

namespace gliasim::analysis {

Spectrum welch_spectrum(std::span<const double> signal, double bin_ms, std::size_t segment) {
    Spectrum s;
    if (signal.size() < 16) return s;
    while (segment > signal.size()) segment /= 2;
    std::vector<double> window(segment);
    for (std::size_t i = 0; i < segment; ++i)
        window[i] = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) /
                                         static_cast<double>(segment));
    const std::size_t bins = segment / 2 + 1;
    s.power.assign(bins, 0.0);
    s.frequency_hz.resize(bins);
    for (std::size_t k = 0; k < bins; ++k)
        s.frequency_hz[k] = static_cast<double>(k) / (static_cast<double>(segment) * bin_ms * 1e-3);

    Eigen::FFT<double> fft;
    std::vector<double> piece(segment);
    std::vector<std::complex<double>> out;
    std::size_t segments = 0;
    for (std::size_t start = 0; start + segment <= signal.size(); start += segment / 2) {
        double m = 0;
        for (std::size_t i = 0; i < segment; ++i) m += signal[start + i];
        m /= static_cast<double>(segment);
        for (std::size_t i = 0; i < segment; ++i) piece[i] = (signal[start + i] - m) * window[i];
        fft.fwd(out, piece);
        for (std::size_t k = 0; k < bins; ++k) s.power[k] += std::norm(out[k]);
        ++segments;
    }
    for (double& p : s.power) p /= static_cast<double>(segments);
    return s;
}

double peak_frequency(const Spectrum& s, double min_hz) {
    double best = 0, at = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t k = 0; k < s.power.size(); ++k)
        if (s.frequency_hz[k] >= min_hz && s.power[k] > best)
            best = s.power[k], at = s.frequency_hz[k];
    return at;
}

} // namespace gliasim::analysis
