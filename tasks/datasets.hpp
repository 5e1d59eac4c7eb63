// SPDX-License-Identifier: MIT
#pragma once

// Datasets for the task layer: Fashion-MNIST (IDX files from Debian's dataset-fashion-mnist) and
// plain English text (the King James Bible, written by scripts/install_deps.sh) encoded onto a
// small character alphabet, with contiguous train/validation/test splits.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gliasim::tasks {

// ---------------------------------------------------------------------------------------------
// IDX files (the MNIST format): big-endian header, unsigned bytes. Both gzip-compressed and plain
// files are read (zlib reads plain files as they are).

// Images: `count` images of rows x cols pixels, each stored row-major, one after the other.
struct ImageSet {
    std::size_t count = 0;
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<std::uint8_t> pixels; // count * rows * cols

    std::size_t pixels_per_image() const { return rows * cols; }
    std::span<const std::uint8_t> image(std::size_t i) const {
        return std::span<const std::uint8_t>(pixels).subspan(i * pixels_per_image(),
                                                             pixels_per_image());
    }
};

inline constexpr std::uint32_t idx_images_magic = 0x00000803; // unsigned bytes, 3 dimensions
inline constexpr std::uint32_t idx_labels_magic = 0x00000801; // unsigned bytes, 1 dimension

// Throw std::runtime_error naming the file and the problem (cannot open, bad magic, truncated,
// trailing data, zero-sized image, corrupt gzip stream).
ImageSet read_idx_images(const std::filesystem::path& path);
std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path);

// ---------------------------------------------------------------------------------------------
// Fashion-MNIST: 60 000 training and 10 000 test images, 28 x 28, labels 0..9.

struct LabelledImages {
    ImageSet images;
    std::vector<std::uint8_t> labels; // one per image
};

struct FashionMnist {
    LabelledImages train;
    LabelledImages test;
};

inline constexpr const char* fashion_mnist_debian_dir = "/usr/share/datasets/fashion-mnist";
inline constexpr const char* fashion_mnist_env = "GLIASIM_FASHION_MNIST_DIR";

// The folder to read: $GLIASIM_FASHION_MNIST_DIR when set (and non-empty), else Debian's folder.
// std::nullopt when that folder does not hold the four files (gzip-compressed or not).
std::optional<std::filesystem::path> find_fashion_mnist_dir();

// As find_fashion_mnist_dir(), but throws std::runtime_error saying how to install the data
// ("apt-get install dataset-fashion-mnist" or scripts/install_deps.sh) when it is missing.
std::filesystem::path fashion_mnist_dir();

// Reads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from `dir` (fashion_mnist_dir() when
// empty) and checks the shapes (60 000 / 10 000 images of 28 x 28, as many labels, labels < 10).
FashionMnist load_fashion_mnist(const std::filesystem::path& dir = {});

// ---------------------------------------------------------------------------------------------
// Text.

// The whole file as bytes; throws std::runtime_error naming the file when it cannot be read.
std::string read_text(const std::filesystem::path& path);

inline constexpr const char* kjv_default_path = "/usr/local/share/gliasim/kjv.txt";
inline constexpr const char* kjv_env = "GLIASIM_KJV_PATH";

// The King James Bible as plain text, one verse per line: $GLIASIM_KJV_PATH when set, else
// /usr/local/share/gliasim/kjv.txt. Throws std::runtime_error saying how to create it
// (scripts/install_deps.sh) when the file is missing.
std::filesystem::path kjv_path();

// The character alphabet of the language tasks, 36 symbols:
//   0 = space, 1..26 = 'a'..'z', 27..34 = . , ; : ' ! ? -, 35 = other.
// Encoding lower-cases ASCII letters, turns every run of whitespace (spaces, tabs, newlines) into
// one space, and maps everything else (digits, brackets, quotes, one whole UTF-8 multi-byte
// character) onto "other".
class Alphabet {
public:
    static constexpr std::size_t size = 36;
    static constexpr std::uint8_t space = 0;
    static constexpr std::uint8_t other = 35;
    static constexpr std::string_view punctuation = ".,;:'!?-";
    static constexpr char other_char = '_'; // how decode() prints "other"

    // The symbol of one (non-whitespace) character; whitespace gives `space`.
    static std::uint8_t symbol(char c);
    // The character that decode() prints for a symbol; throws std::out_of_range for >= size.
    static char character(std::uint8_t symbol);
    // A name for tables: "space", "other", or the character itself.
    static std::string name(std::uint8_t symbol);

    static std::vector<std::uint8_t> encode(std::string_view text);
    static std::string decode(std::span<const std::uint8_t> symbols);
};

inline std::vector<std::uint8_t> encode(std::string_view text) {
    return Alphabet::encode(text);
}
inline std::string decode(std::span<const std::uint8_t> symbols) {
    return Alphabet::decode(symbols);
}

// How often each symbol occurs (a vector of Alphabet::size counts).
std::vector<std::size_t> symbol_counts(std::span<const std::uint8_t> symbols);

// ---------------------------------------------------------------------------------------------
// Contiguous splits of a sequence of n items.

struct IndexRange {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::size_t size() const { return end - begin; }
    bool empty() const { return end == begin; }
    template <class T> std::span<const T> of(std::span<const T> all) const {
        return all.subspan(begin, size());
    }
    template <class T> std::span<const T> of(const std::vector<T>& all) const {
        return of(std::span<const T>(all));
    }
};

struct SplitFractions {
    double train = 0.90;
    double validation = 0.05;
    double test = 0.05;
};

struct Split {
    IndexRange train;
    IndexRange validation;
    IndexRange test;
};

// [0, n) cut into consecutive ranges train | validation | test, each boundary rounded to the
// nearest item. The fractions must be >= 0 with a sum <= 1; when the sum is below 1 the items
// after the test range are left out (a quick run on a prefix); when it is 1, test ends at n.
// Throws std::invalid_argument otherwise.
Split split_contiguous(std::size_t n, const SplitFractions& fractions = {});

} // namespace gliasim::tasks
