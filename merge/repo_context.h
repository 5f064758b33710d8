// A repository as the commit step sees it: its record, its settings, where
// merges go and which branch is its default there.
#pragma once

#include <string>

#include "core/data_layout.h"
#include "git/upstream.h"
#include "policy/access.h"
#include "settings/repo_settings.h"
#include "store/store.h"

namespace corral::merge {

struct RepoContext {
  store::RepoRecord record;
  settings::RepoSettings settings;
  git::Upstream upstream;                        // settings.upstream, or the repository corral was given
  std::string default_branch;                    // the upstream's HEAD
  routing::Tier tier = routing::Tier::kObserve;  // in force: pin, else the computed tier under the cap

  // The branch a task with `target` ("" = default) merges into.
  std::string branch_for(const std::string& target) const { return target.empty() ? default_branch : target; }
  bool is_protected(const std::string& branch) const;
  routing::TierLimits limits() const { return settings::limits_of(settings, tier); }
};

// Reads the repository's record and settings, and asks its upstream for its
// default branch. not_found if the repository does not exist.
Result<RepoContext> load_repo_context(store::Store& store, const std::string& repo_id);

// Where corral keeps its record of a shared branch, and what the upstream
// last showed, in the mirror.
std::string shared_ref(const std::string& branch);
std::string upstream_ref(const std::string& branch);

}  // namespace corral::merge
