// SPDX-License-Identifier: MIT
// The task runner (tasks/runner.hpp): input streams, state readers against spikes counted
// independently, the memory-capacity score on a delay line (MC = its length), and CI-sized
// versions of the shipped tasks, run through the run session, beating chance by a clear margin.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/rng.hpp"
#include "core/simulation.hpp"
#include "session/run_session.hpp"
#include "task_support.hpp"
#include "tasks/experiment_file.hpp"
#include "tasks/runner.hpp"
#include "test_support.hpp"

using namespace gliasim;
using namespace gliasim::test;

TEST_CASE("task streams: memory capacity draws u in [-1, 1], recall one-hot groups", "[task]") {
    const TaskSpec t = task_spec("kind = \"memory_capacity\"\nwashout = 100\ntrain = 4000\n"
                                 "validation = 500\ntest = 400\nrate0 = 30\n",
                                 10);
    const auto s = tasks::make_stream(t, 10);
    REQUIRE(s.values.size() == 5000);
    double mean = 0, square = 0;
    for (std::size_t n = 0; n < s.values.size(); ++n) {
        CHECK(s.values[n] >= -1.0);
        CHECK(s.values[n] <= 1.0);
        mean += s.values[n];
        square += s.values[n] * s.values[n];
        const float* rate = s.items->rates.data() + s.items->sequence[n] * 10;
        CHECK(rate[3] == Approx(30.0 * (1.0 + s.values[n])).epsilon(1e-6));
    }
    mean /= 5000;
    CHECK(std::abs(mean) < 4 * std::sqrt(1.0 / 3.0 / 5000)); // U[-1, 1]: variance 1/3
    CHECK(square / 5000 == Approx(1.0 / 3.0).epsilon(0.05));

    const TaskSpec recall = task_spec("kind = \"delayed_recall\"\nwashout = 100\ntrain = 4000\n"
                                      "validation = 500\ntest = 400\nsymbols = 4\nrate = 80\n",
                                      10);
    const auto r = tasks::make_stream(recall, 10);
    std::vector<int> seen(4, 0);
    for (auto a : r.symbol) ++seen[a];
    for (int c : seen) CHECK(std::abs(c - 1250) < 4 * std::sqrt(5000 * 0.25 * 0.75));
    // Symbol a drives entities [10a/4, 10(a+1)/4) at 80 Hz and nothing else.
    for (std::uint32_t a = 0; a < 4; ++a)
        for (std::size_t i = 0; i < 10; ++i) {
            const bool in_group = i >= 10 * a / 4 && i < 10 * (a + 1) / 4;
            CHECK(r.items->rates[a * 10 + i] == (in_group ? 80.0f : 0.0f));
        }
}

TEST_CASE("task readers: spike counts per item match the recorded spikes", "[task]") {
    const char* text = R"(
[simulation]
dt = "0.5 ms"
seed = 3
[task]
kind = "delayed_recall"
input = "input"
item = "20 ms"
gap = "5 ms"
washout = 10
train = 30
validation = 10
test = 10
symbols = 4
rate = "200 Hz"
delays = [0, 1]
readout = ["input"]
reader = "counts"
[populations.input]
model = "item_source"
size = 20
[recorders.spikes]
kind = "spikes"
)";
    Experiment ex = experiment(text);
    const TaskSpec& task = *tasks::task_of(ex);
    const auto stream = tasks::make_stream(task, 20);
    ex.network.populations[task.input].inputs.set_shared<ItemStream>(kItemsInput, stream.items);
    Simulation sim(ex.network);
    sim.keep_spikes(0);
    MemoryBackend mb;
    sim.run(mb);
    const Eigen::MatrixXd counts = tasks::read_states(sim, task, 60);
    // Independently from the recorded spike times: item n spans (25 n, 25 n + 20] ms.
    Eigen::MatrixXd expected = Eigen::MatrixXd::Zero(60, 20);
    for (std::size_t k = 0; k < mb.spikes[0].times.size(); ++k) {
        const double t = mb.spikes[0].times[k];
        const auto n = static_cast<Eigen::Index>(std::floor((t - 1e-9) / 25.0));
        const double into = t - 25.0 * static_cast<double>(n);
        CHECK(into <= 20.0 + 1e-9); // silent in the gaps
        expected(n, static_cast<Eigen::Index>(mb.spikes[0].ids[k])) += 1;
    }
    CHECK(counts == expected);
    // Only the shown symbol's group fires: 5 entities per symbol, ~4 spikes each per item.
    for (Eigen::Index n = 0; n < 60; ++n) {
        const auto a = static_cast<Eigen::Index>(stream.symbol[static_cast<std::size_t>(n)]);
        CHECK(counts.row(n).sum() == counts.row(n).segment(5 * a, 5).sum());
    }
    CHECK(counts.sum() > 60 * 5 * 2);
}

TEST_CASE("memory capacity of a delay line is its length", "[task]") {
    const TaskSpec t = task_spec("kind = \"memory_capacity\"\nwashout = 50\ntrain = 1500\n"
                                 "validation = 300\ntest = 1000\nmax_delay = 12\n",
                                 1);
    const auto s = tasks::make_stream(t, 1);
    // State of item n: u(n), u(n - 1), ..., u(n - 7): delays 1..7 are recoverable exactly.
    const std::uint64_t n = 2850;
    Eigen::MatrixXd states = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), 8);
    for (std::uint64_t k = 0; k < n; ++k)
        for (std::uint64_t i = 0; i < 8 && i <= k; ++i)
            states(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i)) = s.values[k - i];
    const auto r = tasks::score(t, s, states);
    const auto& mc = r.curves[0].second;
    for (std::size_t k = 0; k < 7; ++k) CHECK(mc[k] == Approx(1.0).margin(1e-6));
    for (std::size_t k = 7; k < 12; ++k) CHECK(mc[k] < 0.02); // chance on 1000 test items
    CHECK(r.scalars[0].second == Approx(7.0).margin(0.1));
    CHECK(r.scalars[1] == std::pair<std::string, double>{"memory_capacity_chance", 12.0 / 999});
}

TEST_CASE("CI-sized tasks: the spiking reservoir remembers, above chance", "[task]") {
    {
        const auto r = run_shipped("tasks/memory_capacity.toml", short_run());
        const double mc = r.scalars[0].second;
        WARN("memory capacity (short run) " << mc);
        // Chance: about max_delay / test = 40 / 200 = 0.2 of corr^2 summed over delays.
        CHECK(mc > 0.45);
        CHECK(r.curves[0].second[0] > 0.2); // u(n - 1) is read well above chance (1/200)
    }
    {
        const auto r = run_shipped("tasks/delayed_recall.toml",
                                   {"task.washout=50", "task.train=600", "task.validation=150",
                                    "task.test=300", "task.delays=[0, 1, 6]"});
        const auto& acc = r.curves[1].second;
        WARN("recall accuracy at delays 0, 1, 6: " << acc[0] << ", " << acc[1] << ", " << acc[2]);
        CHECK(acc[1] > 2.0 / 8.0); // chance 1/8
        CHECK(acc[1] > acc[2]);    // memory fades
    }
}

TEST_CASE("CI-sized next-character prediction beats the unigram baseline", "[task]") {
    const std::string text =
        std::string(GLIASIM_SOURCE_DIR) + "/tests/fixtures/text/kjv_genesis_1-6.txt";
    const auto r = run_shipped("tasks/next_char.toml",
                               {"task.text=\"" + text + "\"", "task.washout=50", "task.train=3000",
                                "task.validation=300", "task.test=1000"});
    auto scalar = [&](const std::string& name) {
        for (const auto& [n, v] : r.scalars)
            if (n == name) return v;
        FAIL("no scalar " << name);
        return 0.0;
    };
    const double bpc = scalar("bits_per_character");
    WARN("BPC " << bpc << " vs unigram " << scalar("ngram0_kneser_ney_bpc") << ", bigram "
                << scalar("ngram1_kneser_ney_bpc"));
    CHECK(bpc < scalar("ngram0_kneser_ney_bpc") - 0.2);
    CHECK(scalar("perplexity") == Approx(std::pow(2.0, bpc)));
}

TEST_CASE("CI-sized Fashion-MNIST with the NALSM protocol beats chance", "[task]") {
    const char* env = std::getenv("GLIASIM_FASHION_MNIST_DIR");
    const std::string dir = env ? env : "/usr/share/datasets/fashion-mnist";
    if (!std::filesystem::is_directory(dir)) {
        WARN("Fashion-MNIST not installed (" << dir << "); scripts/install_deps.sh installs it");
        return;
    }
    // 100 self-organisation images (2 s), then images of 100 ms instead of 250 ms.
    std::string text = read_text("tasks/fashion_mnist_nalsm.toml");
    // (The resets and learn_until follow task.selforg through "selforg_end".)
    const std::string from = "\"250 ms\"", to = "\"100 ms\"";
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at))
        text.replace(at, from.size(), to);
    const auto r = run_text(
        text, {"task.selforg=100", "task.train=300", "task.validation=100", "task.test=200"});
    const double accuracy = r.scalars[0].second;
    WARN("Fashion-MNIST accuracy (300 training images) " << accuracy);
    CHECK(accuracy > 0.5); // chance 0.1
}

TEST_CASE("nback scores by balanced accuracy: conjunction features solve N = 1, not N = 2",
          "[task]") {
    const TaskSpec t = task_spec("kind = \"nback\"\nsymbols = 3\ndelays = [1, 2]\nwashout = 10\n"
                                 "train = 900\nvalidation = 200\ntest = 600\n",
                                 30);
    const auto s = tasks::make_stream(t, 30);
    // One feature per (current, previous) symbol pair: "match at N = 1" is linear in them.
    const std::uint64_t n = 1710;
    Eigen::MatrixXd states = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), 9);
    for (std::uint64_t k = 1; k < n; ++k)
        states(static_cast<Eigen::Index>(k), 3 * s.symbol[k] + s.symbol[k - 1]) = 1;
    const auto r = tasks::score(t, s, states);
    const auto& acc = r.curves[1].second;
    CHECK(acc[0] == Approx(1.0));
    CHECK(std::abs(acc[1] - 0.5) < 0.1); // N = 2 is not in the features: chance
}

TEST_CASE("task figures are identical with 1 and 2 threads", "[task]") {
    auto run = [](int threads) {
        return run_shipped("tasks/memory_capacity.toml",
                           {"task.washout=40", "task.train=300", "task.validation=100",
                            "task.test=100", "task.max_delay=20",
                            "simulation.threads=" + std::to_string(threads)});
    };
    const auto one = run(1), two = run(2);
    CHECK(one.curves[0].second == two.curves[0].second);
    CHECK(one.scalars[0].second == two.scalars[0].second);
}

TEST_CASE("associative recall streams: episodes of pairs, then the target key alone", "[task]") {
    const TaskSpec t = task_spec("kind = \"associative_recall\"\nteacher = \"teacher\"\nkeys = 6\n"
                                 "values = 4\ncode_size = 3\nrate = 90\ndelays = [0, 3]\n"
                                 "washout = 2\ntrain = 40\nvalidation = 10\ntest = 20\n",
                                 12, 8);
    const auto s = tasks::make_stream(t, 12, 8);
    // 72 episodes: half with no interfering pair (2 items), half with 3 (5 items).
    REQUIRE(tasks::task_items(t) == 36 * 2 + 36 * 5);
    REQUIRE(s.query_item.size() == 72);
    const ItemStream &keys = *s.items, &values = *s.teacher;
    REQUIRE(keys.sequence.size() == tasks::task_items(t));
    REQUIRE(values.width == 8);
    // Codes: code_size lines at `rate`, the rest silent; the teacher's last pattern is silence.
    for (std::uint32_t k = 0; k < 6; ++k)
        CHECK(std::count(keys.rates.begin() + k * 12, keys.rates.begin() + (k + 1) * 12, 90.0f) ==
              3);
    for (std::uint32_t v = 0; v < 4; ++v)
        CHECK(std::count(values.rates.begin() + v * 8, values.rates.begin() + (v + 1) * 8, 90.0f) ==
              3);
    CHECK(std::count(values.rates.begin() + 32, values.rates.end(), 0.0f) == 8);
    std::uint64_t item = 0;
    for (std::size_t e = 0; e < 72; ++e) {
        const std::uint32_t L = e % 2 ? 3 : 0;
        CHECK(s.query_interference[e] == L);
        const auto target = keys.sequence[item];
        CHECK(values.sequence[item] == s.query_value[e]); // the target pair is written first
        for (std::uint32_t l = 1; l <= L; ++l) {
            CHECK(keys.sequence[item + l] != target); // interfering pairs use other keys
            CHECK(values.sequence[item + l] < 4);
        }
        item += L + 1;
        CHECK(s.query_item[e] == item);
        CHECK(keys.sequence[item] == target); // the query: the target key, the teacher silent
        CHECK(values.sequence[item] == 4);
        ++item;
    }
}

TEST_CASE("associative recall scores the query rows, per number of interfering pairs", "[task]") {
    const TaskSpec t = task_spec("kind = \"associative_recall\"\nteacher = \"teacher\"\nkeys = 10\n"
                                 "values = 5\ndelays = [0, 2, 7]\nwashout = 3\ntrain = 600\n"
                                 "validation = 150\ntest = 600\n",
                                 20, 20);
    const auto s = tasks::make_stream(t, 20, 20);
    // Query states: the value one-hot after 0 or 2 interfering pairs, an unrelated symbol
    // after 7; every other item's row is noise the scorer must not read.
    Eigen::MatrixXd states =
        Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(tasks::task_items(t)), 5, 3.0);
    for (std::size_t e = 0; e < s.query_item.size(); ++e) {
        auto row = states.row(static_cast<Eigen::Index>(s.query_item[e]));
        row.setZero();
        RandomStream rs(99, Stream::task, 0, e);
        const auto hot = s.query_interference[e] == 7 ? rs.below(5) : s.query_value[e];
        row(static_cast<Eigen::Index>(hot)) = 1;
    }
    const auto r = tasks::score(t, s, states);
    REQUIRE(r.curves[0].second == std::vector<double>{0, 2, 7});
    const auto& acc = r.curves[1].second;
    CHECK(acc[0] == 1.0);
    CHECK(acc[1] == 1.0);
    CHECK(std::abs(acc[2] - 0.2) < 0.1); // 200 test queries at chance 1/5
}

TEST_CASE("CI-sized associative recall through a fast-weight memory", "[task]") {
    const auto r = run_shipped("tasks/associative_recall.toml",
                               {"task.washout=5", "task.train=200", "task.validation=50",
                                "task.test=200", "task.delays=[0, 16]"});
    const auto& acc = r.curves[1].second;
    WARN("recall after 0 and 16 interfering pairs: " << acc[0] << ", " << acc[1]);
    CHECK(acc[0] > 0.5);          // chance 1/8
    CHECK(acc[1] < acc[0] - 0.2); // the memory decays by rho per window
}

TEST_CASE("task kinds by name: the registry lists each kind once, an unknown name is refused",
          "[task]") {
    const auto names = tasks::builtin_task_kinds().names();
    CHECK(names == std::vector<std::string>{"memory_capacity", "delayed_recall", "nback",
                                            "next_char", "image_classification",
                                            "associative_recall", "parity", "dms"});
    CHECK(tasks::builtin_task_kinds().find("nbak") == nullptr);
    TaskSpec t;
    t.kind = "nbak";
    CHECK_THROWS_AS(tasks::task_kind(t), std::invalid_argument);
    tasks::TaskKindRegistry r;
    r.add(tasks::TaskKind{.name = "x"});
    CHECK_THROWS_AS(r.add(tasks::TaskKind{.name = "x"}), std::logic_error);
}

namespace {

// The parity of the last `window` bits before and at item n, as a sum modulo 2.
int parity_of(const std::vector<std::uint32_t>& bits, std::size_t n, std::uint32_t window) {
    return static_cast<int>(
        std::accumulate(bits.begin() + static_cast<std::ptrdiff_t>(n + 1 - window),
                        bits.begin() + static_cast<std::ptrdiff_t>(n + 1), 0u) %
        2);
}

TaskSpec parity_task() {
    return task_spec("kind = \"parity\"\nrate = 50\nwindows = [1, 2, 3, 6]\nwashout = 10\n"
                     "train = 2000\nvalidation = 400\ntest = 1600\n",
                     10);
}

} // namespace

TEST_CASE("parity streams: fair independent bits, one-hot on two groups", "[task]") {
    const TaskSpec t = parity_task();
    const auto s = tasks::make_stream(t, 10);
    const std::size_t n = 4010;
    REQUIRE(s.symbol.size() == n);
    REQUIRE(s.items->sequence.size() == n);
    const double sd = std::sqrt(n * 0.25); // binomial(n, 1/2)
    std::size_t ones = 0, repeats = 0, odd3 = 0;
    for (std::size_t k = 0; k < n; ++k) {
        REQUIRE(s.symbol[k] <= 1);
        CHECK(s.items->sequence[k] == s.symbol[k]);
        ones += s.symbol[k];
        if (k > 0) repeats += s.symbol[k] == s.symbol[k - 1];
        if (k >= 2) odd3 += parity_of(s.symbol, k, 3);
    }
    CHECK(std::abs(static_cast<double>(ones) - n / 2.0) < 4 * sd);
    CHECK(std::abs(static_cast<double>(repeats) - (n - 1) / 2.0) < 4 * sd); // independent
    CHECK(std::abs(static_cast<double>(odd3) - (n - 2) / 2.0) < 4 * sd);    // fair targets
    // Bit b drives entities [5b, 5b + 5) at 50 Hz and nothing else.
    for (std::uint32_t b = 0; b < 2; ++b)
        for (std::size_t i = 0; i < 10; ++i)
            CHECK(s.items->rates[b * 10 + i] == (i / 5 == b ? 50.0f : 0.0f));
}

TEST_CASE("parity scoring: windows held in the state are read exactly, others at chance",
          "[task]") {
    const TaskSpec t = parity_task();
    const auto s = tasks::make_stream(t, 2);
    // States: the parities of windows 1, 2 and 3 (computed here as sums modulo 2); window 6 is
    // not in them, and parity is not linear in the three, so it is read at chance.
    const std::size_t n = 4010;
    Eigen::MatrixXd states = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), 3);
    for (std::size_t k = 2; k < n; ++k)
        for (std::uint32_t w = 1; w <= 3; ++w)
            states(static_cast<Eigen::Index>(k), w - 1) = parity_of(s.symbol, k, w);
    const auto r = tasks::score(t, s, states);
    REQUIRE(r.curves[0].second == std::vector<double>{1, 2, 3, 6});
    const auto& acc = r.curves[1].second;
    CHECK(acc[0] == 1.0);
    CHECK(acc[1] == 1.0);
    CHECK(acc[2] == 1.0);
    CHECK(std::abs(acc[3] - 0.5) < 4 * std::sqrt(0.25 / 1600));
    CHECK(r.scalars[1] == std::pair<std::string, double>{"mean_accuracy_chance", 0.5});
}

TEST_CASE("a parity run: the input's own spikes give the last bit exactly, not a window of 2",
          "[task]") {
    const char* text = R"(
[simulation]
dt = "0.5 ms"
seed = 5
[task]
kind = "parity"
input = "input"
item = "20 ms"
gap = "5 ms"
washout = 5
train = 300
validation = 60
test = 300
rate = "200 Hz"
windows = [1, 2]
readout = ["input"]
reader = "counts"
[populations.input]
model = "item_source"
size = 20
)";
    const auto r = run_text(text, {});
    // Item n's spike counts show bit n alone (10 entities at 200 Hz for 20 ms: a silent group
    // has probability e^-40): window 1 is read exactly; window 2 (b(n) xor b(n - 1)) is
    // independent of them, so at chance within 4 standard deviations of 300 test items.
    const auto& acc = r.curves[1].second;
    CHECK(acc[0] == 1.0);
    CHECK(std::abs(acc[1] - 0.5) < 4 * std::sqrt(0.25 / 300));
}

TEST_CASE("parity from its experiment file: N = 2 and 3 over slow items, run shortened", "[task]") {
    // The shipped file as written: one bit every 500 ms, windows 2 and 3.
    const Experiment ex = experiment(read_text("tasks/parity.toml"));
    const TaskSpec& task = *tasks::task_of(ex);
    CHECK(task.kind == "parity");
    CHECK(task.item_ms + task.gap_ms == 500.0);
    // Shortened (fewer and faster items) and read from the input's own spikes: window 1 is in
    // them, the parity of 2 and 3 bits is not (chance within 4 standard deviations).
    const auto r =
        run_shipped("tasks/parity.toml",
                    {"task.washout=4", "task.train=200", "task.validation=40", "task.test=200",
                     "task.item=\"20 ms\"", "task.gap=\"5 ms\"", "task.windows=[1, 2, 3]",
                     "task.readout=[\"input\"]", "task.reader=\"counts\"", "task.rate=\"200 Hz\""});
    REQUIRE(r.curves[0].second == std::vector<double>{1, 2, 3});
    const auto& acc = r.curves[1].second;
    CHECK(acc[0] == 1.0);
    CHECK(std::abs(acc[1] - 0.5) < 4 * std::sqrt(0.25 / 200));
    CHECK(std::abs(acc[2] - 0.5) < 4 * std::sqrt(0.25 / 200));
}
