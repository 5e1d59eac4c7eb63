// SPDX-License-Identifier: MIT
#include "metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace gliasim::tasks {

namespace {

void require(bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument(what);
}

void check_labels(std::span<const int> truth, std::span<const int> predicted, int K,
                  const char* who) {
    require(truth.size() == predicted.size(),
            std::string(who) + ": truth and predictions differ in size");
    require(K >= 1, std::string(who) + ": num_classes must be >= 1");
    for (std::size_t i = 0; i < truth.size(); ++i) {
        require(truth[i] >= 0 && truth[i] < K && predicted[i] >= 0 && predicted[i] < K,
                std::string(who) + ": label outside [0, num_classes)");
    }
}

} // namespace

// ---------------------------------------------------------------- classification

double accuracy(std::span<const int> truth, std::span<const int> predicted) {
    require(truth.size() == predicted.size(), "accuracy: truth and predictions differ in size");
    require(!truth.empty(), "accuracy: no items");
    std::size_t hits = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) hits += truth[i] == predicted[i] ? 1 : 0;
    return static_cast<double>(hits) / static_cast<double>(truth.size());
}

Eigen::MatrixXi confusion_matrix(std::span<const int> truth, std::span<const int> predicted,
                                 int num_classes) {
    check_labels(truth, predicted, num_classes, "confusion matrix");
    Eigen::MatrixXi C = Eigen::MatrixXi::Zero(num_classes, num_classes);
    for (std::size_t i = 0; i < truth.size(); ++i) ++C(truth[i], predicted[i]);
    return C;
}

std::vector<double> per_class_accuracy(std::span<const int> truth, std::span<const int> predicted,
                                       int num_classes) {
    const Eigen::MatrixXi C = confusion_matrix(truth, predicted, num_classes);
    std::vector<double> out(static_cast<std::size_t>(num_classes));
    for (int k = 0; k < num_classes; ++k) {
        const int total = C.row(k).sum();
        out[static_cast<std::size_t>(k)] = total > 0 ? static_cast<double>(C(k, k)) / total
                                                     : std::numeric_limits<double>::quiet_NaN();
    }
    return out;
}

// ---------------------------------------------------------------- memory capacity

double squared_correlation(const Eigen::Ref<const Eigen::VectorXd>& a,
                           const Eigen::Ref<const Eigen::VectorXd>& b) {
    require(a.size() == b.size(), "correlation: sizes differ");
    require(a.size() >= 2, "correlation: needs at least two entries");
    const Eigen::ArrayXd ac = a.array() - a.mean();
    const Eigen::ArrayXd bc = b.array() - b.mean();
    const double saa = ac.square().sum(), sbb = bc.square().sum();
    if (!(saa > 0) || !(sbb > 0)) return 0.0;
    const double sab = (ac * bc).sum();
    return std::min(1.0, sab * sab / (saa * sbb));
}

Eigen::MatrixXd delayed_targets(std::span<const double> u, int max_delay) {
    require(max_delay >= 1, "delayed targets: max_delay must be >= 1");
    const auto n = static_cast<Eigen::Index>(u.size());
    Eigen::MatrixXd T = Eigen::MatrixXd::Zero(n, max_delay);
    for (int k = 1; k <= max_delay; ++k) {
        for (Eigen::Index t = k; t < n; ++t) T(t, k - 1) = u[static_cast<std::size_t>(t - k)];
    }
    return T;
}

MemoryCapacity memory_capacity(std::span<const double> u,
                               const Eigen::Ref<const Eigen::MatrixXd>& predictions,
                               std::int64_t first_step) {
    const auto T = static_cast<std::int64_t>(predictions.rows());
    const auto K = static_cast<std::int64_t>(predictions.cols());
    require(K >= 1, "memory capacity: no delays");
    require(T >= 2, "memory capacity: needs at least two test steps");
    require(first_step >= K, "memory capacity: first_step must be >= the largest delay");
    require(first_step + T <= static_cast<std::int64_t>(u.size()),
            "memory capacity: predictions run past the end of u");
    MemoryCapacity mc;
    mc.per_delay.resize(static_cast<std::size_t>(K));
    for (std::int64_t k = 1; k <= K; ++k) {
        const Eigen::Map<const Eigen::VectorXd> target(u.data() + (first_step - k), T);
        const double r2 = squared_correlation(predictions.col(k - 1), target);
        mc.per_delay[static_cast<std::size_t>(k - 1)] = r2;
        mc.total += r2;
    }
    return mc;
}

// ---------------------------------------------------------------- bits per character

double bits_per_character(std::span<const double> p_next, double floor) {
    require(!p_next.empty(), "bits per character: no items");
    require(floor > 0 && floor <= 1, "bits per character: floor must lie in (0, 1]");
    double sum = 0;
    for (double p : p_next) {
        require(!std::isnan(p), "bits per character: NaN probability");
        sum -= std::log2(std::max(p, floor));
    }
    return sum / static_cast<double>(p_next.size());
}

double bits_per_character(const Eigen::Ref<const Eigen::MatrixXd>& probabilities,
                          std::span<const int> next, double floor) {
    require(static_cast<Eigen::Index>(next.size()) == probabilities.rows(),
            "bits per character: probabilities and symbols differ in number");
    std::vector<double> p(next.size());
    for (std::size_t i = 0; i < next.size(); ++i) {
        require(next[i] >= 0 && next[i] < probabilities.cols(),
                "bits per character: symbol outside the alphabet");
        p[i] = probabilities(static_cast<Eigen::Index>(i), next[i]);
    }
    return bits_per_character(p, floor);
}

double perplexity(double bits_per_character) {
    return std::exp2(bits_per_character);
}

double top1_accuracy(const Eigen::Ref<const Eigen::MatrixXd>& probabilities,
                     std::span<const int> next) {
    require(static_cast<Eigen::Index>(next.size()) == probabilities.rows(),
            "top-1 accuracy: probabilities and symbols differ in number");
    require(!next.empty(), "top-1 accuracy: no items");
    std::size_t hits = 0;
    for (std::size_t i = 0; i < next.size(); ++i) {
        Eigen::Index k = 0;
        probabilities.row(static_cast<Eigen::Index>(i)).maxCoeff(&k);
        hits += k == next[i] ? 1 : 0;
    }
    return static_cast<double>(hits) / static_cast<double>(next.size());
}

NextSymbolScores score_next_symbol(const Eigen::Ref<const Eigen::MatrixXd>& probabilities,
                                   std::span<const int> next, double floor) {
    NextSymbolScores s;
    s.bits_per_character = bits_per_character(probabilities, next, floor);
    s.perplexity = perplexity(s.bits_per_character);
    s.top1_accuracy = top1_accuracy(probabilities, next);
    return s;
}

// ---------------------------------------------------------------- n-gram baselines

NgramModel::NgramModel(std::span<const int> train, int alphabet_size, int max_order,
                       double discount)
    : A_(alphabet_size), max_order_(max_order), D_(discount) {
    require(alphabet_size >= 1, "n-gram: alphabet_size must be >= 1");
    require(max_order >= 0 && max_order <= 8, "n-gram: max_order must lie in [0, 8]");
    require(discount > 0 && discount <= 1, "n-gram: discount must lie in (0, 1]");
    double span = 1;
    for (int j = 0; j <= max_order; ++j) span *= alphabet_size;
    require(span < 9.2e18, "n-gram: alphabet_size^(max_order + 1) too large for the keys");
    for (int s : train) check_symbol(s);

    const auto L = static_cast<std::size_t>(max_order) + 1;
    raw_.resize(L);
    cont_.resize(L);
    contexts_.resize(L);
    const auto A = static_cast<std::uint64_t>(A_);
    const std::size_t n = train.size();
    // Raw counts of the (j + 1)-grams ending at each position.
    for (std::size_t t = 0; t < n; ++t) {
        std::uint64_t key = 0, weight = 1;
        for (std::size_t j = 0; j < L && j <= t; ++j) {
            key += static_cast<std::uint64_t>(train[t - j]) * weight;
            weight *= A;
            ++raw_[j][key];
        }
    }
    // Continuation counts: each distinct (j + 2)-gram v h w adds one to N1+(. h w); the n-gram at
    // the very start adds one for the sequence start.
    std::uint64_t suffix_mod = A; // A^(j + 1)
    for (std::size_t j = 1; j < L; ++j) {
        for (const auto& [key, count] : raw_[j]) ++cont_[j - 1][key % suffix_mod];
        suffix_mod *= A;
    }
    for (std::size_t j = 0; j + 1 < L && j < n; ++j) ++cont_[j][code(train.first(j + 1))];
    // Per-context totals.
    for (std::size_t j = 0; j < L; ++j) {
        for (const auto& [key, count] : raw_[j]) {
            auto& c = contexts_[j][key / A];
            c.raw_total += count;
            ++c.raw_types;
        }
        for (const auto& [key, count] : cont_[j]) {
            auto& c = contexts_[j][key / A];
            c.cont_total += count;
            ++c.cont_types;
        }
    }
}

void NgramModel::check_symbol(int s) const {
    require(s >= 0 && s < A_, "n-gram: symbol outside [0, alphabet_size)");
}

std::uint64_t NgramModel::code(std::span<const int> symbols) const {
    std::uint64_t key = 0;
    for (int s : symbols)
        key = key * static_cast<std::uint64_t>(A_) + static_cast<std::uint64_t>(s);
    return key;
}

double NgramModel::probability_cut(std::span<const int> h, int w, NgramSmoothing smoothing) const {
    const std::size_t J = h.size();
    const auto A = static_cast<std::uint64_t>(A_);
    const auto ww = static_cast<std::uint64_t>(w);
    auto lookup = [](const Map& m, std::uint64_t key) -> double {
        const auto it = m.find(key);
        return it == m.end() ? 0.0 : static_cast<double>(it->second);
    };
    if (smoothing == NgramSmoothing::add_one) {
        for (std::size_t j = J + 1; j-- > 0;) {
            const std::uint64_t hc = code(h.last(j));
            const auto it = contexts_[j].find(hc);
            if (it == contexts_[j].end() || it->second.raw_total == 0) continue;
            return (lookup(raw_[j], hc * A + ww) + 1.0) /
                   (static_cast<double>(it->second.raw_total) + A_);
        }
        return 1.0 / A_;
    }
    double p = 1.0 / A_;
    for (std::size_t j = 0; j <= J; ++j) {
        const bool highest = j == J;
        const std::uint64_t hc = code(h.last(j));
        const auto it = contexts_[j].find(hc);
        if (it == contexts_[j].end()) continue;
        const auto& c = it->second;
        const auto total = static_cast<double>(highest ? c.raw_total : c.cont_total);
        const auto types = static_cast<double>(highest ? c.raw_types : c.cont_types);
        if (total == 0) continue;
        const double count = lookup(highest ? raw_[j] : cont_[j], hc * A + ww);
        p = std::max(count - D_, 0.0) / total + D_ * types / total * p;
    }
    return p;
}

double NgramModel::probability(std::span<const int> context, int symbol, NgramSmoothing smoothing,
                               int order) const {
    require(order >= 0 && order <= max_order_, "n-gram: order outside [0, max_order]");
    check_symbol(symbol);
    for (int s : context) check_symbol(s);
    const std::size_t k = std::min(context.size(), static_cast<std::size_t>(order));
    return probability_cut(context.last(k), symbol, smoothing);
}

std::vector<double> NgramModel::distribution(std::span<const int> context, NgramSmoothing smoothing,
                                             int order) const {
    std::vector<double> p(static_cast<std::size_t>(A_));
    for (int w = 0; w < A_; ++w)
        p[static_cast<std::size_t>(w)] = probability(context, w, smoothing, order);
    return p;
}

double NgramModel::bits_per_symbol(std::span<const int> test, NgramSmoothing smoothing, int order,
                                   std::span<const int> history) const {
    require(order >= 0 && order <= max_order_, "n-gram: order outside [0, max_order]");
    require(!test.empty(), "n-gram: empty test sequence");
    const std::size_t h0 = std::min(history.size(), static_cast<std::size_t>(order));
    std::vector<int> seq(history.end() - static_cast<std::ptrdiff_t>(h0), history.end());
    seq.insert(seq.end(), test.begin(), test.end());
    for (int s : seq) check_symbol(s);
    const std::span<const int> all(seq);
    double bits = 0;
    for (std::size_t t = 0; t < test.size(); ++t) {
        const std::size_t pos = h0 + t;
        const std::size_t k = std::min(pos, static_cast<std::size_t>(order));
        bits -= std::log2(probability_cut(all.subspan(pos - k, k), all[pos], smoothing));
    }
    return bits / static_cast<double>(test.size());
}

std::vector<NgramBaseline> ngram_baselines(std::span<const int> train, std::span<const int> test,
                                           int alphabet_size, int max_order,
                                           std::span<const int> history, double discount) {
    const NgramModel model(train, alphabet_size, max_order, discount);
    std::vector<NgramBaseline> out;
    for (int k = 0; k <= max_order; ++k) {
        NgramBaseline b;
        b.order = k;
        b.add_one_bpc = model.bits_per_symbol(test, NgramSmoothing::add_one, k, history);
        b.kneser_ney_bpc = model.bits_per_symbol(test, NgramSmoothing::kneser_ney, k, history);
        out.push_back(b);
    }
    return out;
}

} // namespace gliasim::tasks
