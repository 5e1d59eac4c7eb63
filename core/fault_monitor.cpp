// SPDX-License-Identifier: MIT
#include "fault_monitor.hpp"

#include <cstring>
#include <fmt/format.h>

#include "state_archive.hpp"

namespace gliasim {

std::string describe(const NumericalFault& f, const NetworkSpec& spec) {
    const PopulationSpec& ps = spec.populations[f.population];
    return fmt::format("numerical fault in population '{}' (model {}): entity {}, {} = {} at t = "
                       "{:g} ms (all states finite at t = {:g} ms)",
                       ps.name, ps.model->name, f.state.entity,
                       ps.model->state[f.state.variable].name, f.state.value,
                       static_cast<double>(f.step) * spec.dt,
                       static_cast<double>(f.last_good_step) * spec.dt);
}

FaultMonitor::FaultMonitor(Network& net, step_t n_steps)
    : net_(net), n_steps_(n_steps),
      // Every 10 ms of simulated time (or every slice if slices are longer): the scan costs
      // about 4% of COBA's update time when done every millisecond, 0.4% at this interval.
      check_every_(std::max<step_t>(1, std::llround(10.0 / net.spec().dt))),
      threads_(net.threads()) {}

bool FaultMonitor::check_due(step_t slice_start, step_t slice_end) const {
    return slice_end == n_steps_ || slice_end / check_every_ != slice_start / check_every_;
}

void FaultMonitor::check_states(std::size_t t) {
    auto& pops = net_.populations();
    auto& fault = threads_[t].fault;
    for (std::size_t p = 0; p < pops.size() && !fault; ++p) {
        const std::size_t vars = net_.spec().populations[p].model->state.size();
        if (auto bad = first_non_finite(*pops[p], vars, net_.range(p, t)))
            fault = std::make_pair(p, *bad);
    }
}

void FaultMonitor::model_failed(std::size_t t, const char* what) {
    auto& error = threads_[t].model_error;
    if (error.empty()) error = what;
}

// The fault of the lowest (population, rank, thread), so that the report does not depend on
// the number of threads and ranks when one entity goes bad.
std::optional<NumericalFault> FaultMonitor::collect_faults(step_t step) {
    std::optional<NumericalFault> first;
    for (auto& found : threads_) {
        if (found.fault && (!first || found.fault->first < first->population))
            first = NumericalFault{found.fault->first, found.fault->second, last_check_, step};
        found.fault.reset();
    }
    Communicator& comm = net_.comm();
    if (comm.size() > 1) {
        struct Found {
            std::uint64_t found, population, entity, variable;
            double value;
        } mine{first.has_value(), 0, 0, 0, 0};
        if (first)
            mine = {1, first->population, first->state.entity, first->state.variable,
                    first->state.value};
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(&mine);
        const auto all = comm.allgather_bytes({bytes, sizeof mine});
        first.reset();
        for (std::size_t off = 0; off < all.size(); off += sizeof mine) {
            Found f;
            std::memcpy(&f, all.data() + off, sizeof f);
            if (f.found && (!first || f.population < first->population))
                first = NumericalFault{f.population,
                                       {static_cast<index_t>(f.entity), f.variable, f.value},
                                       last_check_,
                                       step};
        }
    }
    if (!first) last_check_ = step;
    return first;
}

bool FaultMonitor::decide(step_t slice_start, step_t slice_end, bool interrupted, bool write_failed,
                          Outcome& outcome) {
    if (check_due(slice_start, slice_end))
        if ((outcome.fault = collect_faults(slice_end))) {
            outcome.end = RunEnd::numerical_fault;
            outcome.message = describe(*outcome.fault, net_.spec());
        }
    std::string model_error; // the lowest thread's: its entities come first
    for (auto& found : threads_) {
        if (model_error.empty()) model_error = found.model_error;
        found.model_error.clear();
    }
    // One reduction per slice decides for every rank; the lowest rank's error is the one told.
    Communicator& comm = net_.comm();
    std::uint64_t flags[] = {!model_error.empty(), interrupted, write_failed};
    comm.sum(flags);
    if (flags[0] > 0 && outcome.end == RunEnd::completed) {
        outcome.end = RunEnd::numerical_fault;
        outcome.message = comm.first_text(model_error);
    }
    if (outcome.end == RunEnd::completed && flags[1] > 0) outcome.end = RunEnd::interrupted;
    return flags[2] > 0;
}

void FaultMonitor::archive(StateArchive& a) {
    a.scalar("last_check", last_check_);
}

} // namespace gliasim
