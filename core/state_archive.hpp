// SPDX-License-Identifier: MIT
#pragma once

// Checkpoints as named arrays. Everything that changes during a run (model state, ring buffers,
// plastic weights and traces, event queues, recorder positions) is listed through one visitor,
// StateArchive, that either copies the arrays out (saving) or back in (loading). The same
// listing code serves both directions, so a state that is saved is also restored. The arrays
// are plain bytes with a type tag; io/ writes them to an HDF5 file.

#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace gliasim {

enum class ArrayType : std::uint8_t { f64, f32, i64, u64, i32, u32, u16, u8, raw };

template <class T> constexpr ArrayType array_type_of() {
    if constexpr (std::is_same_v<T, double>)
        return ArrayType::f64;
    else if constexpr (std::is_same_v<T, float>)
        return ArrayType::f32;
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 8)
        return ArrayType::i64;
    else if constexpr (std::is_integral_v<T> && sizeof(T) == 8)
        return ArrayType::u64;
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 4)
        return ArrayType::i32;
    else if constexpr (std::is_integral_v<T> && sizeof(T) == 4)
        return ArrayType::u32;
    else if constexpr (std::is_integral_v<T> && sizeof(T) == 2)
        return ArrayType::u16;
    else if constexpr (std::is_integral_v<T> && sizeof(T) == 1)
        return ArrayType::u8;
    else
        return ArrayType::raw; // trivially copyable structs (spikes, events): same build only
}

struct StoredArray {
    ArrayType type = ArrayType::raw;
    std::size_t element_size = 1;
    std::vector<std::byte> bytes;
    std::size_t count() const { return element_size ? bytes.size() / element_size : 0; }
};

// Arrays by their path ("population/exc/V_m", "kernel/event_queue/exact").
using CheckpointArrays = std::map<std::string, StoredArray, std::less<>>;

// A checkpoint that does not fit the network it is loaded into.
class CheckpointMismatch : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Names under "header/" are reserved: the checkpoint reader puts the header's step and time
// there (put_header_position), so that the loader, which knows dt, can check them against the
// arrays; they are never written as arrays.
inline constexpr std::string_view kHeaderArrays = "header/";
void put_header_position(CheckpointArrays& arrays, std::int64_t step, double time_ms);

class StateArchive {
public:
    // An archive that adds the arrays it is shown to `arrays`.
    static StateArchive saving_to(CheckpointArrays& arrays) {
        return StateArchive(&arrays, arrays);
    }
    // An archive that overwrites the arrays it is shown from `arrays`.
    static StateArchive loading_from(const CheckpointArrays& arrays) {
        return StateArchive(nullptr, arrays);
    }

    bool loading() const { return loading_; }
    // The full name of array `name` in the current scope (for messages).
    std::string where(std::string_view name) const { return path(name); }

    // A fixed-size array (its size is known from the network's construction).
    template <class T> void io(std::string_view name, std::span<T> values) {
        static_assert(std::is_trivially_copyable_v<T>);
        if (!loading_) {
            put(name, array_type_of<T>(), sizeof(T), values.data(), values.size());
            return;
        }
        const StoredArray& a = get(name, array_type_of<T>(), sizeof(T));
        if (a.count() != values.size())
            throw CheckpointMismatch("'" + path(name) + "' holds " + std::to_string(a.count()) +
                                     " values where the network has " +
                                     std::to_string(values.size()));
        if (!values.empty()) std::memcpy(values.data(), a.bytes.data(), a.bytes.size());
    }
    template <class T>
    void io(std::string_view name, std::vector<T>& values) requires(!std::is_same_v<T, bool>) {
        io(name, std::span<T>(values));
    }
    // A variable-size array (kept spikes, pending events): resized when loading.
    template <class T> void io_resizable(std::string_view name, std::vector<T>& values) {
        static_assert(std::is_trivially_copyable_v<T>);
        if (loading_) values.resize(get(name, array_type_of<T>(), sizeof(T)).count());
        io(name, std::span<T>(values));
    }
    template <class T> void scalar(std::string_view name, T& value) {
        io(name, std::span<T>(&value, 1));
    }

    // After loading: every value of the array `name` (as just loaded) within [low, high], or a
    // CheckpointMismatch naming the array, the element and its value. A crafted counter or index
    // must not reach the code that trusts it.
    template <class T>
    void require_within(std::string_view name, std::span<const T> values, T low, T high) const {
        static_assert(std::is_arithmetic_v<T>);
        for (std::size_t i = 0; i < values.size(); ++i)
            if (!(values[i] >= low && values[i] <= high))
                throw CheckpointMismatch(out_of_range(name, i, std::to_string(values[i]),
                                                      std::to_string(low), std::to_string(high)));
    }
    template <class T>
    void require_within(std::string_view name, const std::vector<T>& values, T low, T high) const {
        require_within(name, std::span<const T>(values), low, high);
    }

    // Names below this scope are prefixed with `name/` until the returned guard goes.
    class Scope {
    public:
        Scope(StateArchive& a, std::string_view name) : a_(a), saved_(a.prefix_.size()) {
            a_.prefix_.append(name);
            a_.prefix_.push_back('/');
        }
        ~Scope() { a_.prefix_.resize(saved_); }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        StateArchive& a_;
        std::size_t saved_;
    };
    Scope scope(std::string_view name) { return Scope(*this, name); }

private:
    StateArchive(CheckpointArrays* out, const CheckpointArrays& in)
        : out_(out), in_(&in), loading_(out == nullptr) {}
    std::string path(std::string_view name) const { return prefix_ + std::string(name); }
    void put(std::string_view name, ArrayType type, std::size_t element_size, const void* data,
             std::size_t count);
    const StoredArray& get(std::string_view name, ArrayType type, std::size_t element_size) const;
    std::string out_of_range(std::string_view name, std::size_t index, const std::string& value,
                             const std::string& low, const std::string& high) const;

    CheckpointArrays* out_;
    const CheckpointArrays* in_;
    bool loading_;
    std::string prefix_;
};

} // namespace gliasim
