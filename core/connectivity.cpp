// SPDX-License-Identifier: MIT
#include "connectivity.hpp"

namespace gliasim {

std::string_view rule_name(ConnectionRule::Kind k) {
    switch (k) {
    case ConnectionRule::Kind::bernoulli:
        return "bernoulli";
    case ConnectionRule::Kind::fixed_indegree:
        return "fixed_indegree";
    case ConnectionRule::Kind::one_to_one:
        return "one_to_one";
    case ConnectionRule::Kind::all_to_all:
        return "all_to_all";
    case ConnectionRule::Kind::distance:
        return "distance";
    }
    return "?";
}

} // namespace gliasim
