// A repository's settings, held by corral and changed by its owners: where
// merges go, which branches are protected, how the commit step merges and
// checks, the tier and its limits, and the owners' additions to the diff
// rules. Stored as JSON in the repository's record; read strictly.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "policy/diff_checks.h"
#include "routing/tier.h"
#include "routing/tier_policy.h"
#include "settings/alert_settings.h"
#include "settings/boundary_settings.h"
#include "store/records.h"

namespace corral::settings {

enum class MergeMethod { kRebase, kMergeCommit };

struct RepoSettings {
  std::string upstream;                         // "" = the repository corral was given
  std::string credentials;                      // "" or "env:NAME" (git/upstream.h)
  std::vector<std::string> protected_branches;  // empty = the default branch and release/*
  MergeMethod merge_method = MergeMethod::kRebase;
  std::string check_command;        // "" = none; run with /bin/sh -c in a sandbox
  bool keep_task_branches = false;  // corral/<task> stays in the repository after its merge
  int check_timeout_seconds = 600;
  int merge_queue_depth = 4;        // how many tasks of a queue are checked at once, each on those ahead
  int merge_batch = 1;              // how many passed tasks of a queue may land in one publish
  bool conflict_follow_up = false;  // a conflicted task queues a follow-up for its agent on the new tip
  routing::RoutingSettings routing = routing::default_routing_settings();  // pin, cap, thresholds, ...
  std::map<routing::Tier, routing::TierLimits> tier_limits;                // overrides of the defaults
  std::vector<std::string> agents;  // agent profiles (command lines) allowed here; empty: any
  double exploration_share = 0.10;  // of low-risk tasks, at most this share goes to a newer profile
  policy::DiffRules extra_rules;    // owners' additions (limits unused here)
  BoundarySettings boundaries;      // egress allowlist, tool enforcement, budgets
  AlertSettings alerts;             // the alert rules' thresholds here
};

// Reads stored settings or a whole settings document; unknown keys, wrong
// types and out-of-range values are invalid_argument naming the field.
Result<RepoSettings> parse_settings(const nlohmann::json& document);

// The settings stored with a repository; corrupt if they are not JSON.
Result<RepoSettings> settings_of(const store::RepoRecord& repo);

// `current` with the keys of `change` applied (a key set to null returns to
// its default); the same checks as parse_settings.
Result<RepoSettings> change_settings(const RepoSettings& current, const nlohmann::json& change);

nlohmann::json settings_json(const RepoSettings& settings);

// The tier in force: the owner's pin, else the computed tier under the owner's cap.
routing::Tier effective_tier(const RepoSettings& settings, routing::Tier computed);
// The limits of `tier`, the owners' overrides applied (and at least one
// approval when the owner requires a human).
routing::TierLimits limits_of(const RepoSettings& settings, routing::Tier tier);
// The diff rules: the defaults, the owners' additions, `tier`'s size limits.
policy::DiffRules diff_rules(const RepoSettings& settings, routing::Tier tier);

// True if `branch` matches a protected pattern (policy/path_glob syntax:
// "release/*"); with no patterns set, `default_branch` and release/* are.
bool is_protected(const RepoSettings& settings, const std::string& branch, const std::string& default_branch);

}  // namespace corral::settings
