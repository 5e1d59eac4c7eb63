// SPDX-License-Identifier: MIT
// The input population of a task: it presents a stream of items (symbols, vectors, analog
// values) as Poisson spike trains. Item n is shown for item_ms, then gap_ms of silence; while
// it is shown, entity i fires with probability 1 - exp(-r dt) per step, r the rate of i in the
// item's pattern. The task layer builds the stream (tasks/encoders); the file only declares
// the population, its size and `[task] input = "name"`.
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "builtin.hpp"
#include "item_stream.hpp"
#include "poisson_draw.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define ITEM_SOURCE_STATE(X)                                                                       \
    X(item, .dim = Dim::dimensionless, .doc = "index of the item being shown (-1 in gaps)")
GLIASIM_STATE(ITEM_SOURCE_STATE);

class ItemSource final : public Population {
public:
    explicit ItemSource(const PopulationSetup& s)
        : Population(s, 0), items_(s.inputs.find(kItemsInput)), item_(s.size, -1.0) {
        if (!items_)
            throw std::invalid_argument(fmt::format(
                "population '{}' (model item_source) has no items: it is fed by a [task] whose "
                "input names it",
                s.name));
        if (items_->width != s.size)
            throw std::invalid_argument(
                fmt::format("population '{}': the task's patterns have {} entries, the "
                            "population {} entities",
                            s.name, items_->width, s.size));
        item_steps_ = std::max<step_t>(1, std::llround(items_->item_ms / s.dt));
        period_steps_ = item_steps_ + std::llround(items_->gap_ms / s.dt);
        prefix_steps_ = std::max<step_t>(1, std::llround(items_->prefix_item_ms / s.dt));
        prefix_end_ = static_cast<step_t>(items_->prefix_items) * prefix_steps_;
    }

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        std::size_t n;
        bool shown;
        if (step < prefix_end_) {
            n = static_cast<std::size_t>(step / prefix_steps_);
            shown = true;
        } else {
            const step_t s = step - prefix_end_;
            n = items_->prefix_items + static_cast<std::size_t>(s / period_steps_);
            shown = s % period_steps_ < item_steps_;
        }
        shown = shown && n < items_->sequence.size();
        for (index_t i = r.begin; i < r.end; ++i) item_[i] = shown ? static_cast<double>(n) : -1;
        if (!shown) return;
        const float* rate = items_->rates.data() + items_->sequence[n] * items_->width;
        draw_poisson_spikes(seed_, id_, step, r, rate, dt_, spikes);
    }

    std::span<double> state(std::size_t var) override {
        if (var != Var::item) throw_unknown_state("item_source", var);
        return item_;
    }

private:
    std::shared_ptr<const ItemStream> items_;
    std::vector<double> item_; // index of the item shown (-1 in gaps), for recording
    step_t item_steps_ = 1, period_steps_ = 1;
    step_t prefix_steps_ = 1, prefix_end_ = 0; // the prefix's items, then the regular ones
};

} // namespace

ModelInfo item_source_info() {
    return ModelInfo{
        .name = "item_source",
        .doc = "a task's input: items (symbols, images, analog values) as Poisson spike trains, "
               "one item every item_ms (fed by [task])",
        .state = state_specs(kState),
        .role = SourceModel{
            .make_population =
                [](const PopulationSetup& s) { return std::make_unique<ItemSource>(s); },
            .inputs = {{.key = kItemsInput.name, .required = true}}}};
}

} // namespace gliasim::models
