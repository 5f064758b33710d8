// A commit's files written out into a directory of their own, with no
// repository there: the read-only checkouts that overlay workspaces sit on.
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

// Writes the tree of `commit` (in the mirror) into `directory`, which must
// not exist, as `git checkout` would (filters, executable bits, symlinks as
// links), and an index of that tree at `index_path` (no stat data yet: see
// record_checkout_stat once the files have their final owner).
Status check_out_commit(const std::string& mirror_path, const std::string& commit, const std::string& directory,
                        const std::string& index_path);

}  // namespace corral::git
