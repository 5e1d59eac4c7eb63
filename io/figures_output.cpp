// SPDX-License-Identifier: MIT
#include "figures_output.hpp"

#include <hdf5.h>

#include "hdf5_util.hpp"

namespace gliasim {

void write_figures(const std::string& path, const std::string& group,
                   const std::vector<std::pair<std::string, std::string>>& texts,
                   const std::vector<std::pair<std::string, double>>& scalars,
                   const std::vector<std::pair<std::string, std::vector<double>>>& curves) {
    h5::silence_errors();
    h5::Handle file(h5::check(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open " + path));
    h5::Handle g(h5::create_group(file, group));
    for (const auto& [name, text] : texts) h5::write_string_attribute(g, name, text);
    for (const auto& [name, value] : scalars) h5::write_double_attribute(g, name, value);
    for (const auto& [name, values] : curves)
        h5::write_dataset(g, name, H5T_IEEE_F64LE, values.data(), values.size());
    h5::check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush " + path);
}

} // namespace gliasim
