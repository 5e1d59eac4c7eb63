// SPDX-License-Identifier: MIT
#pragma once

// The typed description of a task run ([task] in an experiment file): what stream the input
// population presents, which populations are read out and how, and how the readout is trained.
// io/ reads it; the task layer (tasks/) runs it, each kind by name (tasks/task_kind.hpp).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gliasim {

struct TaskSpec {
    bool enabled = false;
    std::string kind = "memory_capacity"; // a TaskKind's name (tasks/register_tasks.cpp)
    std::uint32_t input = 0;              // the item_source population
    double item_ms = 20;
    double gap_ms = 0;
    // Items: washout (not read out), then train, validation and test, in that order.
    std::uint64_t washout = 200, train = 5000, validation = 1000, test = 2000;
    std::uint64_t seed = 0; // of the input stream
    // memory_capacity: rate = rate0 (1 + u), u uniform in [-1, 1], on every input entity.
    double rate0 = 20; // [Hz]
    std::uint32_t max_delay = 100;
    // delayed_recall: `symbols` symbols, one-hot on disjoint groups of the input at `rate`
    // (others silent); a readout reports the symbol `delays` items back. nback: the same
    // stream; a binary readout answers whether the symbol equals the one N items back, for
    // each N in `delays` (balanced accuracy: chance 0.5 whatever the match rate).
    std::uint32_t symbols = 8;
    double rate = 100; // [Hz]
    std::vector<std::uint32_t> delays = {1, 2, 3, 4, 5};
    // next_char: characters of a text (its 36-symbol alphabet, one-hot groups at `rate`) from
    // `text_offset` on; a softmax readout predicts the next character (bits per character).
    std::string text;              // a file path, resolved
    std::uint64_t text_offset = 0; // characters skipped
    // image_classification (Fashion-MNIST, the NALSM protocol): pixel k of an image fires at
    // rate * p_k / max p, p_k = x_k / sum x (max over the training set); first `selforg` training
    // images of `selforg_item_ms` each (self-organisation), then the task's items: washout,
    // train and validation from the training set, test from the test set; a softmax readout
    // of spike counts names the class.
    std::string dataset_dir; // empty: the Debian package's folder
    std::uint64_t selforg = 0;
    double selforg_item_ms = 20;
    // associative_recall: key -> value pairs, one per item: the key's code (`code_size` of the
    // input's lines, one fixed random code per key) on the input, the value's code on the
    // `teacher` population. Episode e writes a target pair, then L = delays[e % size] pairs
    // with other keys, then shows the target key alone (the query, teacher silent); a softmax
    // readout of the state at the end of the query names the value. washout, train,
    // validation and test count episodes.
    std::uint32_t teacher = 0;
    std::uint32_t keys = 32, values = 8;
    std::uint32_t code_size = 10;
    // The state read at the end of each item, from these populations.
    std::vector<std::uint32_t> readout;
    enum class Reader { counts, trace };
    Reader reader = Reader::trace;
    double tau = 20; // [ms] trace time constant
    // False when simulation.duration cuts the stream short: the network runs, the readout is
    // not scored.
    bool complete = true;
    // Keys naming files the kind reads, with the resolved paths (a sweep pins them absolute).
    std::vector<std::pair<std::string, std::string>> file_keys;

    std::uint64_t episodes() const { return washout + train + validation + test; }
    // Items presented after the self-organisation prefix.
    std::uint64_t stream_items() const {
        if (kind != "associative_recall") return episodes();
        std::uint64_t n = 0;
        for (std::uint64_t e = 0; e < episodes(); ++e) n += delays[e % delays.size()] + 2;
        return n;
    }
};

} // namespace gliasim
