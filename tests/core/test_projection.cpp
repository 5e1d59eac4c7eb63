// SPDX-License-Identifier: MIT
// Projections (core/projection.hpp): determinism across target partitions, CSR layout, weight
// and delay distributions, delivery into ring buffers, and memory per synapse.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <numbers>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "core/network.hpp"
#include "core/projection.hpp"
#include "core/rng.hpp"

using namespace gliasim;

namespace {

using Edge = Projection::Edge;

std::vector<IndexRange> partition(index_t n, std::size_t parts) {
    std::vector<IndexRange> r;
    for (std::size_t p = 0; p < parts; ++p) r.push_back(partition_range(n, parts, p));
    return r;
}

ValueSpec normal(double mean, double sd, Dim d = Dim::current) {
    return ValueSpec{ValueSpec::Kind::normal, d, mean, sd};
}
ValueSpec uniform(double lo, double hi, Dim d = Dim::current) {
    return ValueSpec{ValueSpec::Kind::uniform, d, lo, hi};
}
ValueSpec lognormal(double mean, double sd, Dim d = Dim::current) {
    return ValueSpec{ValueSpec::Kind::lognormal, d, mean, sd};
}

ProjectionSetup make_setup(index_t n_source, index_t n_target, ConnectionRule rule,
                           ValueSpec weight, ValueSpec delay) {
    ProjectionSetup s;
    s.name = "test";
    s.id = 3;
    s.n_source = n_source;
    s.n_target = n_target;
    s.rule = rule;
    s.weight = weight;
    s.delay = delay;
    s.receptor = 0;
    s.dt = 0.1;
    s.seed = 12345;
    return s;
}

ConnectionRule bernoulli(double p) {
    ConnectionRule r;
    r.kind = ConnectionRule::Kind::bernoulli;
    r.p = p;
    return r;
}

ConnectionRule all_to_all() {
    ConnectionRule r;
    r.kind = ConnectionRule::Kind::all_to_all;
    return r;
}

std::vector<Edge> sorted_edges(const Projection& p) {
    auto e = p.edges();
    std::sort(e.begin(), e.end(), [](const Edge& a, const Edge& b) {
        return std::tie(a.source, a.target, a.weight, a.delay) <
               std::tie(b.source, b.target, b.weight, b.delay);
    });
    return e;
}

bool same_edges(const std::vector<Edge>& a, const std::vector<Edge>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].source != b[i].source || a[i].target != b[i].target ||
            a[i].weight != b[i].weight || a[i].delay != b[i].delay)
            return false;
    }
    return true;
}

struct Stats {
    double mean, sd, m4;
};
Stats stats(const std::vector<double>& v) {
    const double n = static_cast<double>(v.size());
    double s = 0;
    for (double x : v) s += x;
    const double mean = s / n;
    double s2 = 0, s4 = 0;
    for (double x : v) {
        s2 += (x - mean) * (x - mean);
        s4 += std::pow(x - mean, 4);
    }
    return {mean, std::sqrt(s2 / (n - 1)), s4 / n};
}

// Checks mean and standard deviation of `v` against the exact values, each to five standard
// errors (the error of the sample sd from the sample fourth moment).
void check_moments(const std::vector<double>& v, double mean, double sd) {
    const Stats s = stats(v);
    const double n = static_cast<double>(v.size());
    INFO("sample mean " << s.mean << " sd " << s.sd << " expected " << mean << ", " << sd);
    CHECK(std::abs(s.mean - mean) < 5 * sd / std::sqrt(n));
    const double var_se = std::sqrt((s.m4 - std::pow(s.sd, 4)) / n);
    CHECK(std::abs(s.sd * s.sd - sd * sd) < 5 * var_se);
}

} // namespace

TEST_CASE("Projection: edges are the same multiset for any number of target parts",
          "[projection]") {
    ConnectionRule fixed;
    fixed.kind = ConnectionRule::Kind::fixed_indegree;
    fixed.k = 25;
    fixed.allow_multapses = true;
    ConnectionRule self_free = bernoulli(0.15);
    self_free.allow_autapses = false;

    struct Case {
        const char* name;
        ProjectionSetup setup;
    };
    std::vector<Case> cases = {
        {"bernoulli", make_setup(300, 200, bernoulli(0.1), normal(5, 1), uniform(0.5, 3.0))},
        {"fixed_indegree", make_setup(150, 250, fixed, lognormal(2, 1), uniform(1.0, 2.0))},
        {"recurrent", make_setup(180, 180, self_free, uniform(-1, 1), ValueSpec::constant(1.5))},
    };
    cases[2].setup.same_population = true;

    for (const auto& c : cases) {
        INFO(c.name);
        const Projection one(c.setup, partition(c.setup.n_target, 1));
        const auto reference = sorted_edges(one);
        REQUIRE(one.size() == reference.size());
        REQUIRE(one.size() > 1000);
        for (std::size_t parts : {2, 3, 7}) {
            INFO(parts << " parts");
            const Projection split(c.setup, partition(c.setup.n_target, parts));
            CHECK(split.parts() == parts);
            CHECK(split.size() == one.size());
            CHECK(same_edges(sorted_edges(split), reference));
            CHECK(split.min_delay() == one.min_delay());
            CHECK(split.max_delay() == one.max_delay());
        }
        for (const auto& e : reference) {
            REQUIRE(e.source < c.setup.n_source);
            REQUIRE(e.target < c.setup.n_target);
            if (c.setup.same_population) REQUIRE(e.source != e.target);
        }
    }

    // Another seed gives another graph.
    auto other = cases[0].setup;
    other.seed += 1;
    const Projection a(cases[0].setup, partition(200, 1)), b(other, partition(200, 1));
    CHECK_FALSE(same_edges(sorted_edges(a), sorted_edges(b)));
}

TEST_CASE("Projection: fixed_indegree gives each target exactly k synapses", "[projection]") {
    ConnectionRule fixed;
    fixed.kind = ConnectionRule::Kind::fixed_indegree;
    fixed.k = 12;
    const auto s = make_setup(40, 90, fixed, ValueSpec::constant(1), ValueSpec::constant(1));
    const Projection p(s, partition(90, 4));
    std::vector<int> indeg(90, 0);
    for (const auto& e : p.edges()) ++indeg[e.target];
    for (int d : indeg) CHECK(d == 12);
    CHECK(p.size() == 90 * 12);
}

TEST_CASE("Projection: each part is a CSR sorted by source, covering its own targets",
          "[projection]") {
    const auto s = make_setup(120, 100, bernoulli(0.2), normal(1, 0.1), uniform(1, 2));
    const auto ranges = partition(100, 3);
    const Projection p(s, ranges);
    const auto edges = p.edges();
    REQUIRE(edges.size() == p.size());
    // edges() lists part 0, then part 1, ...; each part row by row, targets in draw order.
    std::size_t part = 0;
    for (std::size_t e = 0; e < edges.size(); ++e) {
        while (part < ranges.size() && !ranges[part].contains(edges[e].target)) ++part;
        REQUIRE(part < ranges.size()); // parts never go backwards
        if (e > 0 && ranges[part].contains(edges[e - 1].target)) {
            const auto& a = edges[e - 1];
            const auto& b = edges[e];
            CHECK(std::tie(a.source, a.target) <= std::tie(b.source, b.target));
        }
    }
}

TEST_CASE("Projection: canonical_edges orders by source, target, draw order for any parts",
          "[projection]") {
    ConnectionRule fixed; // with multapses: equal (source, target) pairs keep their draw order
    fixed.kind = ConnectionRule::Kind::fixed_indegree;
    fixed.k = 30;
    const auto s = make_setup(20, 60, fixed, normal(1, 0.5), ValueSpec::constant(1));
    const Projection one(s, partition(60, 1));
    auto key = [](const Projection& p, const Projection::EdgeRef& e) {
        return std::tuple(e.source, e.target, p.part(e.part).weight[e.edge]);
    };
    std::vector<std::tuple<index_t, index_t, float>> reference;
    for (const auto& e : one.canonical_edges()) reference.push_back(key(one, e));
    REQUIRE(reference.size() == 60 * 30);
    CHECK(std::is_sorted(reference.begin(), reference.end(), [](const auto& a, const auto& b) {
        return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
    }));
    for (std::size_t parts : {2, 7}) {
        const Projection split(s, partition(60, parts));
        std::vector<std::tuple<index_t, index_t, float>> got;
        for (const auto& e : split.canonical_edges()) {
            REQUIRE(split.part_targets(e.part).contains(e.target));
            REQUIRE(split.part(e.part).cols[e.edge] == e.target);
            got.push_back(key(split, e));
        }
        CHECK(got == reference);
    }
}

TEST_CASE("Projection: edge tags that name the target are not stored", "[projection]") {
    // Target j of 3 receives sources {0, .., j}; its tags are j itself.
    ExplicitSources links, tags;
    links.offsets = {0};
    for (index_t j = 0; j < 3; ++j) {
        for (index_t i = 0; i <= j; ++i) links.sources.push_back(i);
        links.offsets.push_back(links.sources.size());
    }
    tags.offsets = links.offsets;
    tags.entries_are_index = true;
    auto s = make_setup(3, 3, ConnectionRule{}, ValueSpec::constant(1), ValueSpec::constant(1));
    s.explicit_sources = &links;
    s.edge_tags = &tags;
    const Projection p(s, partition(3, 2));
    std::size_t tagged = 0;
    for (std::size_t part = 0; part < p.parts(); ++part) {
        const auto v = p.part(part);
        REQUIRE(v.tag != nullptr);
        for (std::size_t e = 0; e < v.size; ++e, ++tagged) CHECK(v.tag[e] == v.cols[e]);
    }
    CHECK(tagged == 6);
    s.edge_tags = nullptr;
    CHECK(p.bytes() == Projection(s, partition(3, 2)).bytes()); // as without tags
}

TEST_CASE("Projection: weight distributions", "[projection][stats]") {
    const index_t n = 200; // all_to_all: 40000 synapses
    auto weights = [&](ValueSpec w) {
        const Projection p(make_setup(n, n, all_to_all(), w, ValueSpec::constant(1)),
                           partition(n, 2));
        std::vector<double> v;
        for (const auto& e : p.edges()) v.push_back(e.weight);
        REQUIRE(v.size() == std::size_t{n} * n);
        return v;
    };

    SECTION("constant") {
        for (double w : weights(ValueSpec::constant(2.5))) REQUIRE(w == 2.5);
    }
    SECTION("normal") {
        check_moments(weights(normal(5.0, 1.0)), 5.0, 1.0);
    }
    SECTION("uniform") {
        const auto v = weights(uniform(2.0, 4.0));
        CHECK(*std::min_element(v.begin(), v.end()) >= 2.0);
        CHECK(*std::max_element(v.begin(), v.end()) <= 4.0);
        check_moments(v, 3.0, 2.0 / std::sqrt(12.0));
    }
    SECTION("lognormal, parameterised by the mean and sd of the weight") {
        const double mean = 2.0, sd = 0.5;
        const auto v = weights(lognormal(mean, sd));
        CHECK(*std::min_element(v.begin(), v.end()) > 0.0);
        check_moments(v, mean, sd);
        // log(w) ~ Normal(mu, s) with s^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - s^2/2.
        const double s2 = std::log(1 + sd * sd / (mean * mean));
        std::vector<double> logs;
        for (double w : v) logs.push_back(std::log(w));
        check_moments(logs, std::log(mean) - s2 / 2, std::sqrt(s2));
    }
    SECTION("truncated normal") {
        auto spec = normal(0.0, 1.0);
        spec.low = -0.5;
        spec.high = 1.0;
        const auto v = weights(spec);
        CHECK(*std::min_element(v.begin(), v.end()) >= -0.5);
        CHECK(*std::max_element(v.begin(), v.end()) <= 1.0);
        // Mean and variance of N(0,1) truncated to [a, b].
        const double a = -0.5, b = 1.0;
        auto phi = [](double x) { return std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi); };
        auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
        const double z = Phi(b) - Phi(a);
        const double m = (phi(a) - phi(b)) / z;
        const double var = 1 + (a * phi(a) - b * phi(b)) / z - m * m;
        check_moments(v, m, std::sqrt(var));
    }
}

TEST_CASE("delay_to_steps rounds to the nearest step and rejects out-of-range delays",
          "[projection]") {
    CHECK(delay_to_steps(1.0, 0.1) == 10);
    CHECK(delay_to_steps(1.5, 0.1) == 15);
    CHECK(delay_to_steps(0.1, 0.1) == 1);
    CHECK(delay_to_steps(0.3, 0.1) == 3); // 0.3 / 0.1 = 2.9999999999999996
    CHECK(delay_to_steps(0.14, 0.1) == 1);
    CHECK(delay_to_steps(0.16, 0.1) == 2);
    CHECK(delay_to_steps(2.0, 0.25) == 8);
    CHECK(delay_to_steps(6553.5, 0.1) == 65535);
    CHECK_THROWS_AS(delay_to_steps(0.04, 0.1), std::invalid_argument);
    CHECK_THROWS_AS(delay_to_steps(0.0, 0.1), std::invalid_argument);
    CHECK_THROWS_AS(delay_to_steps(-1.0, 0.1), std::invalid_argument);
    CHECK_THROWS_AS(delay_to_steps(std::nan(""), 0.1), std::invalid_argument);
    CHECK_THROWS_AS(delay_to_steps(6553.6, 0.1), std::invalid_argument);

    // Rounding error is at most half a step.
    RandomStream rs(3, Stream::test, 0, 0);
    for (int i = 0; i < 10000; ++i) {
        const double dt = rs.uniform(0.01, 1.0);
        const double d = rs.uniform(dt, 1000 * dt);
        const double steps = delay_to_steps(d, dt);
        REQUIRE(std::abs(steps * dt - d) <= 0.5 * dt * (1 + 1e-12));
    }
}

TEST_CASE("Projection: constant and distributed delays", "[projection][stats]") {
    const index_t n = 200;
    SECTION("constant delay: one value for every synapse") {
        const Projection p(make_setup(n, n, bernoulli(0.3), ValueSpec::constant(1),
                                      ValueSpec::constant(1.5, Dim::time)),
                           partition(n, 3));
        CHECK(p.min_delay() == 15);
        CHECK(p.max_delay() == 15);
        for (const auto& e : p.edges()) REQUIRE(e.delay == 15);
    }
    SECTION("uniform(1, 3) ms at dt 0.1: steps 10..30, end bins half as likely") {
        const Projection p(
            make_setup(n, n, all_to_all(), ValueSpec::constant(1), uniform(1.0, 3.0, Dim::time)),
            partition(n, 2));
        CHECK(p.min_delay() == 10);
        CHECK(p.max_delay() == 30);
        std::map<int, double> hist;
        for (const auto& e : p.edges()) hist[e.delay] += 1;
        REQUIRE(hist.begin()->first >= 10);
        REQUIRE(hist.rbegin()->first <= 30);
        // P(k) = length of [(k - 0.5) dt, (k + 0.5) dt] within [1, 3], over 2 ms.
        const double total = static_cast<double>(p.size());
        double chi2 = 0;
        for (int k = 10; k <= 30; ++k) {
            const double lo = std::max(1.0, (k - 0.5) * 0.1), hi = std::min(3.0, (k + 0.5) * 0.1);
            const double e = total * (hi - lo) / 2.0;
            chi2 += (hist[k] - e) * (hist[k] - e) / e;
        }
        CHECK(chi2 < 20 + 5 * std::sqrt(40.0)); // 20 degrees of freedom
    }
    SECTION("normal delays with a mean of 2 ms: mean delay in steps is 20") {
        auto d = normal(2.0, 0.3, Dim::time);
        d.low = 0.5;
        const Projection p(make_setup(n, n, all_to_all(), ValueSpec::constant(1), d),
                           partition(n, 1));
        std::vector<double> steps;
        for (const auto& e : p.edges()) steps.push_back(e.delay);
        // Rounding to whole steps adds variance dt^2/12 (in steps: 1/12).
        check_moments(steps, 20.0, std::sqrt(9.0 + 1.0 / 12.0));
    }
    SECTION("out-of-range delays are rejected when the projection is built") {
        CHECK_THROWS_AS(Projection(make_setup(10, 10, all_to_all(), ValueSpec::constant(1),
                                              ValueSpec::constant(0.01)),
                                   partition(10, 1)),
                        std::invalid_argument);
    }
}

TEST_CASE("Projection: an empty projection reports its nominal delay", "[projection]") {
    const Projection p(
        make_setup(50, 60, bernoulli(0.0), ValueSpec::constant(1), ValueSpec::constant(2.0)),
        partition(60, 2));
    CHECK(p.size() == 0);
    CHECK(p.edges().empty());
    CHECK(p.min_delay() == 20);
    CHECK(p.max_delay() == 20);
    InputRing ring(1, 30, 60);
    const Spike spikes[] = {{0, 3}, {1, 49}};
    CHECK(p.deliver(spikes, 0, ring) == 0);
    CHECK(p.deliver(spikes, 1, ring) == 0);
}

TEST_CASE("Projection::deliver adds weights into slot (step + delay) of each target",
          "[projection]") {
    const index_t n_source = 50, n_target = 40;
    const std::size_t slots = 27, channels = 2;
    for (bool distributed : {true, false}) {
        INFO((distributed ? "distributed delays" : "constant delay"));
        auto s = make_setup(n_source, n_target, bernoulli(0.3), uniform(0.1, 1.0),
                            distributed ? uniform(1.0, 2.5) : ValueSpec::constant(1.2));
        s.receptor = 1;
        const auto ranges = partition(n_target, 3);
        const Projection p(s, ranges);
        CHECK(p.receptor() == 1);
        const auto edges = p.edges();

        // Spikes in canonical order; source 3 spikes twice, source 49 at a late step.
        const std::vector<Spike> spikes = {{100, 3}, {100, 7}, {101, 3}, {103, 49}, {5000, 0}};
        std::vector<double> expected(channels * slots * n_target, 0.0);
        std::uint64_t expected_events = 0;
        for (const Spike& sp : spikes)
            for (const auto& e : edges)
                if (e.source == sp.index) {
                    const auto slot = static_cast<std::size_t>(sp.step + e.delay) % slots;
                    expected[(1 * slots + slot) * n_target + e.target] += e.weight;
                    ++expected_events;
                }
        REQUIRE(expected_events > 20);

        InputRing ring(channels, slots, n_target);
        std::uint64_t events = 0;
        for (std::size_t part = 0; part < p.parts(); ++part) {
            InputRing part_ring(channels, slots, n_target);
            const auto ev = p.deliver(spikes, part, part_ring);
            events += ev;
            std::uint64_t part_expected = 0;
            for (const Spike& sp : spikes)
                for (const auto& e : edges)
                    part_expected += e.source == sp.index && ranges[part].contains(e.target);
            CHECK(ev == part_expected);
            // A part writes only to its own targets.
            for (std::size_t c = 0; c < channels; ++c)
                for (step_t st = 0; st < static_cast<step_t>(slots); ++st)
                    for (index_t t = 0; t < n_target; ++t)
                        if (!ranges[part].contains(t)) REQUIRE(part_ring.slot(c, st)[t] == 0.0);
            p.deliver(spikes, part, ring);
        }
        CHECK(events == expected_events);

        for (std::size_t c = 0; c < channels; ++c)
            for (std::size_t st = 0; st < slots; ++st)
                for (index_t t = 0; t < n_target; ++t) {
                    const double want = expected[(c * slots + st) * n_target + t];
                    const double got = ring.slot(c, static_cast<step_t>(st))[t];
                    INFO("channel " << c << " slot " << st << " target " << t);
                    REQUIRE(got == Approx(want).margin(1e-12));
                }
        // Nothing arrives before the minimum delay or after the maximum delay.
        InputRing fresh(channels, slots, n_target);
        const Spike all[] = {{100, 3}, {100, 7}, {100, 20}, {100, 49}};
        for (std::size_t part = 0; part < p.parts(); ++part) p.deliver(all, part, fresh);
        double arrived = 0;
        for (step_t st = 100 + p.min_delay(); st <= 100 + p.max_delay(); ++st)
            for (index_t t = 0; t < n_target; ++t) arrived += fresh.slot(1, st)[t];
        for (step_t st = 100 + p.max_delay() + 1; st < 100 + p.min_delay() + 27; ++st)
            for (index_t t = 0; t < n_target; ++t) CHECK(fresh.slot(1, st)[t] == 0.0);
        double sent = 0;
        for (const auto& e : edges)
            if (e.source == 3 || e.source == 7 || e.source == 20 || e.source == 49)
                sent += e.weight;
        CHECK(arrived == Approx(sent).epsilon(1e-12));
    }
}

TEST_CASE("Projection: at most 12 bytes per synapse (1000 x 1000, p = 0.1)", "[projection]") {
    for (bool distributed : {false, true}) {
        for (std::size_t parts : {1, 4}) {
            INFO((distributed ? "distributed" : "constant") << " delays, " << parts << " parts");
            const auto s = make_setup(1000, 1000, bernoulli(0.1), normal(1.0, 0.2),
                                      distributed ? uniform(1.0, 5.0) : ValueSpec::constant(1.0));
            const Projection p(s, partition(1000, parts));
            // 1e5 synapses, within 5 sd of Binomial(1e6, 0.1).
            CHECK(std::abs(static_cast<double>(p.size()) - 1e5) < 5 * std::sqrt(1e6 * 0.09));
            const double per = static_cast<double>(p.bytes()) / static_cast<double>(p.size());
            INFO("bytes per synapse: " << per);
            CHECK(per <= 12.0);
            // Column + weight are 8 bytes, plus 2 for distributed delays.
            CHECK(per >= (distributed ? 10.0 : 8.0));
        }
    }
}

TEST_CASE("Projection: more parts than targets leaves some parts empty", "[projection]") {
    const auto s = make_setup(30, 5, bernoulli(0.5), normal(1, 0.5), uniform(0.5, 1.5));
    const Projection one(s, partition(5, 1));
    const Projection many(s, partition(5, 8));
    CHECK(many.parts() == 8);
    CHECK(same_edges(sorted_edges(many), sorted_edges(one)));
    CHECK(many.min_delay() == one.min_delay());
    CHECK(many.max_delay() == one.max_delay());
    InputRing a(1, 20, 5), b(1, 20, 5);
    const Spike spikes[] = {{0, 1}, {0, 29}, {3, 1}};
    std::uint64_t ea = one.deliver(spikes, 0, a), eb = 0;
    for (std::size_t p = 0; p < many.parts(); ++p) eb += many.deliver(spikes, p, b);
    CHECK(ea == eb);
    for (step_t st = 0; st < 20; ++st)
        for (index_t t = 0; t < 5; ++t) CHECK(a.slot(0, st)[t] == Approx(b.slot(0, st)[t]));
}

TEST_CASE("ValueSpec: ranges, means, truncation and descriptions", "[projection]") {
    RandomStream rs(1, Stream::test, 0, 0);
    const auto c = ValueSpec::constant(-65, Dim::voltage);
    CHECK(c.is_constant());
    CHECK(c.draw(rs) == -65.0);
    CHECK(c.min_value() == -65.0);
    CHECK(c.max_value() == -65.0);
    CHECK(c.describe() == "-65 mV");

    auto u = uniform(1.0, 3.0, Dim::time);
    CHECK(u.mean() == 2.0);
    CHECK(u.min_value() == 1.0);
    CHECK(u.max_value() == 3.0);
    u.low = 1.5;
    CHECK(u.min_value() == 1.5);
    for (int i = 0; i < 1000; ++i) REQUIRE(u.draw(rs) >= 1.5);
    CHECK(u.describe() == "uniform(1 ms, 3 ms)");

    auto n = normal(0.0, 1.0);
    n.low = 0.0;
    CHECK(n.min_value() == 0.0);
    CHECK(std::isinf(n.max_value()));
    double mean = 0;
    for (int i = 0; i < 20000; ++i) {
        const double x = n.draw(rs);
        REQUIRE(x >= 0.0);
        mean += x / 20000;
    }
    // Half-normal mean sqrt(2/pi), sd sqrt(1 - 2/pi).
    CHECK(std::abs(mean - std::sqrt(2 / std::numbers::pi)) <
          5 * std::sqrt((1 - 2 / std::numbers::pi) / 20000));
    CHECK(n.describe() == "normal(mean=0 pA, std=1 pA)");

    // An impossible window gives up after bounded redraws and clamps the mean into it.
    auto impossible = normal(0.0, 1.0);
    impossible.low = 50.0;
    impossible.high = 51.0;
    CHECK(impossible.draw(rs) == 50.0);

    const auto ln = lognormal(2.0, 0.5, Dim::conductance);
    CHECK(ln.min_value() == 0.0);
    CHECK(ln.mean() == 2.0);
    CHECK(ln.describe() == "lognormal(mean=2 nS, std=0.5 nS)");
}
