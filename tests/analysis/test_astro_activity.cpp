// SPDX-License-Identifier: MIT
// The fraction of time each astrocyte spends above its threshold (analysis/astro_activity.hpp),
// on hand-made traces and through analyze_file on a written result.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <unistd.h>
#include <vector>

#include "analysis/astro_activity.hpp"
#include "analysis/file_analysis.hpp"
#include "io/sonata_writer.hpp"

using namespace gliasim::analysis;

TEST_CASE("astro activity: fractions above a threshold of hand-made traces", "[analysis]") {
    // Three traces over 4 rows, threshold 0.25 (exact in float): always above (tonic), never (silent), and above
    // in 1 of 4 rows; a value equal to the threshold is not above it.
    AboveThreshold counter(3, 0.25);
    CHECK(std::isnan(counter.fractions()[0])); // no rows yet
    counter.add_row(std::vector<float>{0.5f, 0.1f, 0.25f});
    counter.add_row(std::vector<float>{0.6f, 0.1f, 0.3f});
    counter.add_row(std::vector<float>{0.7f, 0.0f, 0.1f});
    counter.add_row(std::vector<float>{0.4f, 0.25f, 0.1f});
    const auto f = counter.fractions();
    REQUIRE(f.size() == 3);
    CHECK(f[0] == 1.0);
    CHECK(f[1] == 0.0);
    CHECK(f[2] == 0.25);
    CHECK_THROWS(counter.add_row(std::vector<float>{0.5f}));

    const ActivitySummary s = summarise_activity(f);
    CHECK(s.astrocytes == 3);
    CHECK(s.mean == Approx(1.25 / 3));
    CHECK(s.min == 0.0);
    CHECK(s.max == 1.0);
    CHECK(s.tonic == 1);
    CHECK(s.silent == 1);
    CHECK(activity_line(s, "SIC_th") ==
          "above SIC_th 41.7% of the time (mean; min 0.0%, max 100.0%), 1 of 3 tonic (>= 90%), "
          "1 silent");
    CHECK(activity_json(f) == R"(, "time_above_threshold": {"per_astrocyte": [1, 0, 0.25], )"
                              R"("mean": 0.416667, "min": 0, "max": 1, "tonic": 1, "silent": 1})");
    CHECK(activity_json({}).empty());
    CHECK(std::isnan(summarise_activity({}).mean));
}

TEST_CASE("analyze_file: time above the model's SIC_th per astrocyte", "[analysis]") {
    // Two Li-Rinzel astrocytes, 100 samples of 10 ms: astrocyte 0 above SIC_th (0.19669 uM,
    // the model default, read from the stored experiment) in 30 samples, astrocyte 1 never.
    const auto path = std::filesystem::temp_directory_path() /
                      ("gliasim_astro_activity_" + std::to_string(getpid()) + ".h5");
    gliasim::RunMetadata meta;
    meta.experiment_toml = "[populations.a]\nsize = 2\nmodel = \"astrocyte_lr\"\n"
                           "SIC_th = \"0.19669 uM\"\n";
    meta.version = supported_format_version() + ".0";
    meta.dt = 0.1;
    meta.duration = 1000;
    {
        gliasim::SonataWriter w(path.string(), meta);
        w.open({0.1, 1000, {}, {{"a", "Ca_astro", "uM", {0, 1}, 10, 10, 100}}});
        std::vector<float> ca(200, 0.1f);
        for (std::size_t k = 20; k < 50; ++k) ca[2 * k] = 0.3f;
        w.append_samples(0, ca, 100);
        meta.completed = true;
        w.close(meta);
    }
    AnalysisOptions o;
    const FileAnalysis a = analyze_file(path.string(), o);
    REQUIRE(a.reports.size() == 1);
    const auto& f = a.reports[0].ca_fraction_above;
    REQUIRE(f.size() == 2);
    CHECK(f[0] == Approx(0.3));
    CHECK(f[1] == 0.0);
    // A window over the second half: no sample above.
    o.t_from = 500;
    CHECK(analyze_file(path.string(), o).reports[0].ca_fraction_above[0] == 0.0);
    std::filesystem::remove(path);
}
