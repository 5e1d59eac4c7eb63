// SPDX-License-Identifier: MIT
#include "crc32c.hpp"

#include <array>

namespace gliasim {

namespace {

// The reflected polynomial: bit 31 of 0x1EDC6F41 becomes bit 0.
constexpr std::uint32_t kReflectedPolynomial = 0x82F63B78u;

// One byte at a time through a 256-entry table, built at compile time: fast enough for
// checkpoints (hundreds of MB/s), and simple enough to check against the RFC's test vectors.
constexpr std::array<std::uint32_t, 256> make_table() {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (c >> 1) ^ kReflectedPolynomial : c >> 1;
        t[i] = c;
    }
    return t;
}
constexpr auto kTable = make_table();

} // namespace

std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc) {
    std::uint32_t c = ~crc;
    for (const std::byte b : bytes)
        c = kTable[(c ^ static_cast<std::uint32_t>(b)) & 0xFFu] ^ (c >> 8);
    return ~c;
}

std::uint32_t crc32c(std::string_view text, std::uint32_t crc) {
    return crc32c(std::as_bytes(std::span(text.data(), text.size())), crc);
}

} // namespace gliasim
