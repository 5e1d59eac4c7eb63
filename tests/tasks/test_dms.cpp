// SPDX-License-Identifier: MIT
// The dms task kind (tasks/kinds/dms.cpp): its keys and their refusals, its stream (samples on
// their domains, silent delays, probes at probe_gain, matches half the time), its score on
// synthetic probe states with a known answer, and a short run of experiments/tasks/dms.toml
// whose shuffled null sits at chance (its real accuracy per delay is printed, not asserted).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "task_support.hpp"
#include "tasks/metrics_null.hpp"
#include "tasks/runner.hpp"
#include "tasks/task_kind.hpp"

using namespace gliasim;
using namespace gliasim::test;

namespace {

const std::vector<double>& curve(const tasks::TaskResult& r, const std::string& name) {
    for (const auto& [n, v] : r.curves)
        if (n == name) return v;
    FAIL("no curve " << name);
    return r.curves.front().second;
}

// Five standard deviations of a balanced accuracy of guesses blind to two classes of about
// E/2 items each (each recall's variance at most 1/4 over its count; the mean halves it).
double balanced_bound(double E) {
    return 5 * 0.5 * std::sqrt(0.25 / (E / 2) + 0.25 / (E / 2));
}

// Line 14 holds the first key after the splits, so refusals have known positions.
const char* kDms = R"([simulation]
dt = "0.5 ms"
[populations.input]
model = "item_source"
size = 40
[task]
kind = "dms"
input = "input"
readout = ["input"]
washout = 2
train = 30
validation = 10
test = 20
)";

TaskSpec spec(const std::string& extra, const std::vector<std::string>& splits) {
    const Experiment ex = experiment(std::string(kDms) + extra, splits);
    REQUIRE(tasks::task_of(ex));
    TaskSpec t = *tasks::task_of(ex);
    t.seed = 5;
    return t;
}

void refused(const std::string& extra, int line, int column, const std::string& key,
             const std::string& message) {
    try {
        experiment(std::string(kDms) + extra);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.line() == static_cast<std::uint32_t>(line));
        CHECK(e.column() == static_cast<std::uint32_t>(column));
        CHECK(e.key() == key);
        CHECK(e.message() == message);
    }
}

} // namespace

TEST_CASE("dms: its keys, their defaults written back, bad values refused at the value",
          "[task][dms]") {
    const Experiment ex = experiment(kDms);
    for (const char* key :
         {"samples = 4", "domains = 20", "domains_per_sample = 5", "probe_gain = 0.5"})
        CHECK(ex.resolved_toml.find(key) != std::string::npos);
    refused("domains = 41\n", 14, 11, "task.domains",
            "41 domains do not fit 'input' (40 entities)");
    refused("domains = 4\ndomains_per_sample = 5\n", 15, 22, "task.domains_per_sample",
            "domains_per_sample (5) must be at most domains (4)");
    refused("probe_gain = -1\n", 14, 14, "task.probe_gain",
            "probe_gain must be a positive number; got -1");
    refused("samples = 1\n", 14, 11, "task.samples", "expected a count in [2, 1000000], got 1");
    refused("colour = 1\n", 14, 1, "task.colour",
            "unknown key 'colour' in [task] of kind dms (allowed: kind, input, item, gap, washout, "
            "train, "
            "validation, test, seed, readout, reader, tau, rate, samples, domains, "
            "domains_per_sample, delays, probe_gain)");
}

TEST_CASE("dms stream: samples on their domains, silent delays, probes at probe_gain",
          "[task][dms]") {
    const TaskSpec t =
        spec("delays = [0, 3]\nprobe_gain = 0.25\nrate = \"80 Hz\"\n", {"task.test=2000"});
    const auto s = tasks::make_stream(t, 40);
    const ItemStream& it = *s.items;
    const std::size_t W = 40, S = 4, G = 20;
    REQUIRE(it.rates.size() == (2 * S + 1) * W);
    for (std::size_t p = 0; p < S; ++p) {
        std::set<std::size_t> on;
        for (std::size_t line = 0; line < W; ++line) {
            const float sample = it.rates[p * W + line], probe = it.rates[(S + p) * W + line];
            CHECK((sample == 0.0f || sample == 80.0f));
            CHECK(probe == sample * 0.25f);
            if (sample > 0) on.insert(line / (W / G));
        }
        CHECK(on.size() == 5); // domains_per_sample whole domains of 2 lines
        std::size_t lines = 0;
        for (std::size_t line = 0; line < W; ++line) lines += it.rates[p * W + line] > 0;
        CHECK(lines == 10);
    }
    for (std::size_t line = 0; line < W; ++line) CHECK(it.rates[2 * S * W + line] == 0.0f);
    REQUIRE(it.sequence.size() == tasks::task_items(t));
    REQUIRE(s.query_item.size() == t.episodes());
    std::size_t matches = 0, next = 0;
    for (std::size_t e = 0; e < t.episodes(); ++e) {
        const std::uint32_t D = e % 2 ? 3 : 0;
        CHECK(s.query_interference[e] == D);
        CHECK(s.query_item[e] == next + 1 + D);
        const auto sample = it.sequence[next];
        const auto probe = it.sequence[s.query_item[e]];
        CHECK(sample < S);
        for (std::uint32_t d = 1; d <= D; ++d) CHECK(it.sequence[next + d] == 2 * S);
        CHECK(probe >= S);
        CHECK((probe - S == sample) == (s.query_value[e] == 1));
        matches += s.query_value[e];
        next = s.query_item[e] + 1;
    }
    const double n = static_cast<double>(t.episodes());
    CHECK(std::abs(static_cast<double>(matches) / n - 0.5) < 5 * std::sqrt(0.25 / n));
}

TEST_CASE("dms score: perfect probe states give 1, shuffled labels give chance", "[task][dms]") {
    const TaskSpec t =
        spec("delays = [1, 2]\n", {"task.train=600", "task.validation=200", "task.test=1000"});
    const auto s = tasks::make_stream(t, 40);
    // Every row is noise-free zero but the probes, which carry the answer in one of two features.
    Eigen::MatrixXd states =
        Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(tasks::task_items(t)), 2);
    for (std::size_t e = 0; e < t.episodes(); ++e)
        states(static_cast<Eigen::Index>(s.query_item[e]), s.query_value[e]) = 1;
    const auto r = tasks::score(t, s, states);
    CHECK(scalar(r, "mean_balanced_accuracy") == 1.0);
    CHECK(scalar(r, "balanced_accuracy") == 1.0);
    CHECK(scalar(r, "mean_balanced_accuracy_chance") == 0.5);
    CHECK(curve(r, "delays") == std::vector<double>{1, 2});
    CHECK(curve(r, "balanced_accuracy_per_delay") == std::vector<double>{1, 1});
    CHECK(std::abs(scalar(r, "balanced_accuracy_shuffled") - 0.5) < balanced_bound(1000));
    for (double v : curve(r, "balanced_accuracy_per_delay_shuffled"))
        CHECK(std::abs(v - 0.5) < balanced_bound(500));
}

TEST_CASE("dms.toml, a short run: the shuffled null at chance and the accuracy per delay printed",
          "[task][dms][slow]") {
    const auto r = run_shipped("tasks/dms.toml", {"task.washout=5", "task.train=120",
                                                  "task.validation=40", "task.test=120"});
    CHECK(scalar(r, "balanced_accuracy_chance") == 0.5);
    CHECK(std::abs(scalar(r, "balanced_accuracy_shuffled") - 0.5) < balanced_bound(120));
    const auto& delays = curve(r, "delays");
    const auto& accuracy = curve(r, "balanced_accuracy_per_delay");
    std::string line = "dms.toml (control (i)) balanced accuracy per delay:";
    for (std::size_t i = 0; i < delays.size(); ++i)
        line +=
            " D=" + std::to_string(static_cast<int>(delays[i])) + ":" + std::to_string(accuracy[i]);
    WARN(line << "; overall " << scalar(r, "balanced_accuracy"));
}
