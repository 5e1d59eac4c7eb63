// SPDX-License-Identifier: MIT
// astrocyte_gchi against an independent fixed-step RK4 integration of the published G-ChI
// equations (De Pitta et al. 2009, as written up by Stimberg et al. 2019).
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "models/builtin.hpp"

using namespace gliasim;

namespace {

// The published equations, in seconds and uM, parameters of Stimberg et al.'s example 2.
struct Reference {
    double O_P = 0.9, K_P = 0.1, C_T = 2, rho_A = 0.18, Omega_C = 6, Omega_L = 0.1, d1 = 0.13,
           d2 = 1.05, O_2 = 0.2, d3 = 0.9434, d5 = 0.08, O_beta = 5, O_N = 0.3, Omega_N = 0.5,
           K_KC = 0.5, zeta = 10, O_delta = 0.2, kappa = 1.5, K_delta = 0.3, Omega_5P = 0.1,
           K_D = 0.5, K_3K = 1, O_3K = 4.5, F_ex = 0.09, P_b = 0, P_theta = 0.3, omega_P = 0.05;

    // s = (Gamma_A, P, C, h); no synaptic glutamate in these protocols.
    std::array<double, 4> rhs(const std::array<double, 4>& s) const {
        const double g = s[0], P = s[1], C = s[2], h = s[3];
        const double dg = -Omega_N * (1 + zeta * C / (C + K_KC)) * g;
        const double jb = O_beta * g;
        const double jd = O_delta / (1 + P / kappa) * C * C / (C * C + K_delta * K_delta);
        const double j3 =
            O_3K * std::pow(C, 4) / (std::pow(C, 4) + std::pow(K_D, 4)) * P / (P + K_3K);
        const double j5 = Omega_5P * P;
        const double diff = P - P_b;
        const double jx = diff == 0
                              ? 0
                              : -F_ex / 2 * (1 + std::tanh((std::abs(diff) - P_theta) / omega_P)) *
                                    (diff > 0 ? 1 : -1);
        const double m = P / (P + d1) * C / (C + d5);
        const double er = C_T - (1 + rho_A) * C;
        const double dC =
            Omega_C * m * m * m * h * h * h * er + Omega_L * er - O_P * C * C / (C * C + K_P * K_P);
        const double q2 = d2 * (P + d1) / (P + d3);
        const double dh = (q2 / (q2 + C) - h) * O_2 * (q2 + C);
        return {dg, jb + jd - j3 - j5 + jx, dC, dh};
    }
    // Classical RK4 at a fixed step [s]; returns C sampled every `every` steps.
    std::vector<double> run(std::array<double, 4> s, double seconds, double h, int every) const {
        std::vector<double> ca;
        const long n = std::lround(seconds / h);
        for (long k = 1; k <= n; ++k) {
            auto add = [](std::array<double, 4> a, const std::array<double, 4>& b, double f) {
                for (int i = 0; i < 4; ++i) a[i] += f * b[i];
                return a;
            };
            const auto k1 = rhs(s), k2 = rhs(add(s, k1, h / 2)), k3 = rhs(add(s, k2, h / 2)),
                       k4 = rhs(add(s, k3, h));
            for (int i = 0; i < 4; ++i) s[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            if (k % every == 0) ca.push_back(s[2]);
        }
        final_state = s;
        return ca;
    }
    mutable std::array<double, 4> final_state{};
};

struct Astro {
    ModelInfo info = models::astrocyte_gchi_info();
    ParamValues params = info.default_params();
    std::unique_ptr<Population> pop;
    void set(const char* n, double v) { params[*info.param_index(n)] = v; }
    double get(const char* v) { return pop->state(*info.state_index(v))[0]; }
    void build() {
        PopulationSetup s;
        s.name = "astro";
        s.size = 1;
        s.params = params;
        s.dt = 0.1;
        pop = make_population(info, s);
        pop->allocate_ring(4);
        pop->state(*info.state_index("h"))[0] = 0.9;
    }
    // Ca every 1 ms (the update interval) for `ms` milliseconds; release events counted.
    std::vector<double> run(double ms, std::size_t* releases = nullptr) {
        std::vector<double> ca;
        std::vector<Spike> events;
        const auto steps = static_cast<step_t>(std::llround(ms / 0.1));
        for (step_t s = 0; s < steps; ++s) {
            pop->update(s, {0, 1}, events);
            if ((s + 1) % 10 == 0) ca.push_back(get("Ca"));
        }
        if (releases) *releases = events.size();
        return ca;
    }
};

std::vector<double> peak_times(const std::vector<double>& ca, double dt_s, double floor) {
    std::vector<double> t;
    for (std::size_t i = 1; i + 1 < ca.size(); ++i)
        if (ca[i] > floor && ca[i] > ca[i - 1] && ca[i] >= ca[i + 1]) t.push_back((i + 1) * dt_s);
    return t;
}

} // namespace

TEST_CASE("astrocyte_gchi: the resting state matches the reference fixed point", "[gchi]") {
    Astro a;
    a.build();
    a.run(600000.0); // 600 s
    Reference ref;
    ref.run({0, 0, 0, 0.9}, 600.0, 1e-3, 1000);
    const auto& s = ref.final_state;
    // A true fixed point of the reference equations: its derivatives vanish.
    const auto d = ref.rhs(s);
    for (double x : d) CHECK(std::abs(x) < 1e-9);
    CHECK(a.get("Gamma_A") == Approx(s[0]).margin(1e-9));
    CHECK(a.get("IP3") == Approx(s[1]).epsilon(1e-6));
    CHECK(a.get("Ca") == Approx(s[2]).epsilon(1e-6));
    CHECK(a.get("h") == Approx(s[3]).epsilon(1e-6));
}

TEST_CASE("astrocyte_gchi: Ca oscillations under a constant IP3 drive match the reference",
          "[gchi]") {
    // F_ex pulls IP3 towards P_b: with P_b = 0.8 uM and F_ex = 2 uM/s, Ca oscillates with a
    // period of about 10 s.
    Astro a;
    a.set("F_ex", 2.0);
    a.set("P_b", 0.8);
    a.build();
    std::size_t releases = 0;
    const auto ca = a.run(60000.0, &releases);
    Reference ref;
    ref.F_ex = 2.0;
    ref.P_b = 0.8;
    const auto ca_ref = ref.run({0, 0, 0, 0.9}, 60.0, 2e-4, 5); // sampled every 1 ms
    REQUIRE(ca.size() == ca_ref.size());
    const auto pk = peak_times(ca, 1e-3, 0.3);
    const auto pk_ref = peak_times(ca_ref, 1e-3, 0.3);
    REQUIRE(pk_ref.size() >= 5);
    REQUIRE(pk.size() == pk_ref.size());
    for (std::size_t i = 0; i < pk.size(); ++i) {
        INFO("peak " << i);
        CHECK(pk[i] == Approx(pk_ref[i]).margin(0.005)); // within 5 ms over a minute
    }
    const double period = (pk.back() - pk[1]) / static_cast<double>(pk.size() - 2);
    const double period_ref = (pk_ref.back() - pk_ref[1]) / static_cast<double>(pk_ref.size() - 2);
    CHECK(period == Approx(period_ref).epsilon(1e-3));
    CHECK(period > 8.0);
    CHECK(period < 12.0);
    double worst = 0;
    for (std::size_t i = 0; i < ca.size(); ++i)
        worst = std::max(worst, std::abs(ca[i] - ca_ref[i]));
    CHECK(worst < 1e-3); // uM, over the whole minute
    // One gliotransmitter release per upward crossing of C_theta (0.5 uM).
    std::size_t crossings = 0;
    for (std::size_t i = 1; i < ca.size(); ++i) crossings += ca[i - 1] <= 0.5 && ca[i] > 0.5;
    CHECK(releases == crossings);
}
