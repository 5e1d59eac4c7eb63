// SPDX-License-Identifier: MIT
#include "model.hpp"

#include <cmath>
#include <fmt/format.h>

namespace gliasim {

std::string ParamSpec::range_text() const {
    if (!choices.empty()) {
        std::string t;
        for (const auto& c : choices) t += (t.empty() ? "\"" : ", \"") + c + "\"";
        return "one of " + t;
    }
    auto bound = [&](double v) {
        if (std::isinf(v)) return std::string(v < 0 ? "-inf" : "inf");
        return format_quantity(v, dim);
    };
    return fmt::format("{}{}, {}{}", min_exclusive ? "(" : "[", bound(min), bound(max),
                       max_exclusive ? ")" : "]");
}

std::string ParamSpec::value_text(double v, Dim weight_dim) const {
    if (!choices.empty()) {
        const auto i = static_cast<std::size_t>(v);
        return i < choices.size() ? choices[i] : std::string("?");
    }
    return format_quantity(v, in_weight_unit ? weight_dim : dim);
}

std::string_view model_kind_name(ModelKind k) {
    switch (k) {
    case ModelKind::neuron:
        return "neuron";
    case ModelKind::astrocyte:
        return "astrocyte";
    case ModelKind::source:
        return "source";
    case ModelKind::stimulus:
        return "stimulus";
    case ModelKind::synapse:
        return "synapse";
    }
    return "?";
}

namespace {
template <typename T>
std::optional<std::size_t> find_name(const std::vector<T>& v, std::string_view n) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i].name == n) return i;
    return std::nullopt;
}
} // namespace

std::optional<std::size_t> ModelInfo::param_index(std::string_view n) const {
    return find_name(params, n);
}
std::optional<std::size_t> ModelInfo::state_index(std::string_view n) const {
    return find_name(state, n);
}
std::optional<std::size_t> ModelInfo::receptor_index(std::string_view n) const {
    for (std::size_t i = 0; i < receptors.size(); ++i)
        if (receptors[i] == n) return i;
    return std::nullopt;
}

ParamValues ModelInfo::default_params() const {
    ParamValues v;
    v.reserve(params.size());
    for (const auto& p : params) v.push_back(p.default_value);
    return v;
}

} // namespace gliasim
