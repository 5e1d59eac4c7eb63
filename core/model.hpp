// SPDX-License-Identifier: MIT
#pragma once

// The plug-in interface between the kernel and models. Polymorphism is per population, never per
// neuron: the kernel calls `update` once per step for each thread's index range, and the model
// runs a monomorphic loop over its structure-of-arrays state inside.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model_inputs.hpp"
#include "ring_buffer.hpp"
#include "state_archive.hpp"
#include "types.hpp"
#include "units.hpp"

namespace gliasim {

using ParamValues = std::vector<double>; // one value per ParamSpec, in schema order

// Everything a population needs to build itself.
struct PopulationSetup {
    std::string name;
    std::uint32_t id = 0; // position in the network
    index_t size = 0;
    ParamValues params;
    double dt = 0.1; // [ms]
    std::uint64_t seed = 0;
    // The inputs the model declares (e.g. spike times, coupling partners), by key.
    ModelInputs inputs = {};
};

// Base of every population of neurons or spike sources.
class Population {
public:
    Population(const PopulationSetup& setup, std::size_t receptors)
        : name_(setup.name), id_(setup.id), size_(setup.size), dt_(setup.dt), seed_(setup.seed),
          receptors_(receptors), stim_current_(receptors ? setup.size : 0, 0.0) {}
    virtual ~Population() = default;

    const std::string& name() const { return name_; }
    std::uint32_t id() const { return id_; }
    index_t size() const { return size_; }
    std::size_t receptors() const { return receptors_; }

    // Advances entities in `range` over step `step` (from t = step*dt to (step+1)*dt), reading
    // and clearing this step's ring-buffer slots and appending threshold crossings to `spikes`.
    virtual void update(step_t step, IndexRange range, std::vector<Spike>& spikes) = 0;

    // State column `var` (index into the model's StateSpec list), for initialisation/recording.
    virtual std::span<double> state(std::size_t var) = 0;

    // Called once before the first step, after initial values have been written.
    virtual void prepare() {}
    // A slow state of another population (e.g. an astrocyte's) that this model reads, bound
    // when the population has `modulator = "pop.var"`: a copy refreshed at every slice start,
    // so every thread reads the same values whatever the update order. Entity i reads
    // values[i / (size / values.size())].
    virtual void bind_modulator(std::span<const double> values) { (void)values; }

    // Thread ranges of this population start at multiples of this (e.g. a domain of neurons
    // that share one astrocyte and must be updated by one thread).
    virtual index_t grain() const { return 1; }

    // Called after a per-sample reset has written the initial state variables back, for state
    // a model keeps outside its declared variables.
    virtual void on_reset() {}

    // Checkpoints: the kernel saves the declared state variables and the ring buffer itself
    // (continuous-output rows are rewritten before they are read, stimulus currents follow from
    // the active stimuli); a model lists here what else changes during a run (refractory
    // counters, ODE step sizes, cursors), in both directions (StateArchive::loading()).
    virtual void archive_extra(StateArchive& a) { (void)a; }

    // Entity updates that models on their own clock (astrocytes: ODE updates) do in `steps`
    // steps, for the run's statistics; 0 for models updated every step.
    virtual std::uint64_t slow_updates(step_t steps) const {
        (void)steps;
        return 0;
    }

    // Sized by the kernel once the delay range is known. `receptors` counts every input
    // channel: spike receptors first, then continuous inputs (e.g. SIC).
    void allocate_ring(std::size_t slots) { ring_ = InputRing(receptors_, slots, size_); }
    // Input channels that a projection or stimulus feeds, told by the network once it is built
    // (every channel counts as fed for a population used on its own), so that a model can skip
    // reading and clearing channels that stay empty.
    void set_fed_channels(std::vector<bool> fed) { fed_channels_ = std::move(fed); }
    bool channel_fed(std::size_t channel) const {
        return channel >= fed_channels_.size() || fed_channels_[channel];
    }

    // Continuous-valued output (e.g. an astrocyte's slow inward current) as changes: in each
    // step for which output_changes_at(step) holds, a model with an output writes the change of
    // its value into output_row(step)[i] (the full value at step 0); the kernel delivers these
    // rows through continuous projections at the end of the slice, and targets keep the level.
    // Other steps carry no change and their rows are not read, so a value held between a slow
    // model's updates costs nothing.
    virtual bool output_changes_at(step_t step) const {
        (void)step;
        return true;
    }
    void allocate_output(std::size_t rows) {
        output_.assign(rows * size_, 0.0);
        output_rows_ = rows;
    }
    bool has_output() const { return output_rows_ > 0; }
    double* output_row(step_t step) {
        return output_.data() + static_cast<std::size_t>(step) % output_rows_ * size_;
    }
    const double* output_row(step_t step) const {
        return output_.data() + static_cast<std::size_t>(step) % output_rows_ * size_;
    }
    InputRing& ring() { return ring_; }
    // Summed current of active current stimuli [pA], rewritten by the kernel on stimulus events.
    std::span<double> stim_current() { return stim_current_; }

protected:
    std::string name_;
    std::uint32_t id_;
    index_t size_;
    double dt_;
    std::uint64_t seed_;
    std::size_t receptors_;
    InputRing ring_;
    std::vector<bool> fed_channels_;
    std::vector<double> stim_current_;
    std::vector<double> output_;
    std::size_t output_rows_ = 0;
};

struct StimulusSetup {
    std::string name;
    std::uint32_t id = 0;
    ParamValues params;
    double dt = 0.1;
    std::uint64_t seed = 0;
    std::size_t receptor = 0; // receptor channel of the target for spike-like stimuli
    double weight = 0;        // weight of injected spikes, in the target's weight unit
};

// A device that drives a population: sets currents while active, or injects input per step.
class Stimulus {
public:
    virtual ~Stimulus() = default;
    // Adds this stimulus' current [pA] to `current` for each index in `targets`; called when the
    // set of active stimuli changes. Devices that inject spikes do nothing here.
    virtual void add_current(std::span<const index_t> targets, std::span<double> current) const {
        (void)targets;
        (void)current;
    }
    // True for devices that must run every step (apply_step) while active.
    virtual bool acts_every_step() const { return false; }
    // Injects this step's input into `target` for the given indices (already restricted to the
    // calling thread's range).
    virtual void apply_step(step_t step, std::span<const index_t> targets, Population& target) {
        (void)step;
        (void)targets;
        (void)target;
    }
    // Checkpoints: state the device changes during a run (none for the built-in devices).
    virtual void archive(StateArchive& a) { (void)a; }
};

struct TransmissionSetup {
    ParamValues params;
    index_t n_source = 0;
    double dt = 0.1;        // [ms]
    bool modulated = false; // synapses read a modulator through their tags (per-synapse state)
    index_t n_target = 0;
    std::size_t threads = 1; // parts of the projection (one per thread)
    // The slow state a plasticity rule reads at event time (e.g. an astrocyte's A), named by the
    // projection's `modulator`: one value (global) or one per target entity. Empty if none.
    std::span<const double> modulator = {};
};

class Projection;

// What a synapse model that delivers spikes itself sees of one slice, for one part (one
// thread's targets): the slice's spikes of the source and of the target population, each in
// canonical (step, index) order, and the ring of the target population.
struct Delivery {
    Projection& projection;
    std::span<const Spike> pre;
    std::span<const Spike> post; // every target spike of the slice; a part uses its own only
    std::size_t part;
    IndexRange targets; // the part's targets
    InputRing& ring;
    step_t slice_begin;
    step_t slice_end;
};

// Spike-time dynamics of a synapse type whose state depends only on the presynaptic spike
// train (e.g. Tsodyks-Markram depression/facilitation with projection-wide parameters): one
// state per source, advanced once per spike in the serial exchange phase. `factor[k]` scales
// the weight that spike k delivers through every synapse of the projection.
class Transmission {
public:
    virtual ~Transmission() = default;
    virtual void on_spikes(std::span<const Spike> spikes, std::vector<double>& factor) = 0;

    // Models with per-synapse state (plasticity, modulated release) deliver spikes themselves,
    // part by part: a part's synapses, and the targets they end on, are touched by one thread
    // only. `bind` is called once the projection is built; `modulator`, when given, is a
    // per-entity state column read through the synapses' tags (e.g. the gliotransmitter-bound
    // fraction of the covering astrocyte).
    virtual bool delivers() const { return false; }
    // Heap bytes of the synapse state it keeps (counted in bytes per synapse).
    virtual std::size_t bytes() const { return 0; }
    virtual void bind(Projection& projection, const double* modulator) {
        (void)projection;
        (void)modulator;
    }
    virtual std::uint64_t deliver(const Delivery& d) {
        (void)d;
        return 0;
    }
    // Puts traces and other activity-dependent state (not the weights) back to rest, e.g. at a
    // per-sample reset of the populations it connects.
    virtual void reset_activity() {}
    // Checkpoints: every state the rule changes during a run except the projection's weights
    // (traces, per-source and per-synapse dynamics), in both directions.
    virtual void archive(StateArchive& a) { (void)a; }
    // Per-source state for recording/tests: variable `var` of the model's StateSpec list.
    virtual std::span<const double> state(std::size_t var) const = 0;
};

} // namespace gliasim
