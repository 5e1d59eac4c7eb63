// SPDX-License-Identifier: MIT
// The third-factor (tripartite) rule: exact counts, pools, pairing statistics, determinism.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>

#include "core/network.hpp"
#include "core/tripartite.hpp"
#include "models/builtin.hpp"

using namespace gliasim;

namespace {

ProjectionSpec primary(ConnectionRule::Kind kind, double p_conn, std::uint32_t k, double p_pair,
                       ThirdFactorSpec::Pool pool, std::uint32_t pool_size) {
    ProjectionSpec pj;
    pj.name = "syn";
    pj.source = 0;
    pj.target = 1;
    pj.rule.kind = kind;
    pj.rule.p = p_conn;
    pj.rule.k = k;
    pj.weight = ValueSpec::constant(10.0, Dim::current);
    pj.delay = ValueSpec::constant(1.0, Dim::time);
    pj.third_factor.enabled = true;
    pj.third_factor.population = 2;
    pj.third_factor.p = p_pair;
    pj.third_factor.pool = pool;
    pj.third_factor.pool_size = pool_size;
    return pj;
}

std::uint64_t primary_count(const ProjectionSpec& pj, index_t ns, index_t nt, std::uint64_t seed) {
    std::uint64_t n = 0;
    for (index_t j = 0; j < nt; ++j) {
        RandomStream conn(seed, Stream::connectivity, 0, j);
        for_each_source(pj.rule, j, ns, false, conn, [&](index_t) { ++n; });
    }
    return n;
}

} // namespace

TEST_CASE("tripartite: p = 1 pairs every primary connection, for every primary rule",
          "[tripartite]") {
    const index_t ns = 6, nt = 6, na = 3;
    struct Case {
        ConnectionRule::Kind kind;
        double p;
        std::uint32_t k;
        std::uint64_t expected;
    };
    for (const Case& c : {Case{ConnectionRule::Kind::one_to_one, 0, 0, 6},
                          Case{ConnectionRule::Kind::all_to_all, 0, 0, 36},
                          Case{ConnectionRule::Kind::fixed_indegree, 0, 3, 18},
                          Case{ConnectionRule::Kind::bernoulli, 1.0, 0, 36}}) {
        const auto pj = primary(c.kind, c.p, c.k, 1.0, ThirdFactorSpec::Pool::block, 1);
        const auto links = draw_tripartite(pj, 0, ns, nt, na, 7);
        INFO("rule " << rule_name(c.kind));
        CHECK(primary_count(pj, ns, nt, 7) == c.expected);
        CHECK(links.astro_out.sources.size() == c.expected); // a -> t, one per primary
        CHECK(links.astro_in.sources.size() == c.expected);  // s -> a, one per primary
        CHECK(links.astro_in.offsets.size() == na + 1u);
        CHECK(links.astro_out.offsets.size() == nt + 1u);
    }
}

TEST_CASE("tripartite: block pools map targets to astrocytes", "[tripartite]") {
    SECTION("pool_size 1: runs of n_target / n_astro targets share an astrocyte") {
        const auto pj =
            primary(ConnectionRule::Kind::all_to_all, 0, 0, 1.0, ThirdFactorSpec::Pool::block, 1);
        const auto links = draw_tripartite(pj, 0, 4, 12, 3, 1);
        for (index_t j = 0; j < 12; ++j)
            for (auto e = links.astro_out.offsets[j]; e < links.astro_out.offsets[j + 1]; ++e)
                CHECK(links.astro_out.sources[e] == j / 4);
        CHECK(block_pool(11, 12, 3, 1).first == 2);
    }
    SECTION("pool_size k: target j owns astrocytes [j k, (j+1) k)") {
        const auto pj =
            primary(ConnectionRule::Kind::all_to_all, 0, 0, 1.0, ThirdFactorSpec::Pool::block, 3);
        const auto links = draw_tripartite(pj, 0, 20, 4, 12, 1);
        std::map<index_t, std::set<index_t>> used;
        for (index_t j = 0; j < 4; ++j)
            for (auto e = links.astro_out.offsets[j]; e < links.astro_out.offsets[j + 1]; ++e) {
                const index_t a = links.astro_out.sources[e];
                CHECK(a >= 3 * j);
                CHECK(a < 3 * (j + 1));
                used[j].insert(a);
            }
        for (index_t j = 0; j < 4; ++j) CHECK(used[j].size() == 3); // 20 draws hit all three
    }
}

TEST_CASE("tripartite: random pools bound the distinct astrocytes per target", "[tripartite]") {
    const index_t ns = 200, nt = 100, na = 40;
    const std::uint32_t pool = 5;
    const auto pj =
        primary(ConnectionRule::Kind::bernoulli, 0.3, 0, 0.5, ThirdFactorSpec::Pool::random, pool);
    const auto links = draw_tripartite(pj, 0, ns, nt, na, 3);
    std::set<index_t> all;
    double used = 0;
    for (index_t j = 0; j < nt; ++j) {
        std::set<index_t> distinct;
        for (auto e = links.astro_out.offsets[j]; e < links.astro_out.offsets[j + 1]; ++e) {
            REQUIRE(links.astro_out.sources[e] < na);
            distinct.insert(links.astro_out.sources[e]);
        }
        CHECK(distinct.size() <= pool);
        used += static_cast<double>(distinct.size());
        all.insert(distinct.begin(), distinct.end());
    }
    // ~30 paired connections per target: a pool member stays unused with probability
    // (4/5)^30 ~ 1e-3, so nearly every target uses all five.
    CHECK(used / nt > pool - 0.05);
    CHECK(all.size() == na); // pools differ between targets and cover the population
    // Every s -> a link matches an a -> t link: per astrocyte, the counts agree.
    std::vector<std::uint64_t> out_count(na, 0);
    for (auto a : links.astro_out.sources) ++out_count[a];
    for (index_t a = 0; a < na; ++a)
        CHECK(links.astro_in.offsets[a + 1] - links.astro_in.offsets[a] == out_count[a]);
}

TEST_CASE("tripartite: pairing is Bernoulli(p) per primary connection", "[tripartite]") {
    const index_t ns = 400, nt = 4000, na = 50;
    for (double p : {0.1, 0.3, 0.5}) {
        const auto pj =
            primary(ConnectionRule::Kind::bernoulli, 0.2, 0, p, ThirdFactorSpec::Pool::random, 10);
        const auto links = draw_tripartite(pj, 0, ns, nt, na, 11);
        const double n = static_cast<double>(primary_count(pj, ns, nt, 11));
        const double paired = static_cast<double>(links.astro_out.sources.size());
        const double sd = std::sqrt(n * p * (1 - p));
        INFO("p = " << p << ", primary " << n << ", paired " << paired);
        CHECK(std::abs(paired - n * p) < 5 * sd);
        // Per-target paired counts: mean and variance of Binomial(indegree, p) mixed over the
        // Binomial(ns, 0.2) in-degrees: mean ns q p, variance ns q p (1 - q p) with q = 0.2.
        double sum = 0, sum2 = 0;
        for (index_t j = 0; j < nt; ++j) {
            const double c =
                static_cast<double>(links.astro_out.offsets[j + 1] - links.astro_out.offsets[j]);
            sum += c;
            sum2 += c * c;
        }
        const double mean = sum / nt, var = sum2 / nt - mean * mean;
        const double qp = 0.2 * p;
        CHECK(mean == Approx(ns * qp).epsilon(0.02));
        // The sample variance of 4000 targets has a relative standard error of ~2%.
        CHECK(var == Approx(ns * qp * (1 - qp)).epsilon(0.1));
    }
}

TEST_CASE("tripartite: the derived projections do not depend on the thread count", "[tripartite]") {
    const auto registry = models::builtin_registry();
    auto build = [&](int threads) {
        NetworkSpec spec;
        spec.threads = threads;
        spec.seed = 5;
        PopulationSpec pre{"pre", registry.find("poisson_source"), 60, {}, {}, {}, {}};
        pre.params = pre.model->default_params();
        PopulationSpec post{"post", registry.find("lif_curr_exp"), 50, {}, {}, {}, {}};
        post.params = post.model->default_params();
        PopulationSpec astro{"astro", registry.find("astrocyte_lr"), 20, {}, {}, {}, {}};
        astro.params = astro.model->default_params();
        spec.populations = {pre, post, astro};
        auto pj = primary(ConnectionRule::Kind::fixed_indegree, 0, 12, 0.5,
                          ThirdFactorSpec::Pool::random, 4);
        pj.third_factor.weight_in = ValueSpec::constant(1.0);
        pj.third_factor.delay_in = ValueSpec::constant(1.0, Dim::time);
        pj.third_factor.weight_out = ValueSpec::constant(0.5);
        pj.third_factor.delay_out = ValueSpec::constant(2.0, Dim::time);
        pj.third_factor.channel_out = 2;
        spec.projections = {pj};
        return Network(spec);
    };
    const Network a = build(1), b = build(3);
    REQUIRE(a.projections().size() == 3);
    REQUIRE(b.projections().size() == 3);
    CHECK(a.projection_specs()[1].name == "syn.astrocyte_in");
    CHECK(a.projection_specs()[2].name == "syn.astrocyte_out");
    CHECK(a.projection_specs()[2].continuous);
    for (std::size_t i = 0; i < 3; ++i) {
        auto ea = a.projections()[i].edges(), eb = b.projections()[i].edges();
        auto key = [](const Projection::Edge& e) {
            return std::tuple(e.target, e.source, e.weight, e.delay);
        };
        std::vector<std::tuple<index_t, index_t, float, std::uint16_t>> ka, kb;
        for (const auto& e : ea) ka.push_back(key(e));
        for (const auto& e : eb) kb.push_back(key(e));
        std::sort(ka.begin(), ka.end());
        std::sort(kb.begin(), kb.end());
        INFO("projection " << i);
        CHECK(ka == kb);
    }
    CHECK(a.projections()[2].size() == a.projections()[1].size());
    // Each primary synapse carries the astrocyte covering it: as many tagged synapses as
    // astrocyte links, and for each target the tags are exactly its astrocyte_out sources.
    for (const Network* net : {&a, &b}) {
        std::map<index_t, std::multiset<index_t>> tagged, linked;
        for (std::size_t part = 0; part < net->projections()[0].parts(); ++part) {
            const auto v = net->projections()[0].part(part);
            REQUIRE(v.tag != nullptr);
            for (std::size_t e = 0; e < v.size; ++e)
                if (v.tag[e] != kNoTag) tagged[v.cols[e]].insert(v.tag[e]);
        }
        for (const auto& e : net->projections()[2].edges()) linked[e.target].insert(e.source);
        CHECK(tagged == linked);
    }
}

TEST_CASE("coupling rules: ring neighbours and symmetric Bernoulli pairs", "[tripartite]") {
    CouplingSpec ring;
    ring.rule = CouplingSpec::Rule::ring;
    ring.neighbours = 2;
    const auto nb = draw_coupling(ring, 10, 1, 0);
    REQUIRE(nb.size() == 10);
    CHECK(nb[0] == std::vector<index_t>{1, 2, 8, 9});
    CHECK(nb[5] == std::vector<index_t>{3, 4, 6, 7});
    CouplingSpec bern;
    bern.rule = CouplingSpec::Rule::bernoulli;
    bern.p = 0.1;
    const index_t n = 400;
    const auto b = draw_coupling(bern, n, 3, 1);
    double pairs = 0;
    for (index_t i = 0; i < n; ++i)
        for (index_t j : b[i]) {
            CHECK(j != i);
            CHECK(std::binary_search(b[j].begin(), b[j].end(), i)); // symmetric
            pairs += 0.5;
        }
    const double m = n * (n - 1) / 2.0;
    CHECK(std::abs(pairs - m * 0.1) < 5 * std::sqrt(m * 0.1 * 0.9));
    CHECK(draw_coupling({}, 5, 1, 0).empty());
}

TEST_CASE("tripartite: paired in-degrees follow the binomial (chi-square, fixed seeds)",
          "[tripartite]") {
    // NEST's check: with a Bernoulli(p_c) primary rule and pairing probability p, a target's
    // number of paired connections is Binomial(n_source, p_c p). Bins with expected counts
    // below 5 are merged; the statistic must stay below the 99.9% quantile for most seeds.
    const index_t ns = 100, nt = 2000, na = 50;
    const double p_c = 0.3;
    int passed = 0;
    const int seeds = 10;
    for (double p : {0.1, 0.3, 0.5}) {
        for (int seed = 1; seed <= seeds; ++seed) {
            const auto pj = primary(ConnectionRule::Kind::bernoulli, p_c, 0, p,
                                    ThirdFactorSpec::Pool::random, 5);
            const auto links = draw_tripartite(pj, 0, ns, nt, na, static_cast<std::uint64_t>(seed));
            std::vector<double> observed(ns + 1, 0.0);
            for (index_t j = 0; j < nt; ++j)
                observed[links.astro_out.offsets[j + 1] - links.astro_out.offsets[j]] += 1;
            // Binomial pmf by recurrence.
            const double q = p_c * p;
            std::vector<double> pmf(ns + 1);
            pmf[0] = std::pow(1 - q, ns);
            for (index_t k = 1; k <= ns; ++k) pmf[k] = pmf[k - 1] * (ns - k + 1) / k * q / (1 - q);
            // Merge bins from both ends until every expected count is at least 5.
            std::vector<std::pair<double, double>> bins; // (expected, observed)
            double e = 0, o = 0;
            for (index_t k = 0; k <= ns; ++k) {
                e += pmf[k] * nt;
                o += observed[k];
                if (e >= 5) {
                    bins.push_back({e, o});
                    e = o = 0;
                }
            }
            bins.back().first += e;
            bins.back().second += o;
            double chi2 = 0;
            for (const auto& [ex, ob] : bins) chi2 += (ob - ex) * (ob - ex) / ex;
            const double dof = static_cast<double>(bins.size() - 1);
            // Wilson-Hilferty approximation of the 99.9% chi-square quantile.
            const double z = 3.09, c = 2.0 / (9.0 * dof);
            const double limit = dof * std::pow(1 - c + z * std::sqrt(c), 3);
            passed += chi2 < limit;
        }
    }
    // At the 0.1% level essentially every seed passes; a biased rule fails most of them.
    CHECK(passed >= 3 * seeds - 1);
}
