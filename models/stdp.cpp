// SPDX-License-Identifier: MIT
// Pair-based spike-timing-dependent plasticity (Song, Miller & Abbott 2000; the trace form of
// Morrison, Diesmann & Gerstner 2008). Per neuron, not per synapse: a presynaptic trace x
// (tau_plus) and a postsynaptic trace y (tau_minus), each kept lazily as a value after the last
// spike. A postsynaptic spike potentiates every incoming synapse by A_plus x(t); a presynaptic
// spike depresses every outgoing synapse by A_minus y(t) and then transmits the new weight.
//
// Pairs are timed by emission: dt = t_post - t_pre, whatever the transmission delay (the
// discrete-time convention of NALSM; NEST shifts the window by the dendritic delay, Brian 2 by
// the axonal delay). At equal steps the presynaptic spike is taken first, so dt = 0 potentiates.
//
// A modulator (a slow state such as an astrocyte's, read when the spike is processed) scales
// the depression, the potentiation or both: NALSM's astrocyte *is* the depression rate.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "builtin.hpp"
#include "core/plasticity.hpp"
#include "core/projection.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

enum Dependence { additive, multiplicative };
enum Pairing { all_to_all, nearest };
enum Modulates { depression, potentiation, both };

#define STDP_PARAMS(X)                                                                             \
    X(tau_plus, .dim = Dim::time, .value = 20.0, .min = 0, .min_exclusive = true,                  \
      .doc = "time constant of the presynaptic trace")                                             \
    X(tau_minus, .dim = Dim::time, .value = 20.0, .min = 0, .min_exclusive = true,                 \
      .doc = "time constant of the postsynaptic trace")                                            \
    X(A_plus, .dim = Dim::dimensionless, .value = 0.01, .in_weight_unit = true,                    \
      .doc = "potentiation per pair, x exp(-dt/tau_plus) (weight unit)")                           \
    X(A_minus, .dim = Dim::dimensionless, .value = 0.0105, .in_weight_unit = true,                 \
      .doc = "depression per pair, x exp(-dt/tau_minus) (weight unit)")                            \
    X(w_min, .dim = Dim::dimensionless, .value = 0.0, .in_weight_unit = true,                      \
      .doc = "lower weight bound")                                                                 \
    X(w_max, .dim = Dim::dimensionless, .value = kInf, .in_weight_unit = true,                     \
      .doc = "upper weight bound")                                                                 \
    X(weight_dependence, .dim = Dim::dimensionless, .value = additive, .min = 0, .max = 1,         \
      .choices = {"additive", "multiplicative"},                                                   \
      .doc = "additive: fixed steps, clipped at the bounds; multiplicative: steps scale "          \
             "with the distance to the bound (soft bounds)")                                       \
    X(pairing, .dim = Dim::dimensionless, .value = all_to_all, .min = 0, .max = 1,                 \
      .choices = {"all_to_all", "nearest"},                                                        \
      .doc = "all_to_all: every earlier spike counts; nearest: only the latest one")               \
    X(modulates, .dim = Dim::dimensionless, .value = depression, .min = 0, .max = 2,               \
      .choices = {"depression", "potentiation", "both"},                                           \
      .doc = "what the projection's modulator scales (with `modulator = \"pop.var\"`)")            \
    X(learn_from, .dim = Dim::time, .value = 0.0, .min = 0,                                        \
      .doc = "weights change from this time on")                                                   \
    X(learn_until, .dim = Dim::time, .value = -1.0, .min = -1,                                     \
      .doc = "weights are frozen from this time on (-1: never)")
GLIASIM_PARAMS(STDP_PARAMS);

class Stdp final : public Transmission {
public:
    explicit Stdp(const TransmissionSetup& s)
        : a_plus_(s.params[A_plus]), a_minus_(s.params[A_minus]), w_min_(s.params[w_min]),
          w_max_(s.params[w_max]),
          multiplicative_(static_cast<int>(s.params[weight_dependence]) == multiplicative),
          nearest_(static_cast<int>(s.params[pairing]) == nearest), modulator_(s.modulator),
          n_source_(s.n_source), learn_from_(std::llround(s.params[learn_from] / s.dt)),
          learn_until_(s.params[learn_until] < 0 ? std::numeric_limits<step_t>::max()
                                                 : std::llround(s.params[learn_until] / s.dt)),
          decay_plus_(s.params[tau_plus], s.dt), decay_minus_(s.params[tau_minus], s.dt) {
        const auto m = static_cast<int>(s.params[modulates]);
        mod_depression_ = !modulator_.empty() && (m == depression || m == both);
        mod_potentiation_ = !modulator_.empty() && (m == potentiation || m == both);
        post_.assign(s.n_target);
        pre_.resize(s.threads);
        for (auto& p : pre_) p.assign(s.n_source);
    }

    void on_spikes(std::span<const Spike> spikes, std::vector<double>& factor) override {
        factor.assign(spikes.size(), 1.0);
    }
    bool delivers() const override { return true; }

    void bind(Projection& projection, const double*) override {
        incoming_.clear();
        for (std::size_t p = 0; p < projection.parts(); ++p) {
            incoming_.push_back(
                build_incoming(projection.part(p), n_source_, projection.part_targets(p)));
            // Weights start inside the bounds.
            for (float& w : projection.weights(p)) w = clip(w);
        }
    }

    std::size_t bytes() const override {
        std::size_t b = post_.bytes() + decay_plus_.bytes() + decay_minus_.bytes();
        for (const auto& p : pre_) b += p.bytes();
        for (const auto& in : incoming_) b += in.bytes();
        return b;
    }

    void reset_activity() override {
        post_.clear();
        for (auto& p : pre_) p.clear();
    }

    void archive(StateArchive& a) override {
        {
            const auto s = a.scope("post_trace");
            post_.archive(a);
        }
        for (std::size_t p = 0; p < pre_.size(); ++p) {
            const auto s = a.scope("pre_trace/" + std::to_string(p));
            pre_[p].archive(a);
        }
    }

    // One sweep through the slice in time order: presynaptic spikes (depress, transmit, bump x)
    // and this part's postsynaptic spikes (potentiate, bump y), presynaptic first at a tie.
    std::uint64_t deliver(const Delivery& d) override {
        const Projection::PartView v = d.projection.part(d.part);
        float* w = d.projection.weights(d.part).data();
        const IncomingIndex& in = incoming_[d.part];
        LazyTraces& pre = pre_[d.part];
        const std::size_t receptor = d.projection.receptor();
        std::uint64_t events = 0;
        std::size_t i = 0, j = 0;
        auto next_post = [&] {
            while (j < d.post.size() &&
                   (d.post[j].index < d.targets.begin || d.post[j].index >= d.targets.end))
                ++j;
        };
        next_post();
        while (i < d.pre.size() || j < d.post.size()) {
            if (i < d.pre.size() && (j >= d.post.size() || d.pre[i].step <= d.post[j].step)) {
                const Spike s = d.pre[i++];
                const bool learn = s.step >= learn_from_ && s.step < learn_until_;
                for (std::uint32_t e = v.rows[s.index]; e < v.rows[s.index + 1]; ++e) {
                    const index_t t = v.cols[e];
                    const double y = post_.at(t, s.step, decay_minus_);
                    if (learn && y != 0.0) {
                        const double a = a_minus_ * (mod_depression_ ? modulation(t) : 1.0);
                        w[e] = depress(w[e], a * y);
                    }
                    d.ring.add(receptor, s.step + (v.delay ? v.delay[e] : v.const_delay), t,
                               static_cast<double>(w[e]));
                }
                events += v.rows[s.index + 1] - v.rows[s.index];
                pre.spike(s.index, s.step, decay_plus_, nearest_);
            } else {
                const Spike s = d.post[j++];
                const std::size_t local = s.index - in.first;
                const bool learn = s.step >= learn_from_ && s.step < learn_until_;
                if (learn) { // post is filtered to the part's targets, so `local` is in range
                    const double a = a_plus_ * (mod_potentiation_ ? modulation(s.index) : 1.0);
                    for (std::uint32_t k = in.offsets[local]; k < in.offsets[local + 1]; ++k) {
                        const double x = pre.at(in.source[k], s.step, decay_plus_);
                        if (x != 0.0) w[in.edge[k]] = facilitate(w[in.edge[k]], a * x);
                    }
                }
                post_.spike(s.index, s.step, decay_minus_, nearest_);
                next_post();
            }
        }
        return events;
    }

    // No per-source state variables: every index is out of range.
    std::span<const double> state(std::size_t var) const override {
        throw_unknown_state("stdp", var);
    }

private:
    double modulation(index_t target) const {
        return modulator_.size() == 1 ? modulator_[0] : modulator_[target];
    }
    float clip(double w) const { return static_cast<float>(std::clamp(w, w_min_, w_max_)); }
    // Multiplicative (soft-bound) changes scale with the distance to the bound they approach.
    float facilitate(float w, double amount) const {
        const double wd = w;
        const double scale = multiplicative_ ? (w_max_ - wd) / (w_max_ - w_min_) : 1.0;
        return clip(wd + amount * scale);
    }
    float depress(float w, double amount) const {
        const double wd = w;
        const double scale = multiplicative_ ? (wd - w_min_) / (w_max_ - w_min_) : 1.0;
        return clip(wd - amount * scale);
    }

    double a_plus_, a_minus_, w_min_, w_max_;
    bool multiplicative_, nearest_;
    bool mod_depression_ = false, mod_potentiation_ = false;
    std::span<const double> modulator_;
    index_t n_source_;
    step_t learn_from_, learn_until_; // weights change for spikes in [from, until)
    DecayTable decay_plus_, decay_minus_;
    LazyTraces post_;                     // per target; each thread writes its own targets only
    std::vector<LazyTraces> pre_;         // per part: every thread follows all presynaptic spikes
    std::vector<IncomingIndex> incoming_; // per part
};

} // namespace

ModelInfo stdp_info() {
    return ModelInfo{
        .name = "stdp",
        .doc = "pair-based STDP (additive or multiplicative, all-to-all or nearest-spike), "
               "optionally modulated by a slow state such as an astrocyte's",
        .params = param_specs(kParams),
        .check = [](const ParamValues& v) -> std::optional<std::string> {
            if (v[w_min] > v[w_max])
                return fmt::format("w_min ({:g}) must not exceed w_max ({:g})", v[w_min], v[w_max]);
            if (static_cast<int>(v[weight_dependence]) == multiplicative &&
                !(std::isfinite(v[w_min]) && std::isfinite(v[w_max]) && v[w_max] > v[w_min]))
                return std::string("multiplicative STDP needs finite bounds with w_min < w_max");
            return std::nullopt;
        },
        .role =
            SynapseModel{.make_transmission =
                             [](const TransmissionSetup& s) { return std::make_unique<Stdp>(s); },
                         .plastic = true,
                         .reads_modulator = true}};
}

} // namespace gliasim::models
