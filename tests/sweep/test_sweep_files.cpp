// The sweep folder's cells: manifest values (any TOML value, multi-line strings included) read
// back exactly; collect's CSV cells follow RFC 4180 and OWASP's formula-injection rule, and
// read back exactly by undoing both.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "sweep_csv.hpp"
#include "sweep_manifest.hpp"

using namespace gliasim::sweep;

namespace {

// One CSV record (RFC 4180) into its cells: a test-side reader, independent of the writer.
std::vector<std::string> parse_csv_record(const std::string& text) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                cells.back() += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                cells.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            cells.emplace_back();
        } else {
            cells.back() += c;
        }
    }
    return cells;
}

// What a reader of collect's CSV does with a cell that starts with the guard quote.
std::string unguard(const std::string& cell) {
    return !cell.empty() && cell.front() == '\'' ? cell.substr(1) : cell;
}

std::vector<std::string> random_strings() {
    std::vector<std::string> out = {"",         "=1+2", "+1",      "-1",    "-3 mV",
                                    "@SUM(A1)", "\tx",  "\rx",     "'x",    "a,b",
                                    "a\"b",     "a\nb", "-1.5e-3", "-.5",   "-inf",
                                    "-1+2",     "\\",   "\\n",     "a\\tb", "=cmd|' /C calc'!A0"};
    std::mt19937 rng(8);
    for (int i = 0; i < 200; ++i) {
        std::string s(rng() % 10, ' ');
        for (auto& c : s) c = "=+-@'\t\r\n,\"\\ax0.e"[rng() % 17];
        out.push_back(s);
    }
    return out;
}

} // namespace

TEST_CASE("manifest cells hold any value on one line and read back exactly", "[sweep]") {
    for (const auto& s : random_strings()) {
        const std::string cell = escape_cell(s);
        CHECK(cell.find_first_of("\t\n\r") == std::string::npos);
        CHECK(unescape_cell(cell) == s);
    }
}

TEST_CASE("CSV cells are neutralised as OWASP says and read back exactly", "[sweep][csv]") {
    CHECK(csv_cell("=1+2") == "'=1+2");
    CHECK(csv_cell("+1") == "'+1");
    CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv_cell("-3 mV") == "'-3 mV");
    CHECK(csv_cell("\tx") == "'\tx");
    CHECK(csv_cell("\rx") == "\"'\rx\"");
    CHECK(csv_cell("'x") == "''x");
    CHECK(csv_cell("-1+2") == "'-1+2");
    CHECK(csv_cell("-inf") == "'-inf");
    // A plain negative number stays a number: a spreadsheet never reads it as a formula.
    CHECK(csv_cell("-3") == "-3");
    CHECK(csv_cell("-1.5e-3") == "-1.5e-3");
    CHECK(csv_cell("a,b") == "\"a,b\"");
    CHECK(csv_cell("a\"b") == "\"a\"\"b\"");
    CHECK(csv_cell("=a,\"b\"\n") == "\"'=a,\"\"b\"\"\n\"");
    for (const auto& s : random_strings()) {
        const std::string cell = csv_cell(s);
        // Never a cell that a spreadsheet could take for a formula...
        if (!cell.empty() && !plain_decimal_number(s)) {
            const char first = cell.front() == '"' && cell.size() > 1 ? cell[1] : cell.front();
            CHECK(std::string("=+-@\t\r").find(first) == std::string::npos);
        }
        // ...and the value back, read as one record beside another cell.
        const auto cells = parse_csv_record(cell + ",end");
        REQUIRE(cells.size() == 2);
        CHECK(unguard(cells[0]) == s);
        CHECK(cells[1] == "end");
    }
}

TEST_CASE("a swept TOML string is its content in the table, other values their TOML text",
          "[sweep][csv]") {
    CHECK(table_value("\"6 nS\"") == "6 nS");
    CHECK(table_value("'6 nS'") == "6 nS");
    CHECK(table_value("\"a\\nb\\t\\\"c\\\"\"") == "a\nb\t\"c\"");
    CHECK(table_value("\"\"\"\nline 1\nline 2\"\"\"") == "line 1\nline 2");
    CHECK(table_value("0.05") == "0.05");
    CHECK(table_value("[1, 2]") == "[1, 2]");
    CHECK(table_value("\"unterminated") == "\"unterminated");
}
