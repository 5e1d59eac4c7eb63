// SPDX-License-Identifier: MIT
#pragma once

// The files one `gliasim run` writes, and the rules that keep it off every other file
// (docs/reliability.md, "Threat model"): the run writes `<output>.partial` and renames it over
// the output only when it completes; its checkpoint is `<output>.ckpt` (or --checkpoint), written
// through `<checkpoint>.tmp`. Each refusal is one line for stderr (the caller exits with 2).

#include <cstdint>
#include <optional>
#include <string>

namespace gliasim::session {

struct RunFiles {
    std::string output;         // the result, in place only once the run completed
    std::string partial;        // where the run writes until then: output + ".partial"
    std::string checkpoint;     // periodic and on-signal checkpoints
    std::string checkpoint_tmp; // checkpoint + ".tmp", renamed over the checkpoint
    std::string experiment;     // the experiment file read (empty: the checkpoint's own text)
    std::string resume;         // the checkpoint resumed from (empty: a new run)
};

// The documented name a run writes its output under until it completes.
std::string partial_path_of(const std::string& output);

// Refuses two roles on one file (after following links): `-o c.h5 --checkpoint c.h5`,
// `--checkpoint ./x.h5` for `-o x.h5`, an output that is the experiment file...
std::optional<std::string> check_distinct_files(const RunFiles& files);

// Refuses a partial file, checkpoint or checkpoint .tmp that exists and is not this run's to
// replace: allowed are --overwrite, the checkpoint being resumed from and its partial file, and
// a resumed run's leftover .tmp of a checkpoint write killed half-way (an HDF5 file).
std::optional<std::string> check_existing_files(const RunFiles& files, bool overwrite);

// Removes (never follows) what --overwrite allows to replace at the partial and the .tmp path,
// so that both are then created afresh. Returns the refusal if one cannot be removed.
std::optional<std::string> clear_for_writing(const RunFiles& files, bool overwrite);

// 128 random bits in hex: the id shared by a run's output and its checkpoints.
std::string new_run_id();

// A checkpoint stores its output relative to the checkpoint's own folder (absolute when they
// share no root), so that `--resume` from any folder finds the same file.
std::string output_as_stored(const std::string& output, const std::string& checkpoint);
std::string output_from_checkpoint(const std::string& stored, const std::string& checkpoint);

// The identity a resumed run's partial file must carry: that of the checkpoint's run.
struct RunIdentity {
    std::string run_id;
    std::uint64_t experiment_hash = 0;
    std::uint64_t seed = 0;
};
// Refuses (naming both files) a partial file that is not the output of the checkpoint's run.
std::optional<std::string> check_resume_identity(const std::string& partial,
                                                 const std::string& checkpoint,
                                                 const RunIdentity& expected);

} // namespace gliasim::session
