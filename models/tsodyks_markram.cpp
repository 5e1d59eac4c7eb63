// SPDX-License-Identifier: MIT
// Tsodyks-Markram short-term plasticity (the form of Stimberg et al. 2019, section 2.2):
// between spikes u decays to 0 with tau_fac and x recovers to 1 with tau_rec, exactly; at a
// spike u <- u + U (1 - u), r = u x, x <- x - r, and the synapse transmits weight x r.
// With projection-wide parameters the state depends only on the presynaptic spike train, so
// it is kept once per source neuron and advanced once per spike (not per synapse, not per step).
#include <cmath>
#include <limits>

#include "builtin.hpp"
#include "core/projection.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define TSODYKS_MARKRAM_PARAMS(X)                                                                  \
    X(U, .dim = Dim::dimensionless, .value = 0.5, .min = 0, .max = 1, .min_exclusive = true,       \
      .doc = "utilisation increment per spike (resting release probability)")                      \
    X(tau_rec, .dim = Dim::time, .value = 800.0, .min = 0, .min_exclusive = true,                  \
      .doc = "recovery time constant of resources x")                                              \
    X(tau_fac, .dim = Dim::time, .value = 0.0, .min = 0,                                           \
      .doc = "decay time constant of utilisation u (0: none)")                                     \
    X(alpha, .dim = Dim::dimensionless, .value = 0.0, .min = 0, .max = 1,                          \
      .doc = "release probability at full gliotransmitter binding (gliotransmission)")
GLIASIM_PARAMS(TSODYKS_MARKRAM_PARAMS);

#define TSODYKS_MARKRAM_STATE(X)                                                                   \
    X(u, .dim = Dim::dimensionless, .doc = "utilisation just after the last spike")                \
    X(x, .dim = Dim::dimensionless, .doc = "available resources just after the last spike")
GLIASIM_STATE(TSODYKS_MARKRAM_STATE);

class TsodyksMarkram final : public Transmission {
public:
    explicit TsodyksMarkram(const TransmissionSetup& s)
        : u0_(s.params[U]), tau_rec_(s.params[tau_rec]), tau_fac_(s.params[tau_fac]),
          alpha_(s.params[alpha]), dt_(s.dt), modulated_(s.modulated), u_(s.n_source, 0.0),
          x_(s.n_source, 1.0), last_(s.n_source, -1) {}

    // Unmodulated: advance the per-source state, one release factor per spike. Modulated: only
    // note each spike's previous spike time; the synapses advance their own state on delivery.
    void on_spikes(std::span<const Spike> spikes, std::vector<double>& factor) override {
        factor.resize(spikes.size());
        if (modulated_) {
            previous_.resize(spikes.size());
            for (std::size_t k = 0; k < spikes.size(); ++k) {
                previous_[k] = last_[spikes[k].index];
                last_[spikes[k].index] = spikes[k].step;
            }
            return;
        }
        for (std::size_t k = 0; k < spikes.size(); ++k) {
            const index_t i = spikes[k].index;
            if (last_[i] >= 0)
                relax(u_[i], x_[i], static_cast<double>(spikes[k].step - last_[i]) * dt_);
            factor[k] = release(u_[i], x_[i], u0_);
            last_[i] = spikes[k].step;
        }
    }

    bool delivers() const override { return modulated_; }

    std::size_t bytes() const override {
        std::size_t b =
            (u_.capacity() + x_.capacity()) * sizeof(double) + last_.capacity() * sizeof(step_t);
        for (const auto& v : edge_u_) b += v.capacity() * sizeof(float);
        for (const auto& v : edge_x_) b += v.capacity() * sizeof(float);
        return b;
    }

    // `previous_` lives within a slice only.
    void archive(StateArchive& a) override {
        a.io("u", u_);
        a.io("x", x_);
        a.io("last_spike", last_);
        for (std::size_t p = 0; p < edge_u_.size(); ++p) {
            a.io("synapse_u/" + std::to_string(p), edge_u_[p]);
            a.io("synapse_x/" + std::to_string(p), edge_x_[p]);
        }
    }

    void bind(Projection& projection, const double* modulator) override {
        modulator_ = modulator;
        if (!modulated_) return;
        edge_u_.resize(projection.parts());
        edge_x_.resize(projection.parts());
        for (std::size_t p = 0; p < projection.parts(); ++p) {
            edge_u_[p].assign(projection.part(p).size, 0.0f);
            edge_x_[p].assign(projection.part(p).size, 1.0f);
        }
    }

    // Gliotransmission (Stimberg et al. 2019, section 2.3): the release probability of each
    // synapse is U = (1 - Gamma_S) U0 + alpha Gamma_S, with Gamma_S of its covering astrocyte
    // (its tag); untagged synapses use U0.
    std::uint64_t deliver(const Delivery& d) override {
        const Projection::PartView v = d.projection.part(d.part);
        const std::size_t part = d.part;
        const auto spikes = d.pre;
        InputRing& ring = d.ring;
        float* u = edge_u_[part].data();
        float* x = edge_x_[part].data();
        const std::size_t receptor = d.projection.receptor();
        std::uint64_t events = 0;
        for (std::size_t k = 0; k < spikes.size(); ++k) {
            const Spike& s = spikes[k];
            const bool first = previous_[k] < 0;
            const double elapsed = first ? 0.0 : static_cast<double>(s.step - previous_[k]) * dt_;
            const double decay_u = tau_fac_ > 0 ? std::exp(-elapsed / tau_fac_) : 0.0;
            const double decay_x = std::exp(-elapsed / tau_rec_);
            const std::uint32_t begin = v.rows[s.index], end = v.rows[s.index + 1];
            for (std::uint32_t e = begin; e < end; ++e) {
                // Computed in double, stored in float (see edge_u_).
                double ue = u[e], xe = x[e];
                if (!first) {
                    ue *= decay_u;
                    xe = 1.0 - (1.0 - xe) * decay_x;
                }
                const double gamma =
                    v.tag && v.tag[e] != kNoTag && modulator_ ? modulator_[v.tag[e]] : 0.0;
                const double r = release(ue, xe, (1.0 - gamma) * u0_ + alpha_ * gamma);
                u[e] = static_cast<float>(ue);
                x[e] = static_cast<float>(xe);
                ring.add(receptor, s.step + (v.delay ? v.delay[e] : v.const_delay), v.cols[e],
                         v.weight[e] * r);
            }
            events += end - begin;
        }
        return events;
    }

    std::span<const double> state(std::size_t var) const override {
        switch (static_cast<Var::Id>(var)) {
        case Var::u:
            return u_;
        case Var::x:
            return x_;
        }
        throw_unknown_state("tsodyks_markram", var);
    }

private:
    void relax(double& u, double& x, double elapsed) const {
        u = tau_fac_ > 0 ? u * std::exp(-elapsed / tau_fac_) : 0.0;
        x = 1.0 - (1.0 - x) * std::exp(-elapsed / tau_rec_);
    }
    static double release(double& u, double& x, double u_increment) {
        u += u_increment * (1.0 - u);
        const double r = u * x;
        x -= r;
        return r;
    }

    double u0_, tau_rec_, tau_fac_, alpha_, dt_;
    bool modulated_;
    std::vector<double> u_, x_; // per source, just after its last spike (unmodulated)
    std::vector<step_t> last_;
    std::vector<step_t> previous_; // per spike of the slice (modulated)
    // Per part, per synapse (modulated). Float halves the largest per-synapse cost of a
    // tripartite network: u and x lie in [0, 1], each spike's update is computed in double and
    // rounded once (relative error <= 6e-8), and the dynamics contract (u decays to 0, x
    // recovers to 1), so rounding errors do not accumulate across spikes.
    std::vector<std::vector<float>> edge_u_, edge_x_;
    const double* modulator_ = nullptr;
};

} // namespace

ModelInfo tsodyks_markram_info() {
    return ModelInfo{
        .name = "tsodyks_markram",
        .doc = "short-term depression/facilitation: weight x u x per spike (Tsodyks & Markram "
               "1997)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .role = SynapseModel{.make_transmission = [](const TransmissionSetup& s) {
            return std::make_unique<TsodyksMarkram>(s);
        }}};
}

} // namespace gliasim::models
