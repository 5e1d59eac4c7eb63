// SPDX-License-Identifier: MIT
// Tsodyks-Markram short-term plasticity (the form of Stimberg et al. 2019, section 2.2):
// between spikes u decays to 0 with tau_fac and x recovers to 1 with tau_rec, exactly; at a
// spike u <- u + U (1 - u), r = u x, x <- x - r, and the synapse transmits weight x r.
// With projection-wide parameters the state depends only on the presynaptic spike train, so
// it is kept once per source neuron and advanced once per spike (not per synapse, not per step).
#include <cmath>
#include <limits>

#include "builtin.hpp"

namespace gliasim::models {

namespace {

enum Param { U, tau_rec, tau_fac };
enum Var { u_state, x_state };

class TsodyksMarkram final : public Transmission {
public:
    explicit TsodyksMarkram(const TransmissionSetup& s)
        : u0_(s.params[U]), tau_rec_(s.params[tau_rec]), tau_fac_(s.params[tau_fac]), dt_(s.dt),
          u_(s.n_source, 0.0), x_(s.n_source, 1.0), last_(s.n_source, -1) {}

    void on_spikes(std::span<const Spike> spikes, std::vector<double>& factor) override {
        factor.resize(spikes.size());
        for (std::size_t k = 0; k < spikes.size(); ++k) {
            const index_t i = spikes[k].index;
            if (last_[i] >= 0) {
                const double elapsed = static_cast<double>(spikes[k].step - last_[i]) * dt_;
                u_[i] = tau_fac_ > 0 ? u_[i] * std::exp(-elapsed / tau_fac_) : 0.0;
                x_[i] = 1.0 - (1.0 - x_[i]) * std::exp(-elapsed / tau_rec_);
            }
            u_[i] += u0_ * (1.0 - u_[i]);
            const double r = u_[i] * x_[i];
            x_[i] -= r;
            last_[i] = spikes[k].step;
            factor[k] = r;
        }
    }

    std::span<const double> state(std::size_t var) const override {
        return var == u_state ? std::span<const double>(u_) : std::span<const double>(x_);
    }

private:
    double u0_, tau_rec_, tau_fac_, dt_;
    std::vector<double> u_, x_; // just after the source's last spike
    std::vector<step_t> last_;
};

} // namespace

ModelInfo tsodyks_markram_info() {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    ModelInfo m;
    m.name = "tsodyks_markram";
    m.kind = ModelKind::synapse;
    m.doc = "short-term depression/facilitation: weight x u x per spike (Tsodyks & Markram 1997)";
    m.params = {
        {"U", Dim::dimensionless, 0.5, 0, 1,
         "utilisation increment per spike (resting release probability)", true},
        {"tau_rec", Dim::time, 800.0, 0, kInf, "recovery time constant of resources x", true},
        {"tau_fac", Dim::time, 0.0, 0, kInf, "decay time constant of utilisation u (0: none)"},
    };
    m.state = {
        {"u", Dim::dimensionless, "utilisation just after the last spike"},
        {"x", Dim::dimensionless, "available resources just after the last spike"},
    };
    m.make_transmission = [](const TransmissionSetup& s) {
        return std::make_unique<TsodyksMarkram>(s);
    };
    return m;
}

} // namespace gliasim::models
