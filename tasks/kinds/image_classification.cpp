// SPDX-License-Identifier: MIT
// image_classification (Fashion-MNIST, the NALSM protocol): pixel k of an image fires at
// rate * p_k / max p, p_k = x_k / sum x (max over the training set); first `selforg` training
// images of `selforg_item` each (self-organisation), then the task's items: washout, train and
// validation from the training set, test from the test set; a softmax readout of the item
// state names the class.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>

#include "kinds.hpp"
#include "tasks/datasets.hpp"
#include "tasks/kind_support.hpp"
#include "tasks/metrics.hpp"
#include "tasks/metrics_null.hpp"
#include "tasks/task_keys.hpp"

namespace gliasim::tasks {

namespace {

// The self-organisation images are the task's prefix (TaskSpec::prefix_items, prefix_item_ms).
struct Options {
    double rate = 100;       // [Hz] of the brightest pixel
    std::string dataset_dir; // Fashion-MNIST's folder
};

void read(const TaskKeys& k, TaskSpec& ts) {
    Options o;
    const auto& input = k.populations()[ts.input];
    k.rate("rate", o.rate);
    const experiment_io::Key& dataset = k["dataset"];
    if (dataset.required("\"fashion_mnist\" (Debian dataset-fashion-mnist)").string() !=
        "fashion_mnist")
        dataset.fail("the only image dataset is \"fashion_mnist\"");
    o.dataset_dir = "/usr/share/datasets/fashion-mnist";
    if (const char* env = std::getenv("GLIASIM_FASHION_MNIST_DIR")) o.dataset_dir = env;
    if (!std::filesystem::is_directory(o.dataset_dir))
        dataset.fail(fmt::format("Fashion-MNIST is not installed ({} is missing): apt-get "
                                 "install dataset-fashion-mnist, or scripts/install_deps.sh",
                                 o.dataset_dir));
    if (input.size != 784)
        k["input"].fail(fmt::format("Fashion-MNIST images have 784 pixels; '{}' has {} entities",
                                    input.name, input.size));
    k.count("selforg", ts.prefix_items, 0, 100'000'000);
    k.time("selforg_item", ts.prefix_item_ms, k.context().ex.network.dt);
    if (ts.washout + ts.train + ts.validation > 60000)
        k.context().r.fail(&k.table(), "task.train",
                           "washout + train + validation exceed the 60000 training images");
    if (ts.test > 10000) k["test"].fail("test exceeds the 10000 test images");
    ts.options = std::move(o);
}

// "selforg_end" = task.selforg x task.selforg_item, known before populations and projections
// are read so that their reset schedules and learn_until can name it.
void name_times(experiment_io::BuildContext& ctx) {
    const toml::table& t = *ctx.doc.get("task")->as_table();
    const toml::node* sn = t.get("selforg");
    if (!sn) return;
    double item_ms = TaskSpec{}.prefix_item_ms;
    if (const auto* n = t.get("selforg_item"))
        item_ms = ctx.r.quantity(*n, "task.selforg_item", Dim::time);
    const auto count = ctx.r.integer(*sn, "task.selforg", 0, 100'000'000, "a count");
    ctx.r.name_time("selforg_end", static_cast<double>(count) * item_ms);
}

// NALSM's encoding: p = x / sum(x), divided by the largest p over the training set.
void probabilities(const ImageSet& set, std::size_t i, std::vector<double>& p) {
    const auto img = set.image(i);
    double sum = 0;
    for (auto v : img) sum += v;
    p.resize(img.size());
    for (std::size_t k = 0; k < img.size(); ++k) p[k] = sum > 0 ? img[k] / sum : 0.0;
}

void fill_stream(const TaskSpec& task, const StreamWidths& widths, TaskStream& s) {
    ItemStream& it = *s.items;
    const std::size_t width = widths.input;
    const std::uint64_t n = it.sequence.size();
    const auto& o = options_of<Options>(task);
    const FashionMnist data = load_fashion_mnist(o.dataset_dir);
    const std::size_t px = data.train.images.pixels_per_image();
    if (px != width)
        throw std::runtime_error(fmt::format(
            "the images have {} pixels but the input population has {} entities", px, width));
    std::vector<double> p;
    double max_p = 0;
    for (std::size_t i = 0; i < data.train.images.count; ++i) {
        probabilities(data.train.images, i, p);
        max_p = std::max(max_p, *std::max_element(p.begin(), p.end()));
    }
    const std::size_t n_train = data.train.images.count;
    const std::uint64_t trainlike = task.washout + task.train + task.validation;
    it.prefix_items = task.prefix_items;
    it.prefix_item_ms = task.prefix_item_ms;
    it.sequence.resize(task.prefix_items + n);
    s.symbol.resize(n);
    // Patterns: the training images used (self-organisation cycles through them), then the
    // test images.
    const std::size_t used_train = std::min<std::size_t>(
        n_train,
        std::max<std::uint64_t>(trainlike, std::min<std::uint64_t>(task.prefix_items, n_train)));
    it.rates.resize((used_train + task.test) * width);
    for (std::size_t i = 0; i < used_train + task.test; ++i) {
        const bool test = i >= used_train;
        probabilities(test ? data.test.images : data.train.images, test ? i - used_train : i, p);
        for (std::size_t k = 0; k < width; ++k)
            it.rates[i * width + k] = static_cast<float>(o.rate * p[k] / max_p);
    }
    for (std::uint64_t k = 0; k < task.prefix_items; ++k)
        it.sequence[k] = static_cast<std::uint32_t>(k % used_train);
    for (std::uint64_t k = 0; k < n; ++k) {
        const bool test = k >= trainlike;
        const std::size_t image = test ? k - trainlike : k;
        it.sequence[task.prefix_items + k] =
            static_cast<std::uint32_t>(test ? used_train + image : image);
        s.symbol[k] = test ? data.test.labels[image] : data.train.labels[image];
    }
}

// The readout: a softmax on the train images, its L2 penalty chosen on the validation images
// (y_fit: train, then validation labels).
SoftmaxModel image_readout(const SplitRows& rows, const std::vector<int>& y_fit) {
    const std::vector<int> y_val(y_fit.begin() + rows.T, y_fit.end());
    return fit_softmax_validated(rows.train(), {y_fit.begin(), y_fit.begin() + rows.T},
                                 rows.validation(), 10, {1e-4, 1e-3, 1e-2},
                                 [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
                                     return accuracy(y_val, m.predict(v));
                                 });
}

// Scored for real and with the labels shuffled (metrics_null.hpp); chance 1/10.
TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const SplitRows rows(task, states);
    const auto [W, T, V, E] = static_cast<const Splits&>(rows);
    auto label = [&](Eigen::Index item) {
        return static_cast<int>(stream.symbol[static_cast<std::size_t>(item)]);
    };
    const std::vector<int> y_fit = labels_of(W, T + V, label),
                           y_test = labels_of(W + T + V, E, label);
    const SoftmaxModel model = image_readout(rows, y_fit);
    const double best =
        accuracy({y_fit.begin() + T, y_fit.end()}, model.predict(rows.validation()));
    const std::vector<int> predicted = model.predict(rows.test);
    const LabelShuffle shuffle(task, y_fit.size(), y_test.size());
    const double shuffled =
        accuracy(shuffle.test(y_test), image_readout(rows, shuffle.fit(y_fit)).predict(rows.test));
    const Eigen::MatrixXi confusion = confusion_matrix(y_test, predicted, 10);
    std::vector<double> flat;
    for (int i = 0; i < 10; ++i)
        for (int j = 0; j < 10; ++j) flat.push_back(confusion(i, j));
    TaskResult r;
    add_scored(r, "test_accuracy", accuracy(y_test, predicted), class_chance(10), shuffled);
    r.scalars.emplace_back("validation_accuracy", best);
    r.scalars.emplace_back("features", static_cast<double>(states.cols()));
    r.curves = {{"confusion_true_by_predicted", flat},
                {"per_class_accuracy", per_class_accuracy(y_test, predicted, 10)}};
    return r;
}

} // namespace

TaskKind image_classification_kind() {
    return {.name = "image_classification",
            .keys = {"rate", "dataset", "selforg", "selforg_item"},
            .read = read,
            .name_times = name_times,
            .fill_stream = fill_stream,
            .score = score};
}

} // namespace gliasim::tasks
