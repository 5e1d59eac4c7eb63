// SPDX-License-Identifier: MIT
// io/experiment/section_reader.hpp: keys declared by reading them, unknown keys refused with
// did-you-mean at their position, and the SectionExtension point of parse_experiment.
#include <catch2/catch.hpp>

#include <string>

#include "io/experiment.hpp"
#include "io/experiment/build_context.hpp"
#include "io/experiment/section_reader.hpp"
#include "test_support.hpp"

using namespace gliasim;
using namespace gliasim::experiment_io;

namespace {

toml::table parse_toml(std::string_view text) {
    return toml::parse(text, std::string_view("t.toml"));
}

// The InputError `fn` throws (fails the test when it throws none).
template <class Fn> InputError error_of(Fn fn) {
    try {
        fn();
    } catch (const InputError& e) {
        return e;
    }
    FAIL("no InputError");
    throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("section reader: declared keys are read, the rest refused with did-you-mean") {
    const toml::table doc = parse_toml("[sec]\nweight = \"2 mV\"\ndelay = 1\n  wieght = 3\n");
    const Reader r("t.toml", {});
    SectionReader s(r, *doc.get("sec")->as_table(), "sec");
    const Key weight = s.get("weight");
    s.get("delay");
    const InputError e = error_of([&] { s.finish("[sec]"); });
    CHECK(e.message() == "unknown key 'wieght' in [sec]; did you mean 'weight'?");
    CHECK(e.key() == "sec.wieght");
    CHECK(e.file() == "t.toml");
    CHECK(e.line() == 4);
    CHECK(e.column() == 3); // at the key, not its value
    CHECK(weight.quantity(Dim::voltage) == 2.0);
}

TEST_CASE("section reader: with no close key, the allowed keys in declaration order") {
    const toml::table doc = parse_toml("[sec]\nzzzzzzzz = 1\n");
    const Reader r("t.toml", {});
    SectionReader s(r, *doc.get("sec")->as_table(), "sec");
    s.get("beta");
    s.get("alpha");
    const InputError e = error_of([&] { s.finish("the section"); });
    CHECK(e.message() == "unknown key 'zzzzzzzz' in the section (allowed: beta, alpha)");
}

TEST_CASE("section reader: an unknown sub-table is reported at its header") {
    const toml::table doc = parse_toml("[sec]\na = 1\n\n[sec.other]\nb = 2\n");
    const Reader r("t.toml", {});
    SectionReader s(r, *doc.get("sec")->as_table(), "sec");
    s.get("a");
    const InputError e = error_of([&] { s.finish("[sec]"); });
    CHECK(e.key() == "sec.other");
    CHECK(e.line() == 4);
    CHECK(e.column() == 1);
}

TEST_CASE("section reader: missing and mistyped keys name the key path and position") {
    const toml::table doc = parse_toml("[sec]\nrate = true\n");
    const Reader r("t.toml", {});
    SectionReader s(r, *doc.get("sec")->as_table(), "sec");
    const Key rate = s.get("rate"), size = s.get("size");
    s.finish("[sec]");
    CHECK_FALSE(size);
    const InputError missing = error_of([&] { size.required("a number of entities"); });
    CHECK(missing.message() == "missing required key (a number of entities)");
    CHECK(missing.key() == "sec.size");
    CHECK(missing.line() == 1); // the table's header
    const InputError typed = error_of([&] { rate.quantity(Dim::frequency); });
    CHECK(typed.key() == "sec.rate");
    CHECK(typed.line() == 2);
    CHECK(typed.column() == 8);
    CHECK_THAT(typed.message(), Catch::Contains("got a boolean"));
    // Reading an absent key is a bug of the reader, not of the file.
    CHECK_THROWS_AS(size.number(), std::logic_error);
    // So is declaring a key after the check for unknown ones.
    CHECK_THROWS_AS(s.get("late"), std::logic_error);
}

TEST_CASE("section reader: a key --set wrote is blamed on that override") {
    const toml::table doc = parse_toml("[sec]\n");
    toml::table with_override = doc;
    with_override.get("sec")->as_table()->insert("n", "text");
    const Reader r("t.toml", {"sec.n"});
    SectionReader s(r, *with_override.get("sec")->as_table(), "sec");
    const Key n = s.get("n");
    s.finish("[sec]");
    const InputError e = error_of([&] { n.integer(0, 5, "a count"); });
    CHECK(e.file() == "--set sec.n");
    CHECK(e.key() == "sec.n");
}

namespace {

const char* kWithCustom = R"(
[simulation]
duration = "10 ms"

[populations.a]
model = "poisson_source"
size = 2

[custom]
scale = 3
)";

// An upper layer's section: reads [custom] scale into the network's seed (anything visible).
SectionExtension custom_section(int* calls) {
    SectionExtension e;
    e.name = "custom";
    e.read = [calls](BuildContext& ctx) {
        ++*calls;
        const toml::table* t = ctx.section("custom");
        if (!t) return;
        SectionReader s(ctx.r, *t, "custom");
        const Key scale = s.get("scale");
        s.finish("[custom]");
        ctx.ex.network.seed = static_cast<std::uint64_t>(scale.integer(0, 10, "a scale"));
    };
    return e;
}

} // namespace

TEST_CASE("section extension: an upper layer reads its own top-level section") {
    int calls = 0;
    const Experiment ex =
        parse_experiment(kWithCustom, "x.toml", {}, test::registry(), {custom_section(&calls)});
    CHECK(calls == 1);
    CHECK(ex.network.seed == 3);
    // Without the extension the section is unknown, and the message lists what is allowed.
    const InputError e =
        error_of([&] { parse_experiment(kWithCustom, "x.toml", {}, test::registry()); });
    CHECK(e.key() == "custom");
    CHECK(e.line() == 9);
    CHECK_THAT(e.message(), Catch::Contains("unknown key 'custom' in the experiment file"));
    // Its keys are checked by its reader like any section's.
    const InputError bad = error_of([&] {
        parse_experiment(kWithCustom, "x.toml", {"custom.scal=2"}, test::registry(),
                         {custom_section(&calls)});
    });
    CHECK(bad.message() == "unknown key 'scal' in [custom]; did you mean 'scale'?");
    CHECK(bad.file() == "--set custom.scal");
}
