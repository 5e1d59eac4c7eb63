// SPDX-License-Identifier: MIT
// AM-SU: astrocyte-modulated spiking unit (after Shen et al. 2023, "AstroSNN"). A discrete-time
// leaky integrate-and-fire unit whose drive, threshold or input gain is modulated by a slow
// astrocyte variable c, private to the unit or shared by a domain of D consecutive units.
// The paper's equations were not available: this is the reconstructed template family of
// shared/models/astro-models.md section A, with the form of the modulation as a parameter.
//
// Per step n (one step = dt), with c⁻ the astrocyte value after step n-1:
//   I      = input slot of this step + I_e
//   u      = beta u (1 - s_prev) + I + k c⁻          (mode current)
//          = beta u (1 - s_prev) + I                 (mode threshold; theta = theta0 + k c⁻)
//          = beta u (1 - s_prev) + I (1 + k c⁻)      (mode gain)
//   s      = u >= theta
//   c      = alpha c⁻ + gamma (spikes of the domain in step n) + gamma_in (sum of I over it)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>

#include "builtin.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

enum Mode { current, threshold, gain };

#define AMSU_PARAMS(X)                                                                             \
    X(tau_m, .dim = Dim::time, .value = 20.0, .min = 0, .min_exclusive = true,                     \
      .doc = "membrane time constant (beta = exp(-dt/tau_m))")                                     \
    X(tau_a, .dim = Dim::time, .value = 500.0, .min = 0, .min_exclusive = true,                    \
      .doc = "astrocyte time constant (alpha = exp(-dt/tau_a))")                                   \
    X(theta0, .dim = Dim::dimensionless, .value = 1.0, .doc = "base threshold")                    \
    X(mode, .dim = Dim::dimensionless, .value = threshold, .min = 0, .max = 2,                     \
      .choices = {"current", "threshold", "gain"},                                                 \
      .doc = "what the astrocyte modulates: current (adds k c to u), threshold "                   \
             "(theta = theta0 + k c), gain (input scaled by 1 + k c)")                             \
    X(k, .dim = Dim::dimensionless, .value = 0.1, .doc = "astrocyte coupling (any sign)")          \
    X(gamma, .dim = Dim::dimensionless, .value = 0.05, .min = 0,                                   \
      .doc = "astrocyte increment per spike of its domain")                                        \
    X(gamma_in, .dim = Dim::dimensionless, .value = 0.0, .min = 0,                                 \
      .doc = "astrocyte increment per unit of input to its domain")                                \
    X(domain_size, .dim = Dim::dimensionless, .value = 1.0, .min = 1, .max = 4294967295.0,         \
      .doc = "units per astrocyte (1: private); the population size must be a multiple of it")     \
    X(I_e, .dim = Dim::dimensionless, .value = 0.0, .doc = "constant input added every step")
GLIASIM_PARAMS(AMSU_PARAMS);

#define AMSU_STATE(X)                                                                              \
    X(u, .dim = Dim::dimensionless, .doc = "membrane variable")                                    \
    X(c, .dim = Dim::dimensionless, .doc = "astrocyte variable (equal within a domain)")           \
    X(theta, .dim = Dim::dimensionless, .doc = "effective threshold of the last step")
GLIASIM_STATE(AMSU_STATE);

// Domains and threads.
//
// A domain's astrocyte needs the spikes and inputs of all D members in the same step, so a
// domain must be updated by one thread. The model says so through grain() = D: the kernel
// starts every thread's index range of this population at a multiple of grain() (see
// partition_range in core/network.cpp), so each update(step, range, spikes) call owns whole
// domains. The stimuli that write the input slots and the recorders that sample the state use
// the same ranges, so everything a call reads and writes belongs to its own thread: there is no
// synchronisation between threads. Each call sums a domain's spikes and inputs in index order,
// so the astrocyte value does not depend on the number of threads. Calling update() on a range
// that cuts a domain is an error (std::logic_error).
//
// A private astrocyte (D = 1) is updated in the unit's own loop (vectorisable); shared ones
// domain by domain, with the sums accumulated while the members are integrated.
class Amsu final : public Population {
public:
    explicit Amsu(const PopulationSetup& s)
        : Population(s, 1), u_(s.size, 0.0), c_(s.size, 0.0), theta_(s.size, s.params[theta0]),
          spiked_(s.size, 0.0) {
        const auto& p = s.params;
        domain_ = static_cast<index_t>(p[domain_size]);
        if (domain_ == 0 || s.size % domain_ != 0)
            throw std::invalid_argument(fmt::format(
                "population '{}' (model amsu): size {} is not a multiple of domain_size {}", s.name,
                s.size, domain_));
        beta_ = std::exp(-s.dt / p[tau_m]);
        alpha_ = std::exp(-s.dt / p[tau_a]);
        theta0_ = p[theta0];
        mode_ = static_cast<Mode>(static_cast<int>(p[mode]));
        k_ = p[k];
        gamma_ = p[gamma];
        gamma_in_ = p[gamma_in];
        i_e_ = p[I_e];
    }

    void bind_modulator(std::span<const double> values) override {
        external_ = values;
        block_ = size_ / static_cast<index_t>(values.size());
    }

    // Thread ranges hold whole domains.
    index_t grain() const override { return domain_; }
    // A per-sample reset starts every unit afresh: no reset factor from the step before.
    void on_reset() override { std::fill(spiked_.begin(), spiked_.end(), 0.0); }

    // A domain's astrocyte starts from the initial c of its first unit; theta from that c.
    void prepare() override {
        for (index_t b = 0; b < size_; b += domain_)
            for (index_t j = b + 1; j < b + domain_; ++j) c_[j] = c_[b];
        for (index_t i = 0; i < size_; ++i)
            theta_[i] = mode_ == threshold ? theta0_ + k_ * c_[i] : theta0_;
    }

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        if (r.begin >= r.end) return;
        if (r.begin % domain_ != 0 || r.end % domain_ != 0) [[unlikely]]
            cut_domain(r);
        double* in = ring_.slot(0, step);
        if (!external_.empty()) {
            switch (mode_) {
            case current:
                integrate_external<current>(r, in);
                break;
            case threshold:
                integrate_external<threshold>(r, in);
                break;
            case gain:
                integrate_external<gain>(r, in);
                break;
            }
        } else {
            switch (mode_) {
            case current:
                domain_ == 1 ? integrate_private<current>(r, in)
                             : integrate_domains<current>(r, in);
                break;
            case threshold:
                domain_ == 1 ? integrate_private<threshold>(r, in)
                             : integrate_domains<threshold>(r, in);
                break;
            case gain:
                domain_ == 1 ? integrate_private<gain>(r, in) : integrate_domains<gain>(r, in);
                break;
            }
        }
        const double* s = spiked_.data();
        for (index_t i = r.begin; i < r.end; ++i)
            if (s[i] != 0) spikes.push_back({step, i});
    }

    void archive_extra(StateArchive& a) override { a.io("spiked", spiked_); }

    std::span<double> state(std::size_t var) override {
        switch (static_cast<Var::Id>(var)) {
        case Var::u:
            return u_;
        case Var::c:
            return c_;
        case Var::theta:
            return theta_;
        }
        throw_unknown_state("amsu", var);
    }

private:
    // One unit over one step, from its input slot (cleared), c⁻ and its spike of the previous
    // step (overwritten by this step's); returns the drive I and sets s.
    template <Mode M> double unit(index_t i, double* in, double cm, double& s) {
        const double drive = in[i] + i_e_;
        in[i] = 0;
        const double leak = beta_ * u_[i] * (1.0 - spiked_[i]);
        double v, th = theta0_;
        if constexpr (M == current) {
            v = leak + drive + k_ * cm;
        } else if constexpr (M == threshold) {
            v = leak + drive;
            th = theta0_ + k_ * cm;
        } else {
            v = leak + drive * (1.0 + k_ * cm);
        }
        s = v >= th ? 1.0 : 0.0;
        u_[i] = v;
        theta_[i] = th;
        spiked_[i] = s;
        return drive;
    }

    // Private astrocytes (D = 1): each unit with its own c.
    template <Mode M> void integrate_private(IndexRange r, double* in) {
        double* c = c_.data();
#pragma omp simd
        for (index_t i = r.begin; i < r.end; ++i) {
            const double cm = c[i];
            double s;
            const double drive = unit<M>(i, in, cm, s);
            c[i] = alpha_ * cm + gamma_ * s + gamma_in_ * drive;
        }
    }

    // Shared astrocytes (D > 1): the whole domains of r, each summing its members' spikes and
    // inputs of the step in index order; every member reads c⁻ before the domain's c changes.
    template <Mode M> void integrate_domains(IndexRange r, double* in) {
        double* c = c_.data();
        for (index_t b = r.begin; b < r.end; b += domain_) {
            const index_t e = b + domain_;
            const double cm = c[b];
            double count = 0, sum = 0;
            for (index_t i = b; i < e; ++i) {
                double s;
                sum += unit<M>(i, in, cm, s);
                count += s;
            }
            const double cn = alpha_ * cm + gamma_ * count + gamma_in_ * sum;
            for (index_t i = b; i < e; ++i) c[i] = cn;
        }
    }

    // An external astrocyte (`modulator = "pop.var"`): c is its value, read from the copy taken
    // at the start of the segment; this model's own astrocyte is not used.
    template <Mode M> void integrate_external(IndexRange r, double* in) {
        for (index_t i = r.begin; i < r.end; ++i) {
            const double cm = external_[i / block_];
            double s;
            unit<M>(i, in, cm, s);
            c_[i] = cm;
        }
    }

    [[noreturn]] void cut_domain(IndexRange r) const {
        throw std::logic_error(fmt::format(
            "population '{}' (model amsu): update range [{}, {}) cuts a domain of {} units; "
            "ranges must start and end at multiples of grain()",
            name_, r.begin, r.end, domain_));
    }

    std::vector<double> u_, c_, theta_;
    std::vector<double> spiked_; // s of each unit in its last step (the reset factor)
    index_t domain_ = 1;
    std::span<const double> external_; // the modulator copy, when an external astrocyte is bound
    index_t block_ = 1;                // units per external astrocyte
    Mode mode_ = threshold;
    double beta_, alpha_, theta0_, k_, gamma_, gamma_in_, i_e_;
};

} // namespace

ModelInfo amsu_info() {
    return ModelInfo{
        .name = "amsu",
        .doc = "astrocyte-modulated spiking unit (AM-SU, reconstructed template): discrete-time "
               "LIF with a slow private or per-domain astrocyte variable",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .check = [](const ParamValues& p) -> std::optional<std::string> {
            if (p[domain_size] != std::floor(p[domain_size]))
                return fmt::format("domain_size ({}) must be a whole number", p[domain_size]);
            return std::nullopt;
        },
        .role = NeuronModel{
            .make_population = [](const PopulationSetup& s) { return std::make_unique<Amsu>(s); },
            .input = {.receptors = {"input"}, .weight_dim = Dim::dimensionless},
            // modulator = "pop.var": an external astrocyte instead of its own
            .reads_modulator = true}};
}

} // namespace gliasim::models
