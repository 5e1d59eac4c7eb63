// SPDX-License-Identifier: MIT
#pragma once

// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected; the iSCSI checksum of RFC 3720): the
// checksum of each checkpoint array and of the checkpoint's header. It finds every burst error
// up to 32 bits and any odd number of flipped bits; it is no defence against a file crafted on
// purpose (the range checks on restore are), only against damage.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace gliasim {

// The CRC-32C of `bytes`, continuing from `crc` (the value of the bytes before; 0 to start).
std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc = 0);
std::uint32_t crc32c(std::string_view text, std::uint32_t crc = 0);

} // namespace gliasim
