// What a change is, apart from where it sits: git's stable patch id (the same
// hunks, ignoring line numbers and whitespace, as git-patch-id(1) --stable
// defines it), and the interdiff a reviewer reads when a rebase changed a
// change they had approved.
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

// The stable patch id (40 hex) of the diff `from`..`to` in `repo_path`; the
// same as `git diff --no-renames FROM TO | git patch-id --stable`. "" for an
// empty diff.
Result<std::string> patch_id(const std::string& repo_path, const std::string& from, const std::string& to);

// What changed between two diffs of one change: the unified diff of the patch
// `approved_from`..`approved_to` against `from`..`to`, each patch first
// stripped of what a rebase changes anyway (hunk line numbers, blob ids), so
// only real differences in the hunks show. "" when there are none.
Result<std::string> interdiff(const std::string& repo_path, const std::string& approved_from,
                              const std::string& approved_to, const std::string& from, const std::string& to);

}  // namespace corral::git
