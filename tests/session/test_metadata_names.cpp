// SPDX-License-Identifier: MIT
// /metadata read by name (SonataFile::metadata, what `gliasim info` lists): on a run's own file
// it finds every attribute the run wrote, with the values the by-index listing gives, so the
// list of names (io/sonata_reader.cpp) keeps up with the writer and the run session; an
// attribute gliasim does not write is counted, not opened.
#include <catch2/catch.hpp>

#include <filesystem>
#include <hdf5.h>
#include <map>
#include <unistd.h>

#include "io/sonata_reader.hpp"
#include "session/exit_status.hpp"
#include "session/run_session.hpp"

using namespace gliasim;

namespace fs = std::filesystem;

TEST_CASE("metadata by name: every attribute a run writes, and only those", "[session]") {
    const fs::path dir =
        fs::temp_directory_path() / ("gliasim-metadata-names-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string out = (dir / "coba.h5").string();
    session::RunRequest r;
    r.file = (fs::path(GLIASIM_SOURCE_DIR) / "experiments/coba.toml").string();
    r.overrides = {"simulation.duration=\"40 ms\""};
    r.output = out;
    r.checkpoint_every = "20 ms"; // adds the checkpoint figures
    r.ignore_resource_limits = true;
    {
        session::RunSession s(r);
        REQUIRE(!s.prepare());
        REQUIRE(!s.build());
        REQUIRE(s.execute().exit_status() == session::kExitOk);
    }
    std::map<std::string, std::string> by_index, by_name;
    {
        const SonataFile f(out);
        for (const auto& [k, v] : f.attributes("/metadata")) by_index[k] = v;
        for (const auto& [k, v] : f.metadata()) by_name[k] = v;
        CHECK(f.attribute_count("/metadata") == by_index.size());
    }
    CHECK(by_index.count("checkpoints_written") == 1);
    CHECK(by_index.count("phase_neurons_s") == 1);
    CHECK(by_name == by_index);

    // Someone else's attribute: counted, not listed.
    const hid_t file = H5Fopen(out.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(file >= 0);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attr = H5Acreate_by_name(file, "/metadata", "someone_elses", H5T_NATIVE_INT, space,
                                         H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const int seven = 7;
    REQUIRE(attr >= 0);
    H5Awrite(attr, H5T_NATIVE_INT, &seven);
    H5Aclose(attr);
    H5Sclose(space);
    H5Fclose(file);
    {
        const SonataFile f(out);
        CHECK(f.metadata().size() == by_name.size());
        CHECK(f.attribute_count("/metadata") == by_name.size() + 1);
        CHECK(f.metadata_value("someone_elses") == "7");
    }
    fs::remove_all(dir);
}
