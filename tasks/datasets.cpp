// SPDX-License-Identifier: MIT
#include "tasks/datasets.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <zlib.h>

namespace gliasim::tasks {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// IDX

[[noreturn]] void idx_fail(const fs::path& path, const std::string& what) {
    throw std::runtime_error("IDX file '" + path.string() + "': " + what);
}

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// A gzip (or plain) file opened through zlib, closed on scope exit.
class GzReader {
public:
    explicit GzReader(const fs::path& path) : path_(path) {
        std::error_code ec;
        if (!fs::exists(path, ec)) idx_fail(path, "cannot open: no such file");
        if (fs::is_directory(path, ec)) idx_fail(path, "cannot open: it is a directory");
        errno = 0;
        file_ = gzopen(path.c_str(), "rb");
        if (file_ == nullptr)
            idx_fail(path, std::string("cannot open: ") +
                               (errno != 0 ? std::strerror(errno) : "out of memory"));
        gzbuffer(file_, 1U << 17);
    }
    GzReader(const GzReader&) = delete;
    GzReader& operator=(const GzReader&) = delete;
    ~GzReader() { gzclose(file_); }

    // Reads up to n bytes into dst and returns how many it got (fewer only at the end of the
    // file). Throws on a corrupt gzip stream.
    std::size_t read(std::uint8_t* dst, std::size_t n) {
        std::size_t got = 0;
        while (got < n) {
            const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1U << 20));
            const int r = gzread(file_, dst + got, chunk);
            if (r < 0) {
                int errnum = 0;
                const char* msg = gzerror(file_, &errnum);
                idx_fail(path_, std::string("truncated or corrupt gzip data: ") +
                                    (msg != nullptr ? msg : "unknown zlib error"));
            }
            if (r == 0) {
                // gzread returns 0 both at the end of the file and for a gzip stream cut short.
                int errnum = 0;
                const char* msg = gzerror(file_, &errnum);
                if (errnum != Z_OK && errnum != Z_STREAM_END)
                    idx_fail(path_, std::string("truncated or corrupt gzip data: ") +
                                        (msg != nullptr ? msg : "unknown zlib error"));
                break;
            }
            got += static_cast<std::size_t>(r);
        }
        return got;
    }

    std::uint32_t read_u32(const char* what) {
        std::array<std::uint8_t, 4> b{};
        if (read(b.data(), b.size()) != b.size())
            idx_fail(path_,
                     std::string("truncated: the file ends inside the header (") + what + ")");
        return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
               (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
    }

    void check_magic(std::uint32_t expected, const char* kind) {
        const std::uint32_t magic = read_u32("magic number");
        if (magic == expected) return;
        std::string msg = "bad magic number " + hex32(magic) + ", expected " + hex32(expected) +
                          " (IDX " + kind + ": unsigned bytes, " +
                          std::to_string(expected & 0xffU) + " dimension" +
                          ((expected & 0xffU) == 1 ? "" : "s") + ")";
        if (magic == idx_images_magic) msg += "; this is an IDX image file";
        if (magic == idx_labels_magic) msg += "; this is an IDX label file";
        if ((magic >> 8) == 0x08 && (magic & 0xffU) != (expected & 0xffU))
            msg += "; it has " + std::to_string(magic & 0xffU) + " dimensions";
        if ((magic >> 16) == 0 && (magic >> 8) != 0x08 && (magic >> 8) != 0)
            msg += "; its element type " + hex32(magic >> 8) + " is not unsigned bytes (0x08)";
        idx_fail(path_, msg);
    }

    // Reads exactly n bytes of payload and checks that nothing follows them.
    std::vector<std::uint8_t> read_payload(std::size_t n, const std::string& what) {
        std::vector<std::uint8_t> out;
        // Grow as the data arrives, so that a bogus header cannot ask for a huge allocation.
        out.reserve(std::min<std::size_t>(n, std::size_t{1} << 26));
        while (out.size() < n) {
            const std::size_t chunk = std::min<std::size_t>(n - out.size(), 1U << 20);
            const std::size_t old = out.size();
            out.resize(old + chunk);
            const std::size_t got = read(out.data() + old, chunk);
            if (got < chunk)
                idx_fail(path_, "truncated: the header announces " + std::to_string(n) +
                                    " bytes of " + what + ", the file holds only " +
                                    std::to_string(old + got));
        }
        std::uint8_t extra = 0;
        if (read(&extra, 1) != 0)
            idx_fail(path_, "trailing data after the " + std::to_string(n) + " bytes of " + what +
                                " that the header announces");
        return out;
    }

private:
    fs::path path_;
    gzFile file_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Fashion-MNIST

constexpr std::array<const char*, 4> fashion_mnist_files = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte"};

// dir/stem.gz, else dir/stem; nullopt when neither is a regular file.
std::optional<fs::path> find_idx(const fs::path& dir, const std::string& stem) {
    std::error_code ec;
    for (const char* ext : {".gz", ""}) {
        fs::path p = dir / (stem + ext);
        if (fs::is_regular_file(p, ec)) return p;
    }
    return std::nullopt;
}

std::vector<std::string> missing_files(const fs::path& dir) {
    std::vector<std::string> missing;
    for (const char* stem : fashion_mnist_files)
        if (!find_idx(dir, stem)) missing.push_back(std::string(stem) + ".gz");
    return missing;
}

const char* env_value(const char* name) {
    const char* v = std::getenv(name);
    return (v != nullptr && *v != '\0') ? v : nullptr;
}

std::string join(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& item : items) s += (s.empty() ? "" : ", ") + item;
    return s;
}

[[noreturn]] void fashion_mnist_missing(const fs::path& dir, const std::string& source) {
    std::error_code ec;
    const std::string problem =
        fs::is_directory(dir, ec) ? "it lacks " + join(missing_files(dir)) : "no such folder";
    throw std::runtime_error(
        "Fashion-MNIST not found in '" + dir.string() + "'" + source + ": " + problem +
        ". Install it with 'apt-get install dataset-fashion-mnist' (Debian; it puts the four "
        "gzip IDX files in " +
        fashion_mnist_debian_dir + ") or run scripts/install_deps.sh, or set " + fashion_mnist_env +
        " to a folder holding " +
        join(std::vector<std::string>(fashion_mnist_files.begin(), fashion_mnist_files.end())) +
        " (each optionally .gz)");
}

LabelledImages load_part(const fs::path& dir, const char* images_stem, const char* labels_stem) {
    LabelledImages part;
    const fs::path images_path = *find_idx(dir, images_stem);
    const fs::path labels_path = *find_idx(dir, labels_stem);
    part.images = read_idx_images(images_path);
    part.labels = read_idx_labels(labels_path);
    if (part.images.rows != 28 || part.images.cols != 28)
        throw std::runtime_error("Fashion-MNIST file '" + images_path.string() + "': images are " +
                                 std::to_string(part.images.rows) + " x " +
                                 std::to_string(part.images.cols) + ", expected 28 x 28");
    if (part.labels.size() != part.images.count)
        throw std::runtime_error("Fashion-MNIST: '" + labels_path.string() + "' holds " +
                                 std::to_string(part.labels.size()) + " labels but '" +
                                 images_path.string() + "' holds " +
                                 std::to_string(part.images.count) + " images");
    for (std::size_t i = 0; i < part.labels.size(); ++i)
        if (part.labels[i] > 9)
            throw std::runtime_error("Fashion-MNIST file '" + labels_path.string() + "': label " +
                                     std::to_string(part.labels[i]) + " at index " +
                                     std::to_string(i) + " is outside 0..9");
    return part;
}

// ---------------------------------------------------------------------------------------------
// Alphabet

constexpr bool is_whitespace(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

constexpr std::array<std::uint8_t, 256> make_symbol_table() {
    std::array<std::uint8_t, 256> t{};
    for (auto& s : t) s = Alphabet::other;
    for (int c = 'a'; c <= 'z'; ++c) {
        t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(1 + c - 'a');
        t[static_cast<std::size_t>(c - 'a' + 'A')] = static_cast<std::uint8_t>(1 + c - 'a');
    }
    for (std::size_t i = 0; i < Alphabet::punctuation.size(); ++i)
        t[static_cast<unsigned char>(Alphabet::punctuation[i])] = static_cast<std::uint8_t>(27 + i);
    for (int c = 0; c < 256; ++c)
        if (is_whitespace(static_cast<unsigned char>(c)))
            t[static_cast<std::size_t>(c)] = Alphabet::space;
    return t;
}

constexpr std::array<std::uint8_t, 256> symbol_table = make_symbol_table();

static_assert(27 + Alphabet::punctuation.size() == Alphabet::other);
static_assert(Alphabet::other + 1 == Alphabet::size);

void check_symbol(std::uint8_t symbol) {
    if (symbol >= Alphabet::size)
        throw std::out_of_range("symbol " + std::to_string(symbol) + " is outside the alphabet (" +
                                std::to_string(Alphabet::size) + " symbols)");
}

} // namespace

// -------------------------------------------------------------------------------------------------
// IDX

ImageSet read_idx_images(const fs::path& path) {
    GzReader in(path);
    in.check_magic(idx_images_magic, "images");
    ImageSet set;
    set.count = in.read_u32("number of images");
    set.rows = in.read_u32("number of rows");
    set.cols = in.read_u32("number of columns");
    if (set.rows == 0 || set.cols == 0)
        idx_fail(path, "zero-sized images (" + std::to_string(set.rows) + " x " +
                           std::to_string(set.cols) + ")");
    // Each factor is below 2^32; refuse products that do not fit (or are absurd) before reading.
    const std::size_t per_image = set.rows * set.cols;
    constexpr std::size_t limit = std::size_t{1} << 40;
    if (per_image > limit || (set.count != 0 && per_image > limit / set.count))
        idx_fail(path, "implausible size: " + std::to_string(set.count) + " images of " +
                           std::to_string(set.rows) + " x " + std::to_string(set.cols));
    set.pixels =
        in.read_payload(set.count * per_image, "pixels (" + std::to_string(set.count) +
                                                   " images of " + std::to_string(set.rows) +
                                                   " x " + std::to_string(set.cols) + ")");
    return set;
}

std::vector<std::uint8_t> read_idx_labels(const fs::path& path) {
    GzReader in(path);
    in.check_magic(idx_labels_magic, "labels");
    const std::size_t count = in.read_u32("number of labels");
    return in.read_payload(count, "labels");
}

// -------------------------------------------------------------------------------------------------
// Fashion-MNIST

std::optional<fs::path> find_fashion_mnist_dir() {
    const char* env = env_value(fashion_mnist_env);
    const fs::path dir = env != nullptr ? fs::path(env) : fs::path(fashion_mnist_debian_dir);
    if (missing_files(dir).empty()) return dir;
    return std::nullopt;
}

fs::path fashion_mnist_dir() {
    if (auto dir = find_fashion_mnist_dir()) return *dir;
    if (const char* env = env_value(fashion_mnist_env))
        fashion_mnist_missing(env, std::string(" (from ") + fashion_mnist_env + ")");
    fashion_mnist_missing(fashion_mnist_debian_dir, "");
}

FashionMnist load_fashion_mnist(const fs::path& dir) {
    const fs::path d = dir.empty() ? fashion_mnist_dir() : dir;
    if (!missing_files(d).empty()) fashion_mnist_missing(d, "");
    FashionMnist data;
    data.train = load_part(d, fashion_mnist_files[0], fashion_mnist_files[1]);
    data.test = load_part(d, fashion_mnist_files[2], fashion_mnist_files[3]);
    return data;
}

// -------------------------------------------------------------------------------------------------
// Text

std::string read_text(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw std::runtime_error("cannot read text file '" + path.string() +
                                 "': it is a directory");
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open text file '" + path.string() +
                                 "': " + (errno != 0 ? std::strerror(errno) : "unknown error"));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw std::runtime_error("cannot read text file '" + path.string() + "'");
    return std::move(ss).str();
}

fs::path kjv_path() {
    const char* env = env_value(kjv_env);
    const fs::path p = env != nullptr ? fs::path(env) : fs::path(kjv_default_path);
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p;
    if (env != nullptr)
        throw std::runtime_error(std::string("King James Bible text not found: ") + kjv_env +
                                 " is set to '" + p.string() + "', which is not a file");
    throw std::runtime_error(
        "King James Bible text not found at '" + p.string() +
        "'. Run scripts/install_deps.sh: it installs bible-kjv and bible-kjv-text and writes the "
        "plain text there once (or set " +
        kjv_env + " to a plain-text file)");
}

// -------------------------------------------------------------------------------------------------
// Alphabet

std::uint8_t Alphabet::symbol(char c) {
    return symbol_table[static_cast<unsigned char>(c)];
}

char Alphabet::character(std::uint8_t symbol) {
    check_symbol(symbol);
    if (symbol == space) return ' ';
    if (symbol == other) return other_char;
    if (symbol <= 26) return static_cast<char>('a' + symbol - 1);
    return punctuation[symbol - 27U];
}

std::string Alphabet::name(std::uint8_t symbol) {
    check_symbol(symbol);
    if (symbol == space) return "space";
    if (symbol == other) return "other";
    return std::string(1, character(symbol));
}

std::vector<std::uint8_t> Alphabet::encode(std::string_view text) {
    std::vector<std::uint8_t> out;
    out.reserve(text.size());
    bool in_space = false;     // the last symbol came from whitespace
    bool in_multibyte = false; // the last byte was non-ASCII (a UTF-8 sequence may go on)
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_whitespace(c)) {
            if (!in_space) out.push_back(space);
            in_space = true;
            in_multibyte = false;
            continue;
        }
        in_space = false;
        if (c >= 0x80) {
            // One "other" per UTF-8 character: continuation bytes (10xxxxxx) are skipped.
            const bool continuation = (c & 0xc0U) == 0x80U;
            if (!(continuation && in_multibyte)) out.push_back(other);
            in_multibyte = true;
            continue;
        }
        in_multibyte = false;
        out.push_back(symbol_table[c]);
    }
    return out;
}

std::string Alphabet::decode(std::span<const std::uint8_t> symbols) {
    std::string out;
    out.reserve(symbols.size());
    for (const std::uint8_t s : symbols) out.push_back(character(s));
    return out;
}

std::vector<std::size_t> symbol_counts(std::span<const std::uint8_t> symbols) {
    std::vector<std::size_t> counts(Alphabet::size, 0);
    for (const std::uint8_t s : symbols) {
        check_symbol(s);
        ++counts[s];
    }
    return counts;
}

// -------------------------------------------------------------------------------------------------
// Splits

Split split_contiguous(std::size_t n, const SplitFractions& f) {
    const std::array<std::pair<const char*, double>, 3> named = {
        {{"train", f.train}, {"validation", f.validation}, {"test", f.test}}};
    for (const auto& [name, v] : named)
        if (!std::isfinite(v) || v < 0.0 || v > 1.0)
            throw std::invalid_argument(std::string("split_contiguous: the ") + name +
                                        " fraction must lie in [0, 1], got " + std::to_string(v));
    const double sum = f.train + f.validation + f.test;
    constexpr double tol = 1e-9;
    if (sum > 1.0 + tol)
        throw std::invalid_argument("split_contiguous: the fractions sum to " +
                                    std::to_string(sum) + ", more than 1");
    const auto cut = [n](double fraction) {
        const double x = std::round(fraction * static_cast<double>(n));
        return std::min(n, static_cast<std::size_t>(x));
    };
    const std::size_t a = cut(f.train);
    const std::size_t b = std::max(a, cut(f.train + f.validation));
    const std::size_t c = sum >= 1.0 - tol ? n : std::max(b, cut(sum));
    return Split{{0, a}, {a, b}, {b, c}};
}

} // namespace gliasim::tasks
