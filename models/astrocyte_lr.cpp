// SPDX-License-Identifier: MIT
// Li-Rinzel astrocyte with the semantics of NEST's astrocyte_lr_1994: IP3, cytosolic Ca2+ and
// the IP3-receptor gate h; glutamatergic spikes raise IP3 by delta_IP3 x weight after the
// step's integration; a current input enters dCa/dt; Ca is clamped to [0, Ca_tot]; the slow
// inward current SIC_scale * ln((Ca - SIC_th) in nM) (when that argument exceeds 1) is the
// continuous output sent to neurons through `sic` projections.
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "builtin.hpp"
#include "core/ode.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define LR_PARAMS(X)                                                                               \
    X(Ca_tot, .dim = Dim::concentration, .value = 2.0, .min = 0, .min_exclusive = true,            \
      .doc = "total free Ca2+ per cytosolic volume")                                               \
    X(IP3_0, .dim = Dim::concentration, .value = 0.16, .min = 0, .doc = "IP3 baseline")            \
    X(Kd_IP3_1, .dim = Dim::concentration, .value = 0.13, .min = 0, .min_exclusive = true,         \
      .doc = "first IP3R dissociation constant of IP3")                                            \
    X(Kd_IP3_2, .dim = Dim::concentration, .value = 0.9434, .min = 0, .min_exclusive = true,       \
      .doc = "second IP3R dissociation constant of IP3")                                           \
    X(Kd_act, .dim = Dim::concentration, .value = 0.08234, .min = 0, .min_exclusive = true,        \
      .doc = "IP3R dissociation constant of Ca2+ activation")                                      \
    X(Kd_inh, .dim = Dim::concentration, .value = 1.049, .min = 0,                                 \
      .doc = "IP3R dissociation constant of Ca2+ inhibition")                                      \
    X(Km_SERCA, .dim = Dim::concentration, .value = 0.1, .min = 0, .min_exclusive = true,          \
      .doc = "half-activation constant of the SERCA pump")                                         \
    X(SIC_scale, .dim = Dim::dimensionless, .value = 1.0, .min = 0, .min_exclusive = true,         \
      .doc = "scale of the SIC output [pA]")                                                       \
    X(SIC_th, .dim = Dim::concentration, .value = 0.19669, .min = 0,                               \
      .doc = "Ca2+ threshold of the SIC")                                                          \
    X(delta_IP3, .dim = Dim::concentration, .value = 0.0002, .min = 0,                             \
      .doc = "IP3 increment per unit of synaptic weight")                                          \
    X(k_IP3R, .dim = Dim::dimensionless, .value = 0.0002, .min = 0,                                \
      .doc = "IP3R binding constant of Ca2+ inhibition [1/(uM ms)]")                               \
    X(rate_IP3R, .dim = Dim::dimensionless, .value = 0.006, .min = 0,                              \
      .doc = "maximal Ca2+ release rate of the IP3R [1/ms]")                                       \
    X(rate_L, .dim = Dim::dimensionless, .value = 0.00011, .min = 0,                               \
      .doc = "ER-to-cytosol leak rate constant [1/ms]")                                            \
    X(rate_SERCA, .dim = Dim::dimensionless, .value = 0.0009, .min = 0,                            \
      .doc = "maximal SERCA uptake rate [uM/ms]")                                                  \
    X(ratio_ER_cyt, .dim = Dim::dimensionless, .value = 0.185, .min = 0, .min_exclusive = true,    \
      .doc = "ER to cytosol volume ratio")                                                         \
    X(tau_IP3, .dim = Dim::time, .value = 7142.0, .min = 0, .min_exclusive = true,                 \
      .doc = "IP3 decay time constant")                                                            \
    X(update_interval, .dim = Dim::time, .value = 0.1, .min = 0, .max = 1e5,                       \
      .min_exclusive = true,                                                                       \
      .doc = "time between ODE updates (a multiple of dt; NEST: every step)")                      \
    X(ode_abs_tol, .dim = Dim::dimensionless, .value = 1e-10, .min = 0, .max = 1,                  \
      .min_exclusive = true,                                                                       \
      .doc = "absolute tolerance of the adaptive Dormand-Prince integrator [uM]")                  \
    X(ode_rel_tol, .dim = Dim::dimensionless, .value = 1e-9, .min = 0, .max = 1,                   \
      .min_exclusive = true, .doc = "relative tolerance of the integrator")
GLIASIM_PARAMS(LR_PARAMS);

#define LR_STATE(X)                                                                                \
    X(IP3, .dim = Dim::concentration, .doc = "cytosolic IP3")                                      \
    X(Ca_astro, .dim = Dim::concentration, .doc = "cytosolic Ca2+")                                \
    X(h_IP3R, .dim = Dim::dimensionless,                                                           \
      .doc = "fraction of IP3 receptors not inactivated by Ca2+")                                  \
    X(SIC, .dim = Dim::current, .doc = "slow inward current sent to neurons")
GLIASIM_STATE(LR_STATE);

struct LiRinzel {
    double ca_tot, ip3_0, kd1, kd2, kd_act, kd_inh, km_serca, k_ip3r, rate_ip3r, rate_l, rate_serca,
        ratio, tau_ip3;
    double j_noise = 0; // [uM/ms] current input into dCa/dt

    // y = (IP3, Ca, h) [uM, uM, 1]; time in ms.
    void operator()(const std::array<double, 3>& y, std::array<double, 3>& dy) const {
        const double ip3 = y[0];
        const double ca = std::min(std::max(y[1], 0.0), ca_tot);
        const double h = y[2];
        const double ca_er = (ca_tot - ca) / ratio;
        const double m_inf = ip3 / (ip3 + kd1);
        const double n_inf = ca / (ca + kd_act);
        const double mnh = m_inf * n_inf * h;
        const double j_channel = ratio * rate_ip3r * mnh * mnh * mnh * (ca_er - ca);
        const double j_leak = ratio * rate_l * (ca_er - ca);
        const double j_pump = rate_serca * ca * ca / (km_serca * km_serca + ca * ca);
        const double alpha_h = k_ip3r * kd_inh * (ip3 + kd1) / (ip3 + kd2);
        const double beta_h = k_ip3r * ca;
        dy[0] = (ip3_0 - ip3) / tau_ip3;
        dy[1] = j_channel - j_pump + j_leak + j_noise;
        dy[2] = alpha_h * (1.0 - h) - beta_h * h;
    }
};

class AstrocyteLr final : public Population {
public:
    explicit AstrocyteLr(const PopulationSetup& s)
        : Population(s, 1), ip3_(s.size, s.params[IP3_0]), ca_(s.size, 0.073), h_(s.size, 0.793),
          sic_(s.size, 0.0), j_syn_(s.size, 0.0), h_ode_(s.size, 0.0) {
        const auto& p = s.params;
        rhs_ = LiRinzel{p[Ca_tot],     p[IP3_0],        p[Kd_IP3_1], p[Kd_IP3_2],  p[Kd_act],
                        p[Kd_inh],     p[Km_SERCA],     p[k_IP3R],   p[rate_IP3R], p[rate_L],
                        p[rate_SERCA], p[ratio_ER_cyt], p[tau_IP3]};
        delta_ip3_ = p[delta_IP3];
        sic_scale_ = p[SIC_scale];
        sic_th_ = p[SIC_th];
        interval_ = std::max<step_t>(1, std::llround(p[update_interval] / s.dt));
        tol_ = {p[ode_abs_tol], p[ode_rel_tol]};
    }

    void prepare() override {
        for (index_t i = 0; i < size_; ++i) sic_[i] = sic_of(ca_[i]);
    }

    // Every step: collect this step's spike weights. Every `update_interval`: integrate the
    // interval, clamp Ca, apply the collected IP3 jumps, recompute the SIC. The output rows carry
    // the SIC's changes, only in the steps where it can change (see output_changes_at).
    void update(step_t step, IndexRange r, std::vector<Spike>&) override {
        double* in = ring_.slot(0, step);
        for (index_t i = r.begin; i < r.end; ++i) {
            j_syn_[i] += in[i];
            in[i] = 0;
        }
        if (!output_changes_at(step)) return;
        const bool integrate = (step + 1) % interval_ == 0;
        const double span = static_cast<double>(interval_) * dt_;
        double* out = output_row(step);
        for (index_t i = r.begin; i < r.end; ++i) {
            // Step 0 sends the initial level; later updates send what changed.
            const double before = step == 0 ? 0.0 : sic_[i];
            if (integrate) {
                std::array<double, 3> y{ip3_[i], ca_[i], h_[i]};
                LiRinzel f = rhs_;
                f.j_noise = stim_current_[i];
                if (!integrate_dopri5(y, span, h_ode_[i], tol_, f))
                    throw std::runtime_error(fmt::format(
                        "astrocyte_lr population '{}', astrocyte {}: the ODE step size "
                        "underflowed at t = {} ms (state IP3 = {}, Ca = {}, h = {})",
                        name_, i, static_cast<double>(step + 1) * dt_, y[0], y[1], y[2]));
                ip3_[i] = y[0] + delta_ip3_ * j_syn_[i];
                ca_[i] = std::min(std::max(y[1], 0.0), rhs_.ca_tot);
                h_[i] = y[2];
                j_syn_[i] = 0;
                sic_[i] = sic_of(ca_[i]);
            }
            out[i] = sic_[i] - before;
        }
    }

    bool output_changes_at(step_t step) const override {
        return step == 0 || (step + 1) % interval_ == 0;
    }

    std::uint64_t slow_updates(step_t steps) const override {
        return static_cast<std::uint64_t>(size_) * static_cast<std::uint64_t>(steps / interval_);
    }

    void archive_extra(StateArchive& a) override {
        a.io("synaptic_input", j_syn_);
        a.io("ode_step", h_ode_);
    }

    std::span<double> state(std::size_t var) override {
        switch (static_cast<Var::Id>(var)) {
        case Var::IP3:
            return ip3_;
        case Var::Ca_astro:
            return ca_;
        case Var::h_IP3R:
            return h_;
        case Var::SIC:
            return sic_;
        }
        throw_unknown_state("astrocyte_lr", var);
    }

private:
    double sic_of(double ca) const {
        const double y = (ca - sic_th_) * 1000.0; // in nM
        return y > 1.0 ? sic_scale_ * std::log(y) : 0.0;
    }

    std::vector<double> ip3_, ca_, h_, sic_, j_syn_, h_ode_;
    LiRinzel rhs_{};
    double delta_ip3_, sic_scale_, sic_th_;
    step_t interval_;
    OdeTolerance tol_;
};

} // namespace

ModelInfo astrocyte_lr_info() {
    return ModelInfo{
        .name = "astrocyte_lr",
        .doc = "Li-Rinzel astrocyte: IP3, Ca2+, IP3R gate; SIC output (NEST astrocyte_lr_1994)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .role = AstrocyteModel{
            .make_population =
                [](const PopulationSetup& s) { return std::make_unique<AstrocyteLr>(s); },
            .input = {.receptors = {"glutamate"},
                      .weight_dim = Dim::dimensionless,
                      .weights_non_negative = true},
            .output = {.name = "SIC", .dim = Dim::current}}};
}

} // namespace gliasim::models
