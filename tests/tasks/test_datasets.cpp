// SPDX-License-Identifier: MIT
// Datasets of the task layer: IDX reading (plain and gzip), Fashion-MNIST loading, the character
// alphabet, contiguous splits, and the shipped public-domain text fixture.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <unistd.h>
#include <vector>
#include <zlib.h>

#include "tasks/datasets.hpp"

namespace fs = std::filesystem;
using namespace gliasim::tasks;
using Catch::Matchers::Contains;

namespace {

// A fresh, empty folder under the system temp folder, removed again on scope exit.
class TempDir {
public:
    explicit TempDir(const std::string& name)
        : path_(fs::temp_directory_path() /
                ("gliasim_test_datasets_" + name + "_" + std::to_string(::getpid()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

// Sets an environment variable for the scope of one test and restores it afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

std::vector<std::uint8_t> idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& dims,
                                    const std::vector<std::uint8_t>& payload) {
    std::vector<std::uint8_t> out;
    const auto put32 = [&out](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8)
            out.push_back(static_cast<std::uint8_t>(v >> shift));
    };
    put32(magic);
    for (const auto d : dims) put32(d);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

void write_plain(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

void write_gzip(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    const int written = gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    const int closed = gzclose(f);
    REQUIRE(written == static_cast<int>(bytes.size()));
    REQUIRE(closed == Z_OK);
}

std::vector<std::uint8_t> ramp(std::size_t n, unsigned step = 7) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>((i * step) % 256);
    return v;
}

// A small Fashion-MNIST-shaped folder: `train` and `test` images of 28 x 28 with labels i % 10.
void write_fake_fashion_mnist(const fs::path& dir, std::uint32_t train, std::uint32_t test) {
    const auto labels = [](std::uint32_t n) {
        std::vector<std::uint8_t> l(n);
        for (std::uint32_t i = 0; i < n; ++i) l[i] = static_cast<std::uint8_t>(i % 10);
        return l;
    };
    // Training files gzip-compressed (as Debian ships them), test files plain.
    write_gzip(dir / "train-images-idx3-ubyte.gz",
               idx_bytes(idx_images_magic, {train, 28, 28}, ramp(train * 784)));
    write_gzip(dir / "train-labels-idx1-ubyte.gz",
               idx_bytes(idx_labels_magic, {train}, labels(train)));
    write_plain(dir / "t10k-images-idx3-ubyte",
                idx_bytes(idx_images_magic, {test, 28, 28}, ramp(test * 784, 3)));
    write_plain(dir / "t10k-labels-idx1-ubyte", idx_bytes(idx_labels_magic, {test}, labels(test)));
}

fs::path fixture_text() {
    return fs::path(GLIASIM_SOURCE_DIR) / "tests" / "fixtures" / "text" / "kjv_genesis_1-6.txt";
}

} // namespace

TEST_CASE("IDX images and labels are read from plain and gzip files", "[datasets]") {
    TempDir dir("idx_ok");
    const auto pixels = ramp(3 * 2 * 4);
    const std::vector<std::uint8_t> labels = {7, 0, 9};
    const bool gzip = GENERATE(false, true);
    const auto write = gzip ? write_gzip : write_plain;
    const std::string ext = gzip ? ".gz" : "";
    write(dir / ("images" + ext), idx_bytes(idx_images_magic, {3, 2, 4}, pixels));
    write(dir / ("labels" + ext), idx_bytes(idx_labels_magic, {3}, labels));

    const ImageSet set = read_idx_images(dir / ("images" + ext));
    CHECK(set.count == 3);
    CHECK(set.rows == 2);
    CHECK(set.cols == 4);
    CHECK(set.pixels_per_image() == 8);
    CHECK(set.pixels == pixels);
    const auto second = set.image(1);
    REQUIRE(second.size() == 8);
    CHECK(std::equal(second.begin(), second.end(), pixels.begin() + 8));
    CHECK(read_idx_labels(dir / ("labels" + ext)) == labels);

    // An empty set is valid.
    write(dir / ("empty" + ext), idx_bytes(idx_labels_magic, {0}, {}));
    CHECK(read_idx_labels(dir / ("empty" + ext)).empty());
}

TEST_CASE("IDX errors name the file and the problem", "[datasets]") {
    TempDir dir("idx_bad");
    const auto p = [&dir](const std::string& name) { return dir / name; };
    write_plain(p("labels"), idx_bytes(idx_labels_magic, {4}, {1, 2, 3, 4}));
    write_plain(p("images"), idx_bytes(idx_images_magic, {2, 2, 2}, ramp(8)));

    SECTION("missing file") {
        CHECK_THROWS_WITH(read_idx_images(p("nope.gz")),
                          Contains("nope.gz") && Contains("no such file"));
    }
    SECTION("labels read as images and the other way round") {
        CHECK_THROWS_WITH(read_idx_images(p("labels")),
                          Contains(p("labels").string()) &&
                              Contains("bad magic number 0x00000801") &&
                              Contains("expected 0x00000803") && Contains("IDX label file"));
        CHECK_THROWS_WITH(read_idx_labels(p("images")),
                          Contains("bad magic number 0x00000803") && Contains("IDX image file"));
    }
    SECTION("not an IDX file at all") {
        write_plain(p("text"), {'h', 'e', 'l', 'l', 'o', '\n'});
        CHECK_THROWS_WITH(read_idx_labels(p("text")),
                          Contains("text") && Contains("bad magic number 0x68656c6c"));
        write_plain(p("ints"), idx_bytes(0x00000c01, {1}, {0, 0, 0, 1}));
        CHECK_THROWS_WITH(read_idx_labels(p("ints")), Contains("not unsigned bytes"));
    }
    SECTION("truncated header") {
        write_plain(p("short"), {0, 0, 8});
        CHECK_THROWS_WITH(read_idx_labels(p("short")),
                          Contains("truncated") && Contains("magic number"));
        write_plain(p("short_dims"), idx_bytes(idx_images_magic, {5, 28}, {}));
        CHECK_THROWS_WITH(read_idx_images(p("short_dims")),
                          Contains("truncated") && Contains("number of columns"));
    }
    SECTION("truncated payload, plain and gzip") {
        const auto bytes = idx_bytes(idx_images_magic, {10, 28, 28}, ramp(9 * 784 + 100));
        write_plain(p("cut"), bytes);
        CHECK_THROWS_WITH(read_idx_images(p("cut")),
                          Contains(p("cut").string()) && Contains("truncated") &&
                              Contains("7840 bytes") && Contains("only 7156"));
        write_gzip(p("cut.gz"), bytes);
        CHECK_THROWS_WITH(read_idx_images(p("cut.gz")), Contains("truncated"));
    }
    SECTION("gzip stream cut short") {
        write_gzip(p("whole.gz"), idx_bytes(idx_images_magic, {10, 28, 28}, ramp(10 * 784, 13)));
        std::ifstream in(p("whole.gz"), std::ios::binary);
        std::vector<std::uint8_t> gz((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
        REQUIRE(gz.size() > 200);
        gz.resize(gz.size() / 2);
        write_plain(p("half.gz"), gz);
        CHECK_THROWS_WITH(read_idx_images(p("half.gz")),
                          Contains("half.gz") && Contains("truncated"));
    }
    SECTION("trailing data") {
        write_plain(p("long"), idx_bytes(idx_labels_magic, {2}, {1, 2, 3}));
        CHECK_THROWS_WITH(read_idx_labels(p("long")), Contains("trailing data"));
    }
    SECTION("zero-sized images") {
        write_plain(p("zero"), idx_bytes(idx_images_magic, {3, 0, 28}, {}));
        CHECK_THROWS_WITH(read_idx_images(p("zero")), Contains("zero-sized images (0 x 28)"));
    }
    SECTION("a header announcing absurd sizes fails without allocating them") {
        write_plain(p("huge"), idx_bytes(idx_images_magic, {0xffffffffU, 0xffffffffU, 2}, {}));
        CHECK_THROWS_WITH(read_idx_images(p("huge")), Contains("implausible size"));
        write_plain(p("big"), idx_bytes(idx_images_magic, {60000000, 28, 28}, ramp(10)));
        CHECK_THROWS_WITH(read_idx_images(p("big")), Contains("truncated"));
    }
}

TEST_CASE("load_fashion_mnist reads a folder of the four IDX files", "[datasets]") {
    TempDir dir("fmnist");
    write_fake_fashion_mnist(dir.path(), 20, 10);

    const FashionMnist data = load_fashion_mnist(dir.path());
    CHECK(data.train.images.count == 20);
    CHECK(data.train.images.rows == 28);
    CHECK(data.train.images.cols == 28);
    CHECK(data.train.labels.size() == 20);
    CHECK(data.test.images.count == 10);
    CHECK(data.test.labels[3] == 3);
    CHECK(data.test.images.image(1)[0] == static_cast<std::uint8_t>(784 * 3 % 256));

    SECTION("the environment variable overrides the Debian folder") {
        ScopedEnv env(fashion_mnist_env, dir.path().string());
        REQUIRE(find_fashion_mnist_dir().has_value());
        CHECK(*find_fashion_mnist_dir() == dir.path());
        CHECK(fashion_mnist_dir() == dir.path());
        CHECK(load_fashion_mnist().train.images.count == 20);
    }
    SECTION("a missing folder says how to install the data") {
        ScopedEnv env(fashion_mnist_env, (dir / "absent").string());
        CHECK_FALSE(find_fashion_mnist_dir().has_value());
        CHECK_THROWS_WITH(fashion_mnist_dir(),
                          Contains("absent") && Contains(fashion_mnist_env) &&
                              Contains("apt-get install dataset-fashion-mnist") &&
                              Contains("scripts/install_deps.sh"));
        CHECK_THROWS_WITH(load_fashion_mnist(), Contains("apt-get install dataset-fashion-mnist"));
    }
    SECTION("a missing file is named") {
        fs::remove(dir / "t10k-labels-idx1-ubyte");
        CHECK_THROWS_WITH(load_fashion_mnist(dir.path()),
                          Contains("t10k-labels-idx1-ubyte") && Contains("lacks") &&
                              Contains("apt-get install dataset-fashion-mnist"));
    }
    SECTION("labels and images must match") {
        write_plain(dir / "t10k-labels-idx1-ubyte",
                    idx_bytes(idx_labels_magic, {9}, std::vector<std::uint8_t>(9, 1)));
        CHECK_THROWS_WITH(load_fashion_mnist(dir.path()),
                          Contains("9 labels") && Contains("10 images"));
    }
    SECTION("labels must lie in 0..9") {
        std::vector<std::uint8_t> labels(10, 2);
        labels[4] = 10;
        write_plain(dir / "t10k-labels-idx1-ubyte", idx_bytes(idx_labels_magic, {10}, labels));
        CHECK_THROWS_WITH(load_fashion_mnist(dir.path()),
                          Contains("label 10 at index 4") && Contains("0..9"));
    }
    SECTION("images must be 28 x 28") {
        write_plain(dir / "t10k-images-idx3-ubyte",
                    idx_bytes(idx_images_magic, {10, 32, 32}, ramp(10 * 32 * 32)));
        CHECK_THROWS_WITH(load_fashion_mnist(dir.path()), Contains("32 x 32, expected 28 x 28"));
    }
}

TEST_CASE("the real Fashion-MNIST, when installed", "[datasets]") {
    const auto dir = find_fashion_mnist_dir();
    if (!dir) {
        WARN("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist, or "
             "scripts/install_deps.sh): test skipped");
        return;
    }
    const FashionMnist data = load_fashion_mnist(*dir);
    REQUIRE(data.train.images.count == 60000);
    REQUIRE(data.test.images.count == 10000);
    CHECK(data.train.images.pixels.size() == 60000u * 784u);
    CHECK(data.test.images.pixels.size() == 10000u * 784u);
    REQUIRE(data.train.labels.size() == 60000);
    REQUIRE(data.test.labels.size() == 10000);

    std::vector<std::size_t> train_counts(10, 0), test_counts(10, 0);
    for (const auto l : data.train.labels) ++train_counts.at(l);
    for (const auto l : data.test.labels) ++test_counts.at(l);
    for (std::size_t c = 0; c < 10; ++c) {
        CHECK(train_counts[c] == 6000);
        CHECK(test_counts[c] == 1000);
    }
    // Fashion-MNIST's mean pixel is about 0.286 * 255 = 73 in both parts.
    const auto mean = [](const ImageSet& s) {
        return std::accumulate(s.pixels.begin(), s.pixels.end(), 0.0) /
               static_cast<double>(s.pixels.size());
    };
    CHECK(mean(data.train.images) == Approx(72.94).margin(1.0));
    CHECK(mean(data.test.images) == Approx(73.15).margin(1.0));
}

TEST_CASE("the alphabet has 36 distinct symbols that round-trip", "[datasets]") {
    STATIC_REQUIRE(Alphabet::size == 36);
    std::string printed;
    for (std::size_t s = 0; s < Alphabet::size; ++s) {
        const auto sym = static_cast<std::uint8_t>(s);
        const char c = Alphabet::character(sym);
        printed.push_back(c);
        if (sym != Alphabet::other) CHECK(Alphabet::symbol(c) == sym);
    }
    CHECK(printed == " abcdefghijklmnopqrstuvwxyz.,;:'!?-_");
    CHECK(Alphabet::symbol('A') == Alphabet::symbol('a'));
    CHECK(Alphabet::symbol('Z') == 26);
    CHECK(Alphabet::symbol('\n') == Alphabet::space);
    for (const char c : std::string("0123456789\"()[]{}<>/\\*&%$#@+=_|~`^"))
        CHECK(Alphabet::symbol(c) == Alphabet::other);
    CHECK(Alphabet::name(Alphabet::space) == "space");
    CHECK(Alphabet::name(Alphabet::other) == "other");
    CHECK(Alphabet::name(Alphabet::symbol('q')) == "q");
    CHECK_THROWS_AS(Alphabet::character(36), std::out_of_range);
    const std::vector<std::uint8_t> bad = {1, 2, 200};
    CHECK_THROWS_AS(decode(bad), std::out_of_range);
    CHECK_THROWS_AS(symbol_counts(bad), std::out_of_range);
}

TEST_CASE("encoding lower-cases, folds whitespace and maps the rest to other", "[datasets]") {
    CHECK(decode(encode("Hello,  World!\n\tIt's 42 -- ok?\r\n")) ==
          "hello, world! it's __ -- ok? ");
    CHECK(decode(encode("In the beginning God created the heaven and the earth.\nAnd")) ==
          "in the beginning god created the heaven and the earth. and");
    CHECK(encode("").empty());
    CHECK(encode(" \n\n \t") == std::vector<std::uint8_t>{Alphabet::space});
    // One "other" per UTF-8 character (é is 2 bytes, ’ is 3), however many bytes it has.
    CHECK(decode(encode("caf\xc3\xa9 \xe2\x80\x99x\xe2\x80\x99\xe2\x80\x99")) == "caf_ _x__");
    // Text already in the alphabet survives an encode/decode round trip unchanged.
    const std::string plain = "a b.c,d;e:f'g!h?i-j klmnopqrstuvwxyz";
    CHECK(decode(encode(plain)) == plain);
    const auto symbols = encode("Ab ab");
    CHECK(symbols == std::vector<std::uint8_t>{1, 2, 0, 1, 2});
}

TEST_CASE("contiguous splits", "[datasets]") {
    const Split s = split_contiguous(1000);
    CHECK(s.train.begin == 0);
    CHECK(s.train.end == 900);
    CHECK(s.validation.begin == 900);
    CHECK(s.validation.end == 950);
    CHECK(s.test.begin == 950);
    CHECK(s.test.end == 1000);

    for (const std::size_t n : {0, 1, 2, 7, 19, 101, 12345}) {
        const Split t = split_contiguous(n, {0.8, 0.1, 0.1});
        CHECK(t.train.begin == 0);
        CHECK(t.train.end == t.validation.begin);
        CHECK(t.validation.end == t.test.begin);
        CHECK(t.test.end == n);
        CHECK(t.train.size() + t.validation.size() + t.test.size() == n);
    }
    // Fractions summing to less than 1 leave the tail out.
    const Split prefix = split_contiguous(1000, {0.1, 0.02, 0.03});
    CHECK(prefix.train.size() == 100);
    CHECK(prefix.validation.size() == 20);
    CHECK(prefix.test.size() == 30);
    CHECK(prefix.test.end == 150);
    CHECK(split_contiguous(10, {1.0, 0.0, 0.0}).validation.empty());

    CHECK_THROWS_AS(split_contiguous(10, {0.9, 0.1, 0.1}), std::invalid_argument);
    CHECK_THROWS_AS(split_contiguous(10, {-0.1, 0.5, 0.5}), std::invalid_argument);
    CHECK_THROWS_AS(split_contiguous(10, {std::nan(""), 0.0, 0.0}), std::invalid_argument);

    const std::vector<std::uint8_t> v = encode("abcdefghijklmnopqrst");
    const Split u = split_contiguous(v.size());
    CHECK(decode(u.train.of(v)) == "abcdefghijklmnopqr");
    CHECK(decode(u.validation.of(v)) == "s");
    CHECK(decode(u.test.of(v)) == "t");
}

TEST_CASE("the shipped text fixture encodes to an English-like distribution", "[datasets]") {
    const std::string text = read_text(fixture_text());
    REQUIRE(text.size() > 15000);
    const auto symbols = encode(text);
    const std::string start = "in the beginning god created the heaven and the earth. and";
    REQUIRE(symbols.size() > start.size());
    CHECK(decode(std::span(symbols).first(start.size())) == start);

    const auto counts = symbol_counts(symbols);
    REQUIRE(counts.size() == Alphabet::size);
    CHECK(std::accumulate(counts.begin(), counts.end(), std::size_t{0}) == symbols.size());
    const auto most = std::max_element(counts.begin(), counts.end()) - counts.begin();
    CHECK(most == Alphabet::space);
    const auto letter = std::max_element(counts.begin() + 1, counts.begin() + 27) - counts.begin();
    CHECK(Alphabet::name(static_cast<std::uint8_t>(letter)) == "e");
    // Spaces are roughly a fifth of English text; "other" (digits, brackets) is rare.
    const double n = static_cast<double>(symbols.size());
    CHECK(counts[Alphabet::space] / n > 0.15);
    CHECK(counts[Alphabet::space] / n < 0.25);
    CHECK(counts[Alphabet::other] / n < 0.01);
    CHECK(counts[Alphabet::symbol('.')] > 0);
    CHECK(counts[Alphabet::symbol(',')] > 0);
    // No run of spaces survives.
    for (std::size_t i = 1; i < symbols.size(); ++i)
        if (symbols[i] == Alphabet::space) REQUIRE(symbols[i - 1] != Alphabet::space);
}

TEST_CASE("text files and the KJV path", "[datasets]") {
    CHECK_THROWS_WITH(read_text(fs::path(GLIASIM_SOURCE_DIR) / "no_such_text.txt"),
                      Contains("no_such_text.txt") && Contains("cannot open"));
    {
        ScopedEnv env(kjv_env, fixture_text().string());
        CHECK(kjv_path() == fixture_text());
    }
    {
        ScopedEnv env(kjv_env, "/nonexistent/kjv.txt");
        CHECK_THROWS_WITH(kjv_path(), Contains("/nonexistent/kjv.txt") && Contains(kjv_env));
    }
    std::optional<fs::path> path;
    try {
        path = kjv_path();
    } catch (const std::runtime_error& e) {
        WARN(std::string(e.what()) + ": the full-text part is skipped");
        return;
    }
    const auto symbols = encode(read_text(*path));
    CHECK(symbols.size() > 4000000);
    CHECK(decode(std::span(symbols).last(11)) == "all. amen. ");
}
