// SPDX-License-Identifier: MIT
// Where reservoir neurons are and how they connect (NALSM), through parse_experiment and whole
// runs: grid positions shared by populations, and the distance rule against its probability law
// and across thread counts.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "analysis/branching_factor.hpp"
#include "core/projection.hpp"
#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::pop_index;
using gliasim::test::projection_index;
using gliasim::test::registry;
using gliasim::test::report_index;
using gliasim::test::Result;
using gliasim::test::run;
using gliasim::test::spec_of;

namespace {

// Sites of a population as integer (x, y, z) triples; fails on a non-integral coordinate.
std::vector<std::array<long, 3>> sites_of(const PopulationSpec& p) {
    REQUIRE(p.positions.size() == 3 * static_cast<std::size_t>(p.size));
    std::vector<std::array<long, 3>> out;
    for (std::size_t i = 0; i < p.size; ++i) {
        std::array<long, 3> s{};
        for (std::size_t c = 0; c < 3; ++c) {
            const float x = p.positions[3 * i + c];
            REQUIRE(std::floor(x) == x);
            s[c] = static_cast<long>(x);
        }
        out.push_back(s);
    }
    return out;
}

// Edges as sorted (source, target, weight, delay) tuples: independent of the partition.
std::vector<std::tuple<index_t, index_t, float, std::uint16_t>> sorted_edges(const Projection& p) {
    std::vector<std::tuple<index_t, index_t, float, std::uint16_t>> out;
    for (const auto& e : p.edges()) out.emplace_back(e.source, e.target, e.weight, e.delay);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// positions

TEST_CASE("positions: populations sharing a space take disjoint integral sites of its grid",
          "[learning_io]") {
    const std::string text = R"(
[simulation]
duration = "1 ms"
seed = 7
[populations.E]
model = "nalsm_lif"
size = 80
positions = { grid = [6, 5, 4], space = "liquid" }
[populations.I]
model = "nalsm_lif"
size = 30
positions = { grid = [6, 5, 4], space = "liquid" }
[populations.other]
model = "nalsm_lif"
size = 10
)";
    const NetworkSpec s = spec_of(text);
    const auto& E = s.populations[pop_index(s, "E")];
    const auto& I = s.populations[pop_index(s, "I")];
    CHECK(s.populations[pop_index(s, "other")].positions.empty());
    const auto e = sites_of(E), i = sites_of(I);
    std::set<std::array<long, 3>> all;
    for (const auto* v : {&e, &i})
        for (const auto& site : *v) {
            INFO("site " << site[0] << ", " << site[1] << ", " << site[2]);
            CHECK(site[0] >= 0);
            CHECK(site[0] < 6);
            CHECK(site[1] >= 0);
            CHECK(site[1] < 5);
            CHECK(site[2] >= 0);
            CHECK(site[2] < 4);
            all.insert(site);
        }
    // 110 entities on 120 sites: no two share one, within or across the populations.
    CHECK(all.size() == 80 + 30);
    // The placement uses the whole grid, not one corner of it: every z layer is used.
    std::set<long> zs;
    for (const auto& site : all) zs.insert(site[2]);
    CHECK(zs.size() == 4);

    SECTION("the same seed places the same way, another seed differently") {
        const NetworkSpec again = spec_of(text);
        CHECK(again.populations[pop_index(again, "E")].positions == E.positions);
        CHECK(again.populations[pop_index(again, "I")].positions == I.positions);
        const NetworkSpec other = spec_of(text, {"simulation.seed=8"});
        CHECK(other.populations[pop_index(other, "E")].positions != E.positions);
        CHECK(other.populations[pop_index(other, "I")].positions != I.positions);
        // ... still disjoint.
        std::set<std::array<long, 3>> o;
        for (const auto& site : sites_of(other.populations[pop_index(other, "E")])) o.insert(site);
        for (const auto& site : sites_of(other.populations[pop_index(other, "I")])) o.insert(site);
        CHECK(o.size() == 110);
    }
}

TEST_CASE("positions: a population alone on a grid of its size occupies every site once",
          "[learning_io]") {
    const NetworkSpec s = spec_of(R"(
[simulation]
duration = "1 ms"
[populations.cube]
model = "nalsm_lif"
size = 24
positions = { grid = [4, 3, 2] }
[populations.plane]
model = "nalsm_lif"
size = 15
positions = { grid = [5, 3] }
)");
    {
        const auto sites = sites_of(s.populations[pop_index(s, "cube")]);
        std::set<std::array<long, 3>> got(sites.begin(), sites.end()), want;
        for (long z = 0; z < 2; ++z)
            for (long y = 0; y < 3; ++y)
                for (long x = 0; x < 4; ++x) want.insert({x, y, z});
        CHECK(sites.size() == 24);
        CHECK(got == want);
        // In a random order, not a sorted one (1 of 24! orders).
        std::vector<std::array<long, 3>> in_order(want.begin(), want.end());
        CHECK(sites != in_order);
    }
    {
        // Two numbers: a plane at z = 0. Each population without a space has its own grid.
        const auto sites = sites_of(s.populations[pop_index(s, "plane")]);
        std::set<std::array<long, 3>> got(sites.begin(), sites.end()), want;
        for (long y = 0; y < 3; ++y)
            for (long x = 0; x < 5; ++x) want.insert({x, y, 0});
        CHECK(got == want);
    }
}

// ---------------------------------------------------------------------------------------------
// distance rule

namespace {

const char* kDistance = R"(
[simulation]
duration = "1 ms"
dt = "1 ms"
seed = 3
[populations.L]
model = "nalsm_lif"
size = 1728
positions = { grid = [12, 12, 12] }
[projections.LL]
source = "L"
target = "L"
rule = "distance"
C = 0.3
lambda = 2.5
allow_autapses = false
weight = 1.0
delay = "1 ms"
)";

} // namespace

TEST_CASE("distance rule: the connection probability at distance d is C exp(-(d/lambda)^2)",
          "[learning_io]") {
    const double C = 0.3, lambda = 2.5;
    const NetworkSpec spec = spec_of(kDistance);
    const auto& pos = spec.populations[0].positions;
    REQUIRE(pos.size() == 3 * 1728);
    auto d2 = [&](index_t a, index_t b) {
        double s = 0;
        for (std::size_t c = 0; c < 3; ++c) {
            const double x = static_cast<double>(pos[3 * a + c]) - pos[3 * b + c];
            s += x * x;
        }
        return static_cast<long>(std::lround(s));
    };
    // Pairs and drawn connections per squared distance (an integer on the grid): each class
    // has one exact probability, so each count is binomial.
    std::map<long, std::uint64_t> pairs, drawn;
    for (index_t a = 0; a < 1728; ++a)
        for (index_t b = 0; b < 1728; ++b)
            if (a != b) ++pairs[d2(a, b)];
    const Simulation sim(spec);
    const auto edges = sim.network().projections()[0].edges();
    std::set<std::pair<index_t, index_t>> seen;
    std::size_t autapses = 0, repeated = 0;
    for (const auto& e : edges) {
        if (e.source == e.target) ++autapses;
        if (!seen.insert({e.source, e.target}).second) ++repeated;
        ++drawn[d2(e.source, e.target)];
    }
    CHECK(autapses == 0);
    CHECK(repeated == 0);
    double expected_total = 0, var_total = 0;
    std::size_t classes_checked = 0;
    for (const auto& [k, n] : pairs) {
        const double p = C * std::exp(-static_cast<double>(k) / (lambda * lambda));
        const double mean = static_cast<double>(n) * p, sd = std::sqrt(mean * (1 - p));
        const double got = static_cast<double>(drawn.count(k) ? drawn.at(k) : 0);
        expected_total += mean;
        var_total += mean * (1 - p);
        INFO("d^2 = " << k << ": " << n << " pairs, p = " << p << ", expected " << mean << " +- "
                      << sd << ", drawn " << got);
        CHECK(std::abs(got - mean) <= 5 * sd + 1);
        if (mean > 20) ++classes_checked;
    }
    // Connections at distances that have no pair cannot exist.
    for (const auto& [k, m] : drawn) CHECK(pairs.count(k) == 1);
    CHECK(classes_checked >= 10); // the law is tested over a range of distances, not one point
    // Coarser bins of width 0.5 in d, and the total.
    std::map<long, std::pair<double, double>> bins; // bin -> (expected, variance)
    std::map<long, double> bin_drawn;
    for (const auto& [k, n] : pairs) {
        const double p = C * std::exp(-static_cast<double>(k) / (lambda * lambda));
        const long b = static_cast<long>(std::sqrt(static_cast<double>(k)) / 0.5);
        bins[b].first += static_cast<double>(n) * p;
        bins[b].second += static_cast<double>(n) * p * (1 - p);
        bin_drawn[b] += static_cast<double>(drawn.count(k) ? drawn.at(k) : 0);
    }
    for (const auto& [b, ev] : bins) {
        INFO("d in [" << 0.5 * b << ", " << 0.5 * (b + 1) << "): expected " << ev.first
                      << ", drawn " << bin_drawn[b]);
        CHECK(std::abs(bin_drawn[b] - ev.first) <= 5 * std::sqrt(ev.second) + 1);
    }
    INFO("expected " << expected_total << " connections in all");
    CHECK(std::abs(static_cast<double>(edges.size()) - expected_total) <= 5 * std::sqrt(var_total));
    CHECK(edges.size() > 10000);
}

TEST_CASE("distance rule: autapses, when allowed, occur with probability C", "[learning_io]") {
    const NetworkSpec spec = spec_of(kDistance, {"projections.LL.allow_autapses=true"});
    const Simulation sim(spec);
    std::size_t autapses = 0;
    for (const auto& e : sim.network().projections()[0].edges())
        if (e.source == e.target) ++autapses;
    const double mean = 1728 * 0.3, sd = std::sqrt(1728 * 0.3 * 0.7);
    CHECK(std::abs(static_cast<double>(autapses) - mean) <= 5 * sd);
}

TEST_CASE("distance rule: the graph is the same for 1 and 3 threads", "[learning_io]") {
    NetworkSpec spec = spec_of(kDistance);
    spec.threads = 1;
    const auto one = sorted_edges(Simulation(spec).network().projections()[0]);
    spec.threads = 3;
    const Simulation three(spec);
    REQUIRE(three.network().projections()[0].parts() == 3);
    const auto other = sorted_edges(three.network().projections()[0]);
    CHECK(one.size() > 10000);
    CHECK(other == one);
    // ... and another seed gives another graph.
    NetworkSpec reseeded = spec_of(kDistance, {"simulation.seed=4"});
    CHECK(sorted_edges(Simulation(reseeded).network().projections()[0]) != one);
}
