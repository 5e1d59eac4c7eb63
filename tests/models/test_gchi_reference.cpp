// SPDX-License-Identifier: MIT
// astrocyte_gchi against an independently computed trace: tests/data/gchi_reference.py integrates
// the published G-ChI equations (Stimberg et al. 2019, example 2) with a 0.1 ms RK4 in plain
// Python, with its own transcription of the equations, and wrote
// tests/data/gchi_example2_reference.dat. The shipped experiments/astro_gchi.toml runs the same
// protocol; its recorded Ca and IP3 must stay within 0.5 % of their peaks of the reference over
// the 30 s (the science review measured 0.17 % and 0.25 % against Brian 2).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace gliasim;

namespace {

struct ReferenceRow {
    double t_ms, gamma_a, ip3, ca, h;
};

std::vector<ReferenceRow> read_reference() {
    const auto path =
        std::filesystem::path(GLIASIM_SOURCE_DIR) / "tests/data/gchi_example2_reference.dat";
    std::ifstream in(path);
    INFO("reference file " << path.string());
    REQUIRE(in.good());
    std::vector<ReferenceRow> rows;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ss(line);
        ReferenceRow r{};
        ss >> r.t_ms >> r.gamma_a >> r.ip3 >> r.ca >> r.h;
        r.t_ms *= 1000;
        rows.push_back(r);
    }
    return rows;
}

} // namespace

TEST_CASE("astrocyte_gchi: Ca and IP3 of astro_gchi.toml within 0.5 % of an independent RK4 "
          "reference",
          "[gchi]") {
    const auto ref = read_reference();
    REQUIRE(ref.size() == 3001); // 0 .. 30 s every 10 ms
    const auto r = test::run(test::spec_of(test::read_text("astro_gchi.toml")));
    const auto& mb = r.mb;
    const std::size_t ca_k = test::report_index(mb, "astrocyte", "Ca");
    const std::size_t ip3_k = test::report_index(mb, "astrocyte", "IP3");
    const auto& layout = mb.layout.reports[ca_k];
    REQUIRE(layout.step == Approx(10.0));
    double ca_peak = 0, ip3_peak = 0;
    for (const auto& row : ref) {
        ca_peak = std::max(ca_peak, row.ca);
        ip3_peak = std::max(ip3_peak, row.ip3);
    }
    REQUIRE(ca_peak > 0.5); // the protocol drives Ca through C_theta
    double ca_worst = 0, ip3_worst = 0;
    std::size_t compared = 0;
    for (std::size_t k = 0; k < mb.reports[ca_k].size(); ++k) {
        const double t = layout.start + static_cast<double>(k) * layout.step;
        const auto row = static_cast<std::size_t>(std::lround(t / 10.0));
        if (row >= ref.size()) break;
        REQUIRE(ref[row].t_ms == Approx(t).margin(1e-6));
        ca_worst = std::max(ca_worst, std::abs(mb.reports[ca_k][k] - ref[row].ca));
        ip3_worst = std::max(ip3_worst, std::abs(mb.reports[ip3_k][k] - ref[row].ip3));
        ++compared;
    }
    CHECK(compared >= 2990);
    WARN("largest deviation: Ca " << 100 * ca_worst / ca_peak << " % of its peak " << ca_peak
                                  << " uM, IP3 " << 100 * ip3_worst / ip3_peak << " % of its peak "
                                  << ip3_peak << " uM");
    CHECK(ca_worst <= 0.005 * ca_peak);
    CHECK(ip3_worst <= 0.005 * ip3_peak);
}
