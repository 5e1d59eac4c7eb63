// SPDX-License-Identifier: MIT
// G-ChI astrocyte (De Pitta et al. 2009) with metabotropic receptors and gliotransmitter
// release, as used by Stimberg et al. (2019): synaptic glutamate Y drives the receptor
// fraction Gamma_A, which drives PLC-beta IP3 production; Ca-dependent PLC-delta production,
// IP3-3K and IP-5P degradation; Li-Rinzel Ca-induced Ca release with SERCA uptake and ER leak.
// When Ca crosses C_theta upwards the astrocyte releases gliotransmitter (one release per
// crossing); each release is emitted as an event of the population (recorded like a spike).
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

#include "builtin.hpp"
#include "core/ode.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

// Defaults: Stimberg et al. example 2 (synaptically activated astrocyte); release parameters from
// examples 3, 4 and 6.
#define GCHI_PARAMS(X)                                                                             \
    X(O_P, .dim = Dim::dimensionless, .value = 0.9, .min = 0,                                      \
      .doc = "maximal SERCA uptake rate [uM/s]")                                                   \
    X(K_P, .dim = Dim::concentration, .value = 0.1, .min = 0, .min_exclusive = true,               \
      .doc = "SERCA Ca2+ affinity")                                                                \
    X(C_T, .dim = Dim::concentration, .value = 2.0, .min = 0, .min_exclusive = true,               \
      .doc = "total free Ca2+")                                                                    \
    X(rho_A, .dim = Dim::dimensionless, .value = 0.18, .min = 0, .min_exclusive = true,            \
      .doc = "ER to cytosol volume ratio")                                                         \
    X(Omega_C, .dim = Dim::frequency, .value = 6.0, .min = 0,                                      \
      .doc = "maximal Ca2+ release rate of the IP3R")                                              \
    X(Omega_L, .dim = Dim::frequency, .value = 0.1, .min = 0, .doc = "Ca2+ leak rate from the ER") \
    X(d_1, .dim = Dim::concentration, .value = 0.13, .min = 0, .min_exclusive = true,              \
      .doc = "IP3 binding affinity")                                                               \
    X(d_2, .dim = Dim::concentration, .value = 1.05, .min = 0, .min_exclusive = true,              \
      .doc = "Ca2+ inactivation dissociation constant")                                            \
    X(O_2, .dim = Dim::dimensionless, .value = 0.2, .min = 0, .min_exclusive = true,               \
      .doc = "IP3R Ca2+-inhibition binding rate [1/(uM s)]")                                       \
    X(d_3, .dim = Dim::concentration, .value = 0.9434, .min = 0, .min_exclusive = true,            \
      .doc = "IP3 dissociation constant")                                                          \
    X(d_5, .dim = Dim::concentration, .value = 0.08, .min = 0, .min_exclusive = true,              \
      .doc = "Ca2+ activation dissociation constant")                                              \
    X(O_beta, .dim = Dim::dimensionless, .value = 5.0, .min = 0,                                   \
      .doc = "maximal PLC-beta IP3 production [uM/s]")                                             \
    X(O_N, .dim = Dim::dimensionless, .value = 0.3, .min = 0,                                      \
      .doc = "agonist binding rate [1/(uM s)]")                                                    \
    X(Omega_N, .dim = Dim::frequency, .value = 0.5, .min = 0,                                      \
      .doc = "maximal receptor inactivation rate")                                                 \
    X(K_KC, .dim = Dim::concentration, .value = 0.5, .min = 0, .min_exclusive = true,              \
      .doc = "Ca2+ affinity of PKC")                                                               \
    X(zeta, .dim = Dim::dimensionless, .value = 10.0, .min = 0,                                    \
      .doc = "maximal reduction of receptor affinity by PKC")                                      \
    X(O_delta, .dim = Dim::dimensionless, .value = 0.2, .min = 0,                                  \
      .doc = "maximal PLC-delta IP3 production [uM/s]")                                            \
    X(kappa_delta, .dim = Dim::concentration, .value = 1.5, .min = 0, .min_exclusive = true,       \
      .doc = "inhibition constant of PLC-delta by IP3")                                            \
    X(K_delta, .dim = Dim::concentration, .value = 0.3, .min = 0, .min_exclusive = true,           \
      .doc = "Ca2+ affinity of PLC-delta")                                                         \
    X(Omega_5P, .dim = Dim::frequency, .value = 0.1, .min = 0,                                     \
      .doc = "maximal IP3 degradation rate by IP-5P")                                              \
    X(K_D, .dim = Dim::concentration, .value = 0.5, .min = 0, .min_exclusive = true,               \
      .doc = "Ca2+ affinity of IP3-3K")                                                            \
    X(K_3K, .dim = Dim::concentration, .value = 1.0, .min = 0, .min_exclusive = true,              \
      .doc = "IP3 affinity of IP3-3K")                                                             \
    X(O_3K, .dim = Dim::dimensionless, .value = 4.5, .min = 0,                                     \
      .doc = "maximal IP3 degradation rate by IP3-3K [uM/s]")                                      \
    X(F_ex, .dim = Dim::dimensionless, .value = 0.09, .min = 0,                                    \
      .doc = "maximal exogenous IP3 flow towards P_b [uM/s]")                                      \
    X(P_b, .dim = Dim::concentration, .value = 0.0, .min = 0,                                      \
      .doc = "IP3 level the exogenous flow pulls towards")                                         \
    X(P_theta, .dim = Dim::concentration, .value = 0.3, .min = 0,                                  \
      .doc = "IP3 gradient threshold of the exogenous flow")                                       \
    X(omega_P, .dim = Dim::concentration, .value = 0.05, .min = 0, .min_exclusive = true,          \
      .doc = "scale of the IP3 gradient threshold")                                                \
    X(C_theta, .dim = Dim::concentration, .value = 0.5, .min = 0,                                  \
      .doc = "Ca2+ threshold of gliotransmitter release")                                          \
    X(Omega_A, .dim = Dim::frequency, .value = 0.6, .min = 0,                                      \
      .doc = "gliotransmitter recycling rate")                                                     \
    X(U_A, .dim = Dim::dimensionless, .value = 0.6, .min = 0, .max = 1,                            \
      .doc = "gliotransmitter release probability")                                                \
    X(G_T, .dim = Dim::concentration, .value = 200000.0, .min = 0,                                 \
      .doc = "vesicular gliotransmitter concentration (200 mM)")                                   \
    X(rho_e, .dim = Dim::dimensionless, .value = 6.5e-4, .min = 0,                                 \
      .doc = "astrocytic vesicle to extracellular volume ratio")                                   \
    X(Omega_e, .dim = Dim::frequency, .value = 60.0, .min = 0,                                     \
      .doc = "gliotransmitter clearance rate")                                                     \
    X(rho_c, .dim = Dim::dimensionless, .value = 0.001, .min = 0,                                  \
      .doc = "synaptic vesicle to cleft volume ratio (glutamate input)")                           \
    X(Y_T, .dim = Dim::concentration, .value = 500000.0, .min = 0,                                 \
      .doc = "vesicular glutamate concentration (500 mM)")                                         \
    X(Omega_c, .dim = Dim::frequency, .value = 40.0, .min = 0, .doc = "glutamate clearance rate")  \
    X(F_gap, .dim = Dim::dimensionless, .value = 0.09, .min = 0,                                   \
      .doc = "gap-junction IP3 permeability (with a coupling) [uM/s]")                             \
    X(O_G, .dim = Dim::dimensionless, .value = 1.5, .min = 0,                                      \
      .doc = "gliotransmitter binding rate of presynaptic receptors [1/(uM s)]")                   \
    X(Omega_G, .dim = Dim::frequency, .value = 0.5 / 60, .min = 0,                                 \
      .doc = "gliotransmitter unbinding rate")                                                     \
    X(update_interval, .dim = Dim::time, .value = 1.0, .min = 0, .max = 1e5,                       \
      .min_exclusive = true, .doc = "time between ODE updates (a multiple of dt)")                 \
    X(ode_abs_tol, .dim = Dim::dimensionless, .value = 1e-9, .min = 0, .max = 1,                   \
      .min_exclusive = true, .doc = "absolute tolerance of the adaptive integrator [uM]")          \
    X(ode_rel_tol, .dim = Dim::dimensionless, .value = 1e-8, .min = 0, .max = 1,                   \
      .min_exclusive = true, .doc = "relative tolerance of the adaptive integrator")
GLIASIM_PARAMS(GCHI_PARAMS);

#define GCHI_STATE(X)                                                                              \
    X(Gamma_A, .dim = Dim::dimensionless,                                                          \
      .doc = "fraction of activated astrocytic metabotropic receptors")                            \
    X(IP3, .dim = Dim::concentration, .doc = "cytosolic IP3")                                      \
    X(Ca, .dim = Dim::concentration, .doc = "cytosolic Ca2+")                                      \
    X(h, .dim = Dim::dimensionless, .doc = "IP3R de-inactivation gate")                            \
    X(x_A, .dim = Dim::dimensionless, .doc = "fraction of gliotransmitter available for release")  \
    X(G, .dim = Dim::concentration, .doc = "extracellular gliotransmitter")                        \
    X(Y, .dim = Dim::concentration, .doc = "synaptic glutamate sensed by the astrocyte")           \
    X(Gamma_S, .dim = Dim::dimensionless,                                                          \
      .doc = "fraction of presynaptic receptors of its synapses bound by gliotransmitter")         \
    X(release, .dim = Dim::dimensionless,                                                          \
      .doc = "1 in the update that released gliotransmitter, else 0")
GLIASIM_STATE(GCHI_STATE);

// The variables integrated: all but `release`, which comes last.
constexpr int kOde = Var::release;

// y = (Gamma_A, P, C, h, x_A, G, Y, Gamma_S); concentrations in uM, time in ms (rates given per
// second are converted once, in the constructor).
struct Gchi {
    std::array<double, kParamCount> p{};
    double j_gap = 0; // [uM/ms] gap-junction IP3 flux, held over an update interval
    double kd4 = 0;   // K_D^4, precomputed

    void operator()(const std::array<double, kOde>& y, std::array<double, kOde>& dy) const {
        const double gamma = std::min(std::max(y[0], 0.0), 1.0);
        const double P = std::max(y[1], 0.0);
        const double C = std::max(y[2], 0.0);
        const double hh = y[3];
        const double Y = std::max(y[6], 0.0);
        dy[0] = p[O_N] * Y * (1 - gamma) - p[Omega_N] * (1 + p[zeta] * C / (C + p[K_KC])) * gamma;
        const double j_beta = p[O_beta] * gamma;
        const double j_delta =
            p[O_delta] / (1 + P / p[kappa_delta]) * C * C / (C * C + p[K_delta] * p[K_delta]);
        const double c4 = C * C * C * C;
        const double j_3k = p[O_3K] * c4 / (c4 + kd4) * P / (P + p[K_3K]);
        const double j_5p = p[Omega_5P] * P;
        double j_ext = 0;
        if (p[F_ex] > 0) {
            const double dp = P - p[P_b];
            if (dp != 0)
                j_ext = -p[F_ex] / 2 * (1 + std::tanh((std::abs(dp) - p[P_theta]) / p[omega_P])) *
                        (dp > 0 ? 1.0 : -1.0);
        }
        dy[1] = j_beta + j_delta - j_3k - j_5p + j_ext + j_gap;
        const double m_inf = P / (P + p[d_1]) * C / (C + p[d_5]);
        const double er = p[C_T] - (1 + p[rho_A]) * C;
        const double j_rel = p[Omega_C] * m_inf * m_inf * m_inf * hh * hh * hh * er;
        const double j_leak = p[Omega_L] * er;
        const double j_pump = p[O_P] * C * C / (C * C + p[K_P] * p[K_P]);
        dy[2] = j_rel + j_leak - j_pump;
        const double q2 = p[d_2] * (P + p[d_1]) / (P + p[d_3]);
        const double h_inf = q2 / (q2 + C);
        dy[3] = (h_inf - hh) * p[O_2] * (q2 + C);
        dy[4] = p[Omega_A] * (1 - y[4]);
        dy[5] = -p[Omega_e] * y[5];
        dy[6] = -p[Omega_c] * y[6];
        // Presynaptic receptors of the covered synapses bound by gliotransmitter (section 2.3):
        // one value per astrocyte, since all its synapses see the same G.
        dy[7] = p[O_G] * std::max(y[5], 0.0) * (1 - y[7]) - p[Omega_G] * y[7];
    }
};

class AstrocyteGchi final : public Population {
public:
    explicit AstrocyteGchi(const PopulationSetup& s)
        : Population(s, 1), state_(kOde, std::vector<double>(s.size, 0.0)), release_(s.size, 0.0),
          j_syn_(s.size, 0.0), armed_(s.size, 1), h_ode_(s.size, 0.0) {
        for (int k = 0; k < kParamCount; ++k) f_.p[k] = s.params[k];
        // Rates per second -> per millisecond.
        for (int k : {O_P, Omega_C, Omega_L, O_2, O_beta, O_N, Omega_N, O_delta, Omega_5P, O_3K,
                      F_ex, Omega_A, Omega_e, Omega_c, F_gap, O_G, Omega_G})
            f_.p[k] *= 1e-3;
        f_.kd4 = std::pow(s.params[K_D], 4);
        state_[Var::h].assign(s.size, 0.9);
        state_[Var::x_A].assign(s.size, 1.0);
        interval_ = std::max<step_t>(1, std::llround(s.params[update_interval] / s.dt));
        tol_ = {s.params[ode_abs_tol], s.params[ode_rel_tol]};
        glut_per_weight_ = s.params[rho_c] * s.params[Y_T];
        release_per_x_ = s.params[rho_e] * s.params[G_T] * s.params[U_A];
        nb_offsets_.push_back(0);
        // Gap-junction partners, drawn by the kernel from the population's `coupling`.
        if (const auto partners = s.inputs.find(kNeighboursInput))
            for (const auto& l : *partners) {
                nb_.insert(nb_.end(), l.begin(), l.end());
                nb_offsets_.push_back(nb_.size());
            }
    }

    // IP3 snapshots for gap junctions, double-buffered by update parity: update n reads the
    // IP3 of every cell after update n-1 and writes its own cells' new IP3 into the other
    // buffer, so threads never read what another thread is writing.
    void prepare() override {
        if (nb_.empty()) return;
        p_buf_[0] = state_[Var::IP3];
        p_buf_[1] = state_[Var::IP3];
    }

    // J_gap of cell i from the snapshot: sum over partners of the IP3-gradient law.
    double gap_flux(index_t i, const std::vector<double>& snap) const {
        double j = 0;
        for (auto k = nb_offsets_[i]; k < nb_offsets_[i + 1]; ++k) {
            const double d = snap[i] - snap[nb_[k]];
            if (d == 0) continue;
            j -= f_.p[F_gap] / 2 * (1 + std::tanh((std::abs(d) - f_.p[P_theta]) / f_.p[omega_P])) *
                 (d > 0 ? 1.0 : -1.0);
        }
        return j;
    }

    void update(step_t step, IndexRange r, std::vector<Spike>& events) override {
        double* in = ring_.slot(0, step);
        for (index_t i = r.begin; i < r.end; ++i) {
            j_syn_[i] += in[i];
            in[i] = 0;
        }
        if ((step + 1) % interval_ != 0) return;
        const double span = static_cast<double>(interval_) * dt_;
        const double c_theta = f_.p[C_theta];
        const bool coupled = !nb_.empty();
        const auto parity = static_cast<std::size_t>((step + 1) / interval_ % 2);
        for (index_t i = r.begin; i < r.end; ++i) {
            std::array<double, kOde> y;
            for (int k = 0; k < kOde; ++k) y[k] = state_[k][i];
            // Re-arm once Ca is below threshold: one release per upward crossing.
            if (!(y[Var::Ca] > c_theta)) armed_[i] = 1;
            Gchi f = f_;
            if (coupled) f.j_gap = gap_flux(i, p_buf_[parity]);
            if (!integrate_dopri5(y, span, h_ode_[i], tol_, f))
                throw std::runtime_error(fmt::format(
                    "astrocyte_gchi population '{}', astrocyte {}: the ODE step size underflowed "
                    "at t = {} ms (IP3 = {}, Ca = {})",
                    name_, i, static_cast<double>(step + 1) * dt_, y[Var::IP3], y[Var::Ca]));
            // Glutamate released into the cleft by this interval's spikes (rho_c Y_T per unit
            // weight), after the integration, as the synapse slot follows the update in Brian.
            y[Var::Y] += glut_per_weight_ * j_syn_[i];
            j_syn_[i] = 0;
            release_[i] = 0;
            if (y[Var::Ca] > c_theta && armed_[i]) {
                y[Var::G] += release_per_x_ * y[Var::x_A];
                y[Var::x_A] -= f_.p[U_A] * y[Var::x_A];
                armed_[i] = 0;
                release_[i] = 1;
                events.push_back({step, i});
            }
            for (int k = 0; k < kOde; ++k) state_[k][i] = y[k];
            if (coupled) p_buf_[1 - parity][i] = y[Var::IP3];
        }
    }

    std::uint64_t slow_updates(step_t steps) const override {
        return static_cast<std::uint64_t>(size_) * static_cast<std::uint64_t>(steps / interval_);
    }

    void archive_extra(StateArchive& a) override {
        a.io("synaptic_input", j_syn_);
        a.io("armed", armed_);
        a.io("ode_step", h_ode_);
        a.io("ip3_exchange_0", p_buf_[0]);
        a.io("ip3_exchange_1", p_buf_[1]);
    }

    std::span<double> state(std::size_t var) override {
        if (var < static_cast<std::size_t>(kOde)) return state_[var];
        if (var == Var::release) return release_;
        throw_unknown_state("astrocyte_gchi", var);
    }

private:
    std::vector<std::vector<double>> state_; // [variable][astrocyte]
    std::vector<double> release_, j_syn_;
    std::vector<char> armed_;
    std::vector<double> h_ode_;
    std::vector<std::uint64_t> nb_offsets_;
    std::vector<index_t> nb_;
    std::array<std::vector<double>, 2> p_buf_;
    Gchi f_;
    step_t interval_;
    OdeTolerance tol_;
    double glut_per_weight_, release_per_x_;
};

} // namespace

ModelInfo astrocyte_gchi_info() {
    return ModelInfo{
        .name = "astrocyte_gchi",
        .doc = "G-ChI astrocyte with mGluR activation and gliotransmitter release (De Pitta "
               "2009, Stimberg 2019)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .role = AstrocyteModel{
            .make_population =
                [](const PopulationSetup& s) { return std::make_unique<AstrocyteGchi>(s); },
            .input = {.receptors = {"glutamate"},
                      .weight_dim = Dim::dimensionless,
                      .weights_non_negative = true},
            .inputs = {{.key = kCouplingInput.name}}}};
}

} // namespace gliasim::models
