// SPDX-License-Identifier: MIT
// Quantity parsing and formatting (core/units.hpp).
#include <catch2/catch.hpp>
#include <string>

#include "core/units.hpp"

using namespace gliasim;

namespace {

// Parses `text`, requiring success, and returns the quantity.
Quantity parsed(const std::string& text) {
    std::string error;
    auto q = parse_quantity(text, &error);
    INFO("text: \"" << text << "\", error: " << error);
    REQUIRE(q.has_value());
    CHECK(error.empty());
    return *q;
}

// Parses `text`, requiring failure, and returns the error message.
std::string parse_error(const std::string& text) {
    std::string error;
    auto q = parse_quantity(text, &error);
    INFO("text: \"" << text << "\"");
    REQUIRE_FALSE(q.has_value());
    REQUIRE_FALSE(error.empty());
    return error;
}

} // namespace

TEST_CASE("parse_quantity converts to the internal unit of each dimension", "[units]") {
    struct Case {
        const char* text;
        double value;
        Dim dim;
    };
    const Case cases[] = {
        {"20 ms", 20.0, Dim::time},           {"0.6nS", 0.6, Dim::conductance},
        {"-65 mV", -65.0, Dim::voltage},      {"5 Hz", 5.0, Dim::frequency},
        {"1 s", 1000.0, Dim::time},           {"2 kHz", 2000.0, Dim::frequency},
        {"100 pA", 100.0, Dim::current},      {"1 nA", 1000.0, Dim::current},
        {"1e3 pA", 1000.0, Dim::current},     {"250 pF", 250.0, Dim::capacitance},
        {"0.25 nF", 250.0, Dim::capacitance}, {"1 V", 1000.0, Dim::voltage},
        {"500 us", 0.5, Dim::time},           {"2 min", 120000.0, Dim::time},
        {"3 uS", 3000.0, Dim::conductance},   {"2 mM", 2000.0, Dim::concentration},
        {"+5 Hz", 5.0, Dim::frequency},       {"  20   ms  ", 20.0, Dim::time},
    };
    for (const auto& c : cases) {
        INFO("text: \"" << c.text << "\"");
        const Quantity q = parsed(c.text);
        CHECK(q.dim == c.dim);
        CHECK(q.value == Approx(c.value).epsilon(1e-15));
    }
}

TEST_CASE("parse_quantity: a bare number is dimensionless", "[units]") {
    for (const auto& [text, value] : {std::pair{"42", 42.0}, std::pair{"0.5", 0.5},
                                      std::pair{"-3e2", -300.0}, std::pair{" 7 ", 7.0}}) {
        INFO("text: \"" << text << "\"");
        const Quantity q = parsed(text);
        CHECK(q.dim == Dim::dimensionless);
        CHECK(q.value == value);
    }
}

TEST_CASE("parse_quantity rejects malformed quantities with a message", "[units]") {
    SECTION("unknown unit") {
        const auto e = parse_error("20 parsecs");
        CHECK(e.find("parsecs") != std::string::npos);
    }
    SECTION("no number") {
        const auto e = parse_error("abc");
        CHECK(e.find("abc") != std::string::npos);
    }
    SECTION("empty and blank") {
        parse_error("");
        parse_error("   ");
    }
    SECTION("non-finite numbers") {
        parse_error("nan ms");
        parse_error("inf mV");
        parse_error("-inf pA");
    }
    SECTION("out-of-range number") {
        parse_error("1e400 ms");
    }
    SECTION("unit only, or trailing garbage") {
        parse_error("ms");
        parse_error("5 Hz extra");
        parse_error("5 hz"); // units are case-sensitive
    }
    SECTION("error pointer may be null") {
        CHECK_FALSE(parse_quantity("20 parsecs").has_value());
        CHECK(parse_quantity("20 ms").has_value());
    }
}

TEST_CASE("unit_to_internal knows the factor of each unit", "[units]") {
    auto q = unit_to_internal(2.0, "s");
    REQUIRE(q);
    CHECK(q->value == 2000.0);
    CHECK(q->dim == Dim::time);
    q = unit_to_internal(3.0, "nA");
    REQUIRE(q);
    CHECK(q->value == 3000.0);
    CHECK(q->dim == Dim::current);
    q = unit_to_internal(4.0, "1/ms");
    REQUIRE(q);
    CHECK(q->value == 4000.0);
    CHECK(q->dim == Dim::frequency);
    CHECK_FALSE(unit_to_internal(1.0, "furlong").has_value());
}

TEST_CASE("format_quantity writes the value with the internal unit", "[units]") {
    CHECK(format_quantity(20, Dim::time) == "20 ms");
    CHECK(format_quantity(-65, Dim::voltage) == "-65 mV");
    CHECK(format_quantity(0.6, Dim::conductance) == "0.6 nS");
    CHECK(format_quantity(100, Dim::current) == "100 pA");
    CHECK(format_quantity(250, Dim::capacitance) == "250 pF");
    CHECK(format_quantity(5, Dim::frequency) == "5 Hz");
    CHECK(format_quantity(2, Dim::concentration) == "2 uM");
    CHECK(format_quantity(1.5, Dim::dimensionless) == "1.5");
}

TEST_CASE("format_quantity output parses back to the same quantity", "[units]") {
    for (Dim d : {Dim::time, Dim::voltage, Dim::current, Dim::conductance, Dim::capacitance,
                  Dim::frequency, Dim::concentration, Dim::dimensionless}) {
        for (double v : {20.0, -65.0, 0.25, 1e-3, 12345.0}) {
            const std::string text = format_quantity(v, d);
            INFO("formatted: \"" << text << "\"");
            const Quantity q = parsed(text);
            CHECK(q.dim == d);
            CHECK(q.value == Approx(v).epsilon(1e-5)); // {:g} keeps six significant digits
        }
    }
}

TEST_CASE("internal_unit and dim_name", "[units]") {
    CHECK(internal_unit(Dim::time) == "ms");
    CHECK(internal_unit(Dim::voltage) == "mV");
    CHECK(internal_unit(Dim::current) == "pA");
    CHECK(internal_unit(Dim::conductance) == "nS");
    CHECK(internal_unit(Dim::capacitance) == "pF");
    CHECK(internal_unit(Dim::frequency) == "Hz");
    CHECK(internal_unit(Dim::concentration) == "uM");
    CHECK(internal_unit(Dim::dimensionless) == "1");
    CHECK(dim_name(Dim::time) == "time");
    CHECK(dim_name(Dim::conductance) == "conductance");
    CHECK(dim_name(Dim::dimensionless) == "dimensionless");
}
