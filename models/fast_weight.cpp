// SPDX-License-Identifier: MIT
// The astromorphic fast-weight synapse (Kozachkov, Kastanenka & Krotov 2023; Mia, Bal &
// Sengupta 2023) and, with normaliser = "none" and rho < 1, the Hebbian working memory of BDH
// (Kosowski et al. 2025). Each synapse j -> i carries a fast Hebbian state H next to its static
// weight w; one astrocyte per projection integrates the presynaptic activity of every line j
// into g_j and divides the read-out by n(t) = sum_j g_j x_j(t).
//
// Time is cut into token windows of `window` ms (window index = step / window_steps). Within a
// window the synapse counts presynaptic spikes c_j and postsynaptic spikes c_i. When a learning
// window closes, H <- rho H + eta f (f = 1 or c_j c_i where c_j > 0 and c_i > 0) and
// g <- rho g + [c_j > 0] (or c_j); every further learning window that passes without events
// multiplies both by rho once more. A presynaptic spike of j at step t transmits
// w H / (epsilon + n(t)) through each of its synapses (w H with normaliser = "none"), with the
// H and g of the windows before t's window: a window's update is applied once, before any
// spike of a later window is transmitted.
//
// The trace x_j jumps by 1/tau_n (tau_n in ms) at each spike of j and decays with tau_n, so
// that it estimates j's rate in spikes per ms: for a query held at rate r on each active line,
// the charge delivered to target i per ms approaches w sum_j H_ij x_j / sum_j g_j x_j, the
// linear-attention read-out times w, independent of r.
//
// Windows close lazily, at the first event of a later window or at the end of a slice. Every
// part sees every presynaptic and postsynaptic spike of the slice, so all parts close windows
// at the same points and the state does not depend on the number of threads. H is kept as
// H = scale * h per part, so that a decay costs one multiplication, not one per synapse.
#include <algorithm>
#include <cmath>
#include <limits>

#include "builtin.hpp"
#include "core/projection.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

enum Coincidence { binary, pairs };
enum Normaliser { astrocyte, none };

#define FAST_WEIGHT_PARAMS(X)                                                                      \
    X(eta, .dim = Dim::dimensionless, .value = 1.0, .min = 0,                                      \
      .doc = "increment of H per coincidence")                                                     \
    X(window, .dim = Dim::time, .value = 20.0, .min = 0, .min_exclusive = true,                    \
      .doc = "length of a token window")                                                           \
    X(rho, .dim = Dim::dimensionless, .value = 1.0, .min = 0, .max = 1,                            \
      .doc = "decay of H and g per learning window")                                               \
    X(coincidence, .dim = Dim::dimensionless, .value = binary, .min = 0, .max = 1,                 \
      .choices = {"binary", "pairs"},                                                              \
      .doc = "binary: H += eta when pre and post both spiked in a window; pairs: eta c_j c_i")     \
    X(normaliser, .dim = Dim::dimensionless, .value = astrocyte, .min = 0, .max = 1,               \
      .choices = {"astrocyte", "none"},                                                            \
      .doc = "astrocyte: divide the read-out by epsilon + n(t); none: transmit w H")               \
    X(tau_n, .dim = Dim::time, .value = 10.0, .min = 0, .min_exclusive = true,                     \
      .doc = "time constant of the presynaptic traces x_j that n(t) = sum g_j x_j reads")          \
    X(epsilon, .dim = Dim::dimensionless, .value = 1e-3, .min = 0,                                 \
      .doc = "floor of the normaliser, in the unit of n (count x spikes per ms)")                  \
    X(learn_from, .dim = Dim::time, .value = 0.0, .min = 0,                                        \
      .doc = "windows starting from this time learn")                                              \
    X(learn_until, .dim = Dim::time, .value = -1.0,                                                \
      .doc = "windows starting before this time learn (negative: for ever)")
GLIASIM_PARAMS(FAST_WEIGHT_PARAMS);

#define FAST_WEIGHT_STATE(X)                                                                       \
    X(g, .dim = Dim::dimensionless,                                                                \
      .doc = "the astrocyte's integrated presynaptic activity per source line (windows)")
GLIASIM_STATE(FAST_WEIGHT_STATE);

// Below this scale the per-synapse h are multiplied out, so that eta / scale cannot overflow.
constexpr double kRescaleBelow = 0x1p-256;

// Which windows learn: the contiguous range [lo, hi) of windows whose start lies in
// [learn_from, learn_until).
struct WindowClock {
    step_t steps = 1; // steps per window
    std::int64_t lo = 0;
    std::int64_t hi = std::numeric_limits<std::int64_t>::max();

    std::int64_t of(step_t step) const { return step / steps; }
    bool learns(std::int64_t w) const { return w >= lo && w < hi; }
    // Learning windows in [a, b).
    std::int64_t learning_in(std::int64_t a, std::int64_t b) const {
        return std::max<std::int64_t>(0, std::min(b, hi) - std::max(a, lo));
    }
};

// Spike counts of the open window, with the list of non-zero entries for a cheap reset.
struct Counts {
    std::vector<std::uint32_t> c;
    std::vector<index_t> active; // in order of first spike

    void init(std::size_t n) {
        c.assign(n, 0);
        active.clear();
        active.reserve(n);
    }
    void add(index_t i) {
        if (c[i]++ == 0) active.push_back(i);
    }
    void clear() {
        for (index_t i : active) c[i] = 0;
        active.clear();
    }
    std::size_t bytes() const {
        return c.capacity() * sizeof(std::uint32_t) + active.capacity() * sizeof(index_t);
    }
    void archive(StateArchive& a) {
        a.io("counts", c);
        a.io_resizable("active", active);
        // The non-zero entries, each once: clear() writes c[i] for each of them.
        if (!a.loading()) return;
        if (active.size() > c.size())
            throw CheckpointMismatch("'" + a.where("active") +
                                     "' lists more entries than there are counts");
        const auto n = static_cast<index_t>(c.size());
        if (n > 0)
            a.require_within<index_t>("active", active, 0, n - 1);
        else if (!active.empty())
            throw CheckpointMismatch("'" + a.where("active") +
                                     "' lists entries where there are no counts");
        const auto nonzero = std::count_if(c.begin(), c.end(), [](auto x) { return x != 0; });
        for (index_t i : active)
            if (c[i] == 0)
                throw CheckpointMismatch("'" + a.where("active") +
                                         "' lists an entry whose count is zero");
        if (static_cast<std::size_t>(nonzero) != active.size())
            throw CheckpointMismatch("'" + a.where("active") +
                                     "' does not list every non-zero count once");
    }
};

// One thread's synapses: written by that thread only.
struct alignas(64) PartState {
    std::vector<double> h; // H / scale, per synapse
    double scale = 1.0;
    std::int64_t open = 0; // the window whose counts are being gathered
    Counts pre;            // by source (every part counts every presynaptic spike)
    Counts post;           // by target (only the part's own targets)
};

class FastWeight final : public Transmission {
public:
    explicit FastWeight(const TransmissionSetup& s)
        : eta_(s.params[eta]), rho_(s.params[rho]),
          pairs_(static_cast<int>(s.params[coincidence]) == pairs),
          normalise_(static_cast<int>(s.params[normaliser]) == astrocyte),
          epsilon_(s.params[epsilon]), jump_(1.0 / s.params[tau_n]),
          decay_rate_(s.dt / s.params[tau_n]), n_target_(s.n_target), g_(s.n_source, 0.0),
          x_(s.n_source, 0.0), last_(s.n_source, 0) {
        clock_.steps = std::max<step_t>(1, std::llround(s.params[window] / s.dt));
        const auto from = std::max<step_t>(0, std::llround(s.params[learn_from] / s.dt));
        clock_.lo = (from + clock_.steps - 1) / clock_.steps;
        if (s.params[learn_until] >= 0) {
            const auto until = std::max<step_t>(0, std::llround(s.params[learn_until] / s.dt));
            clock_.hi = (until + clock_.steps - 1) / clock_.steps;
        }
        counts_.init(s.n_source);
    }

    // Serial, in spike order: the astrocyte. Closes its windows, advances the traces and n(t),
    // and gives each spike its read-out gain 1 / (epsilon + n(t)); spikes of one step share
    // the n that includes all of them.
    void on_spikes(std::span<const Spike> spikes, std::vector<double>& factor) override {
        gain_.resize(spikes.size());
        std::size_t k = 0;
        while (k < spikes.size()) {
            const step_t step = spikes[k].step;
            const std::int64_t w = clock_.of(step);
            if (w > open_) close_astrocyte(w, step);
            advance_n(step);
            const bool learning = clock_.learns(w);
            std::size_t end = k;
            for (; end < spikes.size() && spikes[end].step == step; ++end) {
                const index_t j = spikes[end].index;
                x_[j] = trace_at(j, step) + jump_;
                last_[j] = step;
                n_ += g_[j] * jump_;
                if (learning) counts_.add(j);
            }
            const double gain = normalise_ ? 1.0 / (epsilon_ + n_) : 1.0;
            std::fill(gain_.begin() + static_cast<std::ptrdiff_t>(k),
                      gain_.begin() + static_cast<std::ptrdiff_t>(end), gain);
            k = end;
        }
        factor.assign(gain_.begin(), gain_.end());
    }

    bool delivers() const override { return true; }

    void bind(Projection& projection, const double* modulator) override {
        (void)modulator;
        parts_.clear();
        parts_.resize(projection.parts());
        for (std::size_t p = 0; p < parts_.size(); ++p) {
            parts_[p].h.assign(projection.part(p).size, 0.0);
            parts_[p].pre.init(g_.size());
            parts_[p].post.init(n_target_);
        }
    }

    std::size_t bytes() const override {
        std::size_t b = (g_.capacity() + x_.capacity() + gain_.capacity()) * sizeof(double) +
                        last_.capacity() * sizeof(step_t) + counts_.bytes() +
                        parts_.capacity() * sizeof(PartState);
        for (const auto& p : parts_)
            b += p.h.capacity() * sizeof(double) + p.pre.bytes() + p.post.bytes();
        return b;
    }

    // One sweep through the slice in time order (postsynaptic first at a tie; both only count
    // towards the same window). Every part walks every spike, so that windows close at the
    // same points in all parts.
    std::uint64_t deliver(const Delivery& d) override {
        PartState& P = parts_[d.part];
        const Projection::PartView v = d.projection.part(d.part);
        const std::size_t receptor = d.projection.receptor();
        std::uint64_t events = 0;
        std::size_t a = 0, b = 0;
        while (a < d.pre.size() || b < d.post.size()) {
            const bool post =
                b < d.post.size() && (a == d.pre.size() || d.post[b].step <= d.pre[a].step);
            const Spike s = post ? d.post[b] : d.pre[a];
            const std::int64_t w = clock_.of(s.step);
            if (w > P.open) close_part(P, v, w);
            if (post) {
                if (clock_.learns(w) && d.targets.contains(s.index)) P.post.add(s.index);
                ++b;
                continue;
            }
            if (clock_.learns(w)) P.pre.add(s.index);
            const double c = P.scale * gain_[a];
            const std::uint32_t begin = v.rows[s.index], end = v.rows[s.index + 1];
            for (std::uint32_t e = begin; e < end; ++e)
                if (P.h[e] != 0.0)
                    d.ring.add(receptor, s.step + (v.delay ? v.delay[e] : v.const_delay), v.cols[e],
                               static_cast<double>(v.weight[e]) * P.h[e] * c);
            events += end - begin;
            ++a;
        }
        // Windows that ended with the slice close now, so that the state is current between
        // slices (and at the end of the run).
        const std::int64_t w_end = clock_.of(d.slice_end);
        if (w_end > P.open) close_part(P, v, w_end);
        // The astrocyte's own state is serial; part 0's thread alone touches it here (no
        // other thread reads it during delivery, and on_spikes runs only between them).
        if (d.part == 0 && w_end > open_) close_astrocyte(w_end, d.slice_end);
        return events;
    }

    // Traces, n(t) and the counts of the open window go back to rest; H and g, the memory,
    // stay.
    void reset_activity() override {
        std::fill(x_.begin(), x_.end(), 0.0);
        n_ = 0.0;
        counts_.clear();
        for (auto& p : parts_) {
            p.pre.clear();
            p.post.clear();
        }
    }

    std::span<const double> state(std::size_t var) const override {
        if (var != Var::g) throw_unknown_state("fast_weight", var);
        return g_;
    }

    // `gain_` lives within a slice only.
    void archive(StateArchive& a) override {
        a.io("g", g_);
        a.io("trace", x_);
        a.io("last_spike", last_);
        a.scalar("n", n_);
        a.scalar("n_step", n_step_);
        a.scalar("open_window", open_);
        {
            const auto s = a.scope("astrocyte_counts");
            counts_.archive(a);
        }
        for (std::size_t p = 0; p < parts_.size(); ++p) {
            const auto s = a.scope("part/" + std::to_string(p));
            PartState& P = parts_[p];
            a.io("h", P.h);
            a.scalar("scale", P.scale);
            a.scalar("open_window", P.open);
            {
                const auto pre = a.scope("pre");
                P.pre.archive(a);
            }
            const auto post = a.scope("post");
            P.post.archive(a);
        }
    }

private:
    double trace_at(index_t j, step_t step) const {
        return x_[j] == 0.0 ? 0.0
                            : x_[j] * std::exp(-static_cast<double>(step - last_[j]) * decay_rate_);
    }
    void advance_n(step_t step) {
        if (step != n_step_ && n_ != 0.0)
            n_ *= std::exp(-static_cast<double>(step - n_step_) * decay_rate_);
        n_step_ = step;
    }

    // Closes window open_ (and the empty windows up to w_new) for the astrocyte, at `step`:
    // g <- rho^m (rho g + inc) with m the empty learning windows after it; n(t) follows.
    void close_astrocyte(std::int64_t w_new, step_t step) {
        const bool learned = clock_.learns(open_);
        const std::int64_t m = clock_.learning_in(open_ + 1, w_new);
        open_ = w_new;
        if (!learned && m == 0) return;
        advance_n(step);
        const double decay = std::pow(rho_, static_cast<double>((learned ? 1 : 0) + m));
        if (decay != 1.0) {
            for (double& g : g_) g *= decay;
            n_ *= decay;
        }
        const double after = std::pow(rho_, static_cast<double>(m));
        for (index_t j : counts_.active) {
            const double inc = (pairs_ ? static_cast<double>(counts_.c[j]) : 1.0) * after;
            g_[j] += inc;
            n_ += inc * trace_at(j, step);
        }
        counts_.clear();
    }

    // The same for one part's H: H <- rho^m (rho H + eta f).
    void close_part(PartState& P, const Projection::PartView& v, std::int64_t w_new) {
        const bool learned = clock_.learns(P.open);
        const std::int64_t m = clock_.learning_in(P.open + 1, w_new);
        P.open = w_new;
        if (!learned && m == 0) return;
        if (rho_ != 1.0) {
            P.scale *= std::pow(rho_, static_cast<double>((learned ? 1 : 0) + m));
            if (P.scale < kRescaleBelow) {
                if (P.scale == 0.0)
                    std::fill(P.h.begin(), P.h.end(), 0.0);
                else
                    for (double& h : P.h) h *= P.scale;
                P.scale = 1.0;
            }
        }
        if (!P.pre.active.empty() && !P.post.active.empty()) {
            const double inc = eta_ * std::pow(rho_, static_cast<double>(m)) / P.scale;
            for (index_t j : P.pre.active) {
                const double cj = static_cast<double>(P.pre.c[j]);
                for (std::uint32_t e = v.rows[j]; e < v.rows[j + 1]; ++e) {
                    const std::uint32_t ci = P.post.c[v.cols[e]];
                    if (ci == 0) continue;
                    P.h[e] += pairs_ ? inc * (cj * static_cast<double>(ci)) : inc;
                }
            }
        }
        P.pre.clear();
        P.post.clear();
    }

    double eta_, rho_;
    bool pairs_, normalise_;
    double epsilon_, jump_, decay_rate_;
    index_t n_target_;
    WindowClock clock_;

    // The astrocyte (serial): g and the traces per source line, n(t) = sum_j g_j x_j(t).
    std::vector<double> g_;
    std::vector<double> x_;    // just after the last spike of j
    std::vector<step_t> last_; // step of that spike
    double n_ = 0.0;           // at step n_step_
    step_t n_step_ = 0;
    std::int64_t open_ = 0;    // the astrocyte's open window
    Counts counts_;            // its presynaptic counts
    std::vector<double> gain_; // per spike of the slice: 1 / (epsilon + n)

    std::vector<PartState> parts_;
};

} // namespace

ModelInfo fast_weight_info() {
    return ModelInfo{
        .name = "fast_weight",
        .doc = "astromorphic fast-weight synapse: Hebbian H per token window, read out as w H / "
               "(epsilon + n(t)) with an astrocyte normaliser (Kozachkov et al. 2023; BDH)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .check = [](const ParamValues& p) -> std::optional<std::string> {
            if (p[learn_until] >= 0 && p[learn_until] < p[learn_from])
                return "learn_until must be negative (for ever) or at least learn_from";
            return std::nullopt;
        },
        .role = SynapseModel{
            .make_transmission =
                [](const TransmissionSetup& s) { return std::make_unique<FastWeight>(s); },
            .plastic = true}}; // H learns from pre and post spikes
}

} // namespace gliasim::models
