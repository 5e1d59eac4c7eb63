// SPDX-License-Identifier: MIT
#include "experiment_document.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <optional>
#include <utility>
#include <vector>

#include "experiment_source.hpp"
#include "input_error.hpp"
#include <sys/stat.h>

namespace gliasim {

namespace {

// The first invalid UTF-8 sequence, as a 1-based line and column (in characters), so that the
// error points at the offending byte itself.
std::optional<std::pair<std::uint32_t, std::uint32_t>> first_invalid_utf8(std::string_view t,
                                                                          unsigned& byte) {
    std::uint32_t line = 1, col = 1;
    std::size_t i = 0;
    while (i < t.size()) {
        const auto c = static_cast<unsigned char>(t[i]);
        std::size_t len = c < 0x80           ? 1
                          : (c >> 5) == 0x6  ? 2
                          : (c >> 4) == 0xE  ? 3
                          : (c >> 3) == 0x1E ? 4
                                             : 0;
        bool ok = len > 0 && i + len <= t.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(t[i + k]) & 0xC0) == 0x80;
        if (ok && len == 2) ok = c >= 0xC2; // overlong
        if (!ok) {
            byte = c;
            return std::pair{line, col};
        }
        if (c == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
        i += len;
    }
    return std::nullopt;
}

toml::table parse_document(std::string_view text, const std::string& source_name) {
    unsigned byte = 0;
    if (const auto pos = first_invalid_utf8(text, byte))
        throw InputError(
            source_name, pos->first, pos->second, "",
            fmt::format("invalid UTF-8 byte 0x{:02X}; experiment files are UTF-8 text", byte));
    toml::table doc;
    try {
        doc = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        throw InputError(source_name, e.source().begin.line, e.source().begin.column, "",
                         std::string(e.description()));
    }
    return doc;
}

// `extends = "base.toml"` (or a list, merged in order): the base file's tables, with this
// file's keys replacing or adding to them key by key (tables merge, everything else is
// replaced). Relative to this file.
void merge_into(toml::table& base, toml::table&& over) {
    // Nodes are moved, not copied: a copy would lose its source position, which errors need.
    for (auto&& [k, v] : over) {
        toml::node* b = base.get(k.str());
        if (b && b->is_table() && v.is_table())
            merge_into(*b->as_table(), std::move(*v.as_table()));
        else
            v.visit([&, &key = k](auto&& concrete) {
                base.insert_or_assign(key, std::move(concrete));
            });
    }
}

using FileIdentity = std::pair<std::uint64_t, std::uint64_t>; // device, inode

toml::table resolve_extends(toml::table doc, const std::string& source_name,
                            std::vector<FileIdentity>& chain) {
    const toml::node* en = doc.get("extends");
    if (!en) return doc;
    const auto fail = [&](const toml::node& at, const std::string& msg) -> void {
        throw InputError(source_name, at.source().begin.line, at.source().begin.column, "extends",
                         msg);
    };
    // One base, or several merged left to right (a network, then parts that add to it).
    std::vector<const toml::node*> bases;
    if (const auto* list = en->as_array())
        for (const auto& e : *list) bases.push_back(&e);
    else
        bases.push_back(en);
    if (bases.empty()) fail(*en, "expected the path of an experiment file to extend");
    if (chain.size() > 8) fail(*en, "more than 8 levels of extends");
    toml::table merged;
    for (const toml::node* b : bases) {
        if (!b->is_string()) fail(*b, "expected the path of an experiment file to extend");
        const auto path = (std::filesystem::path(source_name).parent_path() / b->as_string()->get())
                              .lexically_normal()
                              .string();
        auto read = read_experiment_source(path);
        if (const auto* why = std::get_if<std::string>(&read)) fail(*b, "'" + path + "' " + *why);
        auto& file = std::get<SourceFile>(read);
        const FileIdentity id{file.device, file.inode};
        if (std::find(chain.begin(), chain.end(), id) != chain.end())
            fail(*b, fmt::format("'{}' is already being read (extends cycle)", path));
        chain.push_back(id);
        merge_into(merged, resolve_extends(parse_document(file.text, path), path, chain));
        chain.pop_back();
    }
    doc.erase("extends");
    merge_into(merged, std::move(doc));
    return merged;
}

} // namespace

toml::table read_experiment_document(std::string_view text, const std::string& source_name) {
    // The file itself heads the chain when it is one, so that `extends` back to it is a cycle.
    std::vector<FileIdentity> chain;
    struct stat st {};
    if (::stat(source_name.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        chain.emplace_back(static_cast<std::uint64_t>(st.st_dev),
                           static_cast<std::uint64_t>(st.st_ino));
    return resolve_extends(parse_document(text, source_name), source_name, chain);
}

} // namespace gliasim
