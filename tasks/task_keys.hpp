// SPDX-License-Identifier: MIT
#pragma once

// The keys of an experiment's [task] as its reader (tasks/task_section.cpp) declared them: the
// common ones and those of the kind the file names (TaskKind::keys). A kind's read hook judges
// its own through this, with the typed reads the task keys share; the defaults it keeps are
// written back into the resolved experiment.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/experiment/build_context.hpp"

namespace gliasim::tasks {

class TaskKeys {
public:
    TaskKeys(const experiment_io::BuildContext& ctx, toml::table& written)
        : ctx_(ctx), w_(written) {}

    // The experiment so far: its populations, dt, source, reader.
    const experiment_io::BuildContext& context() const { return ctx_; }
    const std::vector<PopulationSpec>& populations() const { return ctx_.ex.network.populations; }
    // A declared key (std::logic_error for one the kind did not declare: a bug of the kind).
    const experiment_io::Key& operator[](const std::string& name) const;
    void declare(const std::string& name, experiment_io::Key key) {
        keys_.emplace(name, std::move(key));
    }
    // The resolved [task], where defaults are written.
    toml::table& written() const { return w_; }

    // Typed reads: the key's value when present (judged), else the default `v` written back.
    void time(const char* name, double& v, double min) const;
    template <class T>
    void count(const char* name, T& v, std::int64_t min, std::int64_t max) const {
        if (const auto& k = (*this)[name])
            v = static_cast<T>(k.integer(min, max, "a count"));
        else
            w_.insert(name, static_cast<std::int64_t>(v));
    }
    void rate(const char* name, double& v) const; // in (0, 100 kHz)
    // A non-empty array of delays in items, each in [0, max]; absent: `delays` kept.
    void delays(const char* name, std::vector<std::uint32_t>& delays, std::int64_t max) const;
    // The [task] table of the file, for failures at the table itself.
    const toml::table& table() const { return *ctx_.doc.get("task")->as_table(); }

private:
    const experiment_io::BuildContext& ctx_;
    toml::table& w_;
    std::map<std::string, experiment_io::Key> keys_;
};

} // namespace gliasim::tasks
