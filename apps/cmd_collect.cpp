// SPDX-License-Identifier: MIT
// gliasim collect: one row per sweep point (parameters, status, summary figures of its output)
// as CSV, and optionally as an HDF5 table with one dataset per column.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <hdf5.h>
#include <map>

#include "commands.hpp"
#include "io/hdf5_util.hpp"
#include "io/sweep_random.hpp"
#include "log.hpp"
#include "options.hpp"
#include "sweep_csv.hpp"
#include "sweep_outputs.hpp"
#include "sweep_plan.hpp"

namespace gliasim::app {

using namespace gliasim::sweep; // the sweep library (sweep/)

namespace {

struct Table {
    std::vector<std::string> columns;
    std::vector<std::map<std::string, std::string>> rows;

    void add_column(const std::string& name) {
        if (std::find(columns.begin(), columns.end(), name) == columns.end())
            columns.push_back(name);
    }
};

bool is_number(const std::string& s, double& v) {
    if (s.empty()) return false;
    char* end = nullptr;
    v = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
}

// For a swept quantity with one unit at every point ("4 nS", "6 nS"), the column
// "key [nS]" holds the numbers, so that the table plots without parsing strings.
void add_unit_column(Table& t, const std::string& key) {
    std::string unit;
    std::vector<double> values;
    for (const auto& row : t.rows) {
        double v = 0;
        std::string u;
        if (!sweep::split_quantity(row.at(key), v, u) || u.empty() || (!unit.empty() && u != unit))
            return;
        unit = u;
        values.push_back(v);
    }
    const std::string name = fmt::format("{} [{}]", key, unit);
    t.add_column(name);
    for (std::size_t i = 0; i < t.rows.size(); ++i)
        t.rows[i][name] = fmt::format("{}", values[i]); // shortest exact form
}

constexpr std::size_t kMaxExperimentBytes = std::size_t{64} << 20;

Table collect(const fs::path& dir) {
    const auto records = current_records(dir);
    Table t;
    for (const auto& c : {"index", "id", "status", "exit_code", "wall_s"}) t.add_column(c);
    if (!records.empty())
        for (const auto& p : records.front().parameters) t.add_column(p.key);
    for (const auto& r : records) {
        std::map<std::string, std::string> row = {
            {"index", std::to_string(r.index)},
            {"id", r.id},
            {"status", r.status},
            {"exit_code", r.exit_code < 0 ? "" : std::to_string(r.exit_code)},
            {"wall_s", std::isnan(r.wall_s) ? "" : fmt::format("{:.3f}", r.wall_s)}};
        for (const auto& p : r.parameters) row[p.key] = table_value(p.value);
        t.rows.push_back(std::move(row));
    }
    if (!records.empty())
        for (const auto& p : records.front().parameters) add_unit_column(t, p.key);
    t.add_column("error");
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        t.rows[i]["error"] = r.error;
        if (r.status != "done") continue;
        try {
            // A result is this point's only if it ran this point's experiment: a file put in
            // out/ by hand (another sweep's, another run's) does not enter the table.
            const auto experiment = read_folder_file(dir / r.experiment, kMaxExperimentBytes);
            if (!experiment || !output_verified((dir / r.output).string(), *experiment, false)) {
                t.rows[i]["error"] =
                    fmt::format("{} is not a completed result of {}", r.output, r.experiment);
                continue;
            }
            for (const auto& [name, value] : output_figures((dir / r.output).string())) {
                t.add_column(name);
                t.rows[i][name] = value;
            }
        } catch (const std::exception& e) {
            t.rows[i]["error"] = fmt::format("cannot read {}: {}", r.output, one_line(e.what()));
        }
    }
    return t;
}

std::string to_csv(const Table& t) {
    std::string out;
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        out += (c ? "," : "") + csv_cell(t.columns[c]);
    out += "\n";
    for (const auto& row : t.rows) {
        for (std::size_t c = 0; c < t.columns.size(); ++c) {
            const auto it = row.find(t.columns[c]);
            out += (c ? "," : "") + (it == row.end() ? std::string() : csv_cell(it->second));
        }
        out += "\n";
    }
    return out;
}

void write_string_column(hid_t parent, const std::string& name,
                         const std::vector<std::string>& values) {
    h5::Handle type(h5::check(H5Tcopy(H5T_C_S1), "copy string type"));
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    std::vector<const char*> ptrs;
    for (const auto& v : values) ptrs.push_back(v.c_str());
    const hsize_t n = values.size();
    h5::Handle space(h5::check(H5Screate_simple(1, &n, nullptr), "create space"));
    h5::Handle ds(h5::check(
        H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        "create dataset " + name));
    if (n)
        h5::check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write " + name);
}

// /table/<column>: float64 where every filled cell is a number (NaN where empty), else UTF-8
// strings; /columns lists the column names in table order.
void write_h5(const Table& t, const std::string& path) {
    h5::silence_errors();
    h5::Handle file(h5::check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                              "create " + path));
    h5::Handle g(h5::create_group(file, "table"));
    for (const auto& col : t.columns) {
        std::vector<std::string> cells;
        std::vector<double> numbers;
        bool numeric = col != "id" && col != "status" && col != "error";
        for (const auto& row : t.rows) {
            const auto it = row.find(col);
            cells.push_back(it == row.end() ? "" : it->second);
            double v = std::nan("");
            if (!cells.back().empty() && !is_number(cells.back(), v)) numeric = false;
            numbers.push_back(v);
        }
        if (numeric)
            h5::write_dataset(g, col, H5T_IEEE_F64LE, numbers.data(), numbers.size());
        else
            write_string_column(g, col, cells);
    }
    write_string_column(file, "columns", t.columns);
}

} // namespace

int cmd_collect(const std::vector<std::string>& args) {
    po::options_description visible("options");
    visible.add_options()("help,h", "show this help")("output,o", po::value<std::string>(),
                                                      "CSV file (default: standard output)")(
        "h5", po::value<std::string>(), "also write the table as HDF5 (one dataset per column)");
    po::options_description hidden;
    hidden.add_options()("dir", po::value<std::string>()->required(), "sweep directory");
    po::positional_options_description pos;
    pos.add("dir", 1);
    int code = 0;
    auto vm = parse_options(args, visible, pos, hidden,
                            "usage: gliasim collect DIR [-o table.csv] [--h5 table.h5]", code);
    if (!vm) return code;
    const fs::path dir = (*vm)["dir"].as<std::string>();
    Table t;
    try {
        t = collect(dir);
    } catch (const std::runtime_error& e) {
        log::error("gliasim collect", e.what());
        return kExitUsage;
    }
    const std::string csv = to_csv(t);
    if (vm->count("output")) {
        std::ofstream out((*vm)["output"].as<std::string>());
        out << csv;
        if (!out) {
            log::error("gliasim collect",
                       fmt::format("cannot write {}", (*vm)["output"].as<std::string>()));
            return kExitFailure;
        }
    } else {
        fmt::print("{}", csv);
    }
    if (vm->count("h5")) write_h5(t, (*vm)["h5"].as<std::string>());
    return kExitOk;
}

} // namespace gliasim::app
