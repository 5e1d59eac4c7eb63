// SPDX-License-Identifier: MIT
// Inputs, by their first byte:
//   even: the rest is a checkpoint file (HDF5): read_checkpoint, then restore and run;
//   odd:  the rest is a list of edits to the arrays of a real checkpoint of the same network,
//         applied in memory (no checksum stands in the way: a crafted file recomputes them):
//           [array selector u8][kind u8][position u16 LE][length u8][bytes...]
//         kind even: overwrite bytes at position (wrapped into the array); kind odd: resize the
//         array to position elements (resizable arrays), then overwrite.
// Either way the arrays are restored into a freshly built small network (kernel, plasticity,
// recorders, stimuli, resets) and, when accepted, run to the end with an in-memory back-end.
#include "checkpoint_entry.hpp"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "core/recording.hpp"
#include "core/simulation.hpp"
#include "io/checkpoint_file.hpp"
#include "models/builtin.hpp"
#include "tasks/experiment_file.hpp"

namespace gliasim::fuzz {

namespace {

// Small enough to build and run in about a millisecond; rich enough to have every kind of
// kernel array: spike, state and weight recorders, a timed stimulus, per-sample resets, STDP.
constexpr std::string_view kNetwork = R"(
[simulation]
duration = "20 ms"
dt = "0.1 ms"
seed = 7
threads = 1
[output]
flush_interval = "2 ms"
[populations.input]
model = "poisson_source"
size = 8
rate = "200 Hz"
[populations.exc]
model = "lif_cond_exp"
size = 24
t_ref = "2 ms"
reset = { every = "7 ms" }
[populations.exc.initial]
V_m = { distribution = "uniform", low = "-60 mV", high = "-50 mV" }
[populations.inh]
model = "lif_curr_exp"
size = 6
[projections.input_exc]
source = "input"
target = "exc"
rule = "fixed_indegree"
indegree = 4
weight = "20 nS"
delay = "1 ms"
[projections.exc_exc]
source = "exc"
target = "exc"
rule = "bernoulli"
p = 0.3
weight = "2 nS"
delay = "0.5 ms"
synapse = "stdp"
w_max = "10 nS"
[projections.exc_inh]
source = "exc"
target = "inh"
rule = "bernoulli"
p = 0.5
weight = "50 pA"
delay = "1 ms"
[stimuli.bias]
model = "dc_source"
target = "exc"
amplitude = "100 pA"
start = "3 ms"
stop = "12 ms"
[recorders.spikes]
kind = "spikes"
populations = ["exc", "inh"]
[recorders.membrane]
kind = "state"
population = "exc"
variables = ["V_m", "g_ex"]
ids = [0, 3, 5]
interval = "0.5 ms"
[recorders.weights]
kind = "weight_histogram"
projection = "exc_exc"
bins = 4
range = ["0 nS", "10 nS"]
interval = "3 ms"
)";

const NetworkSpec& network() {
    static const ModelRegistry registry = models::builtin_registry();
    static const NetworkSpec spec =
        parse_experiment(kNetwork, "fuzz_checkpoint.toml", {}, registry).network;
    return spec;
}

// Runs the network until the first checkpoint after `at` steps and returns its arrays (with
// the in-memory back-end's position under output/, as gliasim run saves the file's).
CheckpointArrays checkpoint_at(step_t at) {
    Simulation sim(network());
    MemoryBackend mb;
    CheckpointArrays arrays;
    std::atomic<bool> stop{false};
    CheckpointPolicy policy;
    policy.every_steps = at;
    policy.write = [&](step_t) {
        if (stop) return;
        sim.save_state(arrays);
        auto a = StateArchive::saving_to(arrays);
        const auto scope = a.scope("output");
        mb.save_position(a);
        stop = true;
    };
    sim.run(mb, {}, &stop, &policy);
    return arrays;
}

CheckpointHeader header_for(const CheckpointArrays& arrays) {
    CheckpointHeader h;
    h.experiment_toml = std::string(kNetwork);
    h.experiment_hash = experiment_hash(h.experiment_toml);
    h.output = "fuzz.h5";
    std::memcpy(&h.step, arrays.at("kernel/step").bytes.data(), sizeof h.step);
    h.time_ms = static_cast<double>(h.step) * network().dt;
    return h;
}

// Restores into a fresh network and runs it to the end. Refusals are the expected answer.
void restore_and_run(const CheckpointArrays& arrays) {
    Simulation sim(network());
    try {
        sim.restore_state(arrays);
    } catch (const CheckpointMismatch&) {
        return;
    }
    // A restored network continues an output: a fresh in-memory one stands in for it.
    MemoryBackend mb;
    mb.open(sim.layout());
    (void)sim.run(mb); // anything thrown here is a bug
}

void apply_edits(CheckpointArrays& arrays, const std::uint8_t* p, std::size_t n) {
    std::vector<StoredArray*> list;
    for (auto& [name, a] : arrays) list.push_back(&a);
    while (n >= 5) {
        StoredArray& a = *list[p[0] % list.size()];
        const std::uint8_t kind = p[1];
        const std::size_t position = p[2] | (std::size_t{p[3]} << 8);
        const std::size_t length = std::min<std::size_t>(p[4], n - 5);
        p += 5;
        n -= 5;
        if (kind & 1) a.bytes.resize(position * a.element_size);
        for (std::size_t i = 0; i < length && !a.bytes.empty(); ++i)
            a.bytes[(position + i) % a.bytes.size()] = std::byte{p[i]};
        p += length;
        n -= length;
    }
}

std::string temporary_path() {
    return (std::filesystem::temp_directory_path() /
            ("gliasim_fuzz_checkpoint_" + std::to_string(getpid()) + ".ckpt"))
        .string();
}

} // namespace

void checkpoint_input(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return;
    if (data[0] & 1) {
        static const CheckpointArrays real = checkpoint_at(60);
        CheckpointArrays arrays = real;
        apply_edits(arrays, data + 1, size - 1);
        restore_and_run(arrays);
        return;
    }
    static const std::string path = temporary_path();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
    }
    std::optional<Checkpoint> c;
    try {
        c = read_checkpoint(path);
    } catch (const std::runtime_error&) {
        // "not a gliasim checkpoint", "fails its checksum", ...: the documented refusals.
    }
    std::remove(path.c_str());
    if (c) restore_and_run(c->arrays);
}

void write_checkpoint_seeds(const std::string& dir) {
    std::filesystem::create_directories(dir);
    const std::string tmp = temporary_path();
    for (const step_t at : {20, 60, 150}) {
        const CheckpointArrays arrays = checkpoint_at(at);
        write_checkpoint(tmp, header_for(arrays), arrays);
        std::ifstream in(tmp, std::ios::binary);
        std::ofstream out(dir + "/file_step_" + std::to_string(at), std::ios::binary);
        out.put('\0');
        out << in.rdbuf();
        std::remove(tmp.c_str());
    }
    // Edit lists: no edit (the real checkpoint), and a few single-byte edits.
    const std::vector<std::vector<std::uint8_t>> edits = {
        {1}, {1, 0, 0, 0, 0, 1, 0x7f}, {1, 5, 1, 3, 0, 0}, {1, 9, 0, 8, 0, 2, 0xff, 0xff}};
    for (std::size_t i = 0; i < edits.size(); ++i) {
        std::ofstream out(dir + "/edits_" + std::to_string(i), std::ios::binary);
        out.write(reinterpret_cast<const char*>(edits[i].data()),
                  static_cast<std::streamsize>(edits[i].size()));
    }
}

} // namespace gliasim::fuzz
