// What the daemon learns from outcomes (ARCHITECTURE.md, "The life of a task", step 7): each one is
// recorded, the repository's track record recomputed, and its tier moved by
// routing's policy. A change of tier is a tier.changed event carrying the
// numbers, the thresholds and the rule that fired.
//
// The stored tier is the one the record earned (the owner's pin and cap are
// applied when it is read: repo_settings.h effective_tier), so lifting a pin
// or a cap never hands out a tier nobody earned.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/data_layout.h"
#include "policy/access.h"
#include "routing/outcome.h"
#include "settings/repo_settings.h"
#include "store/store.h"

namespace corral::admission {

// Call within a store::Transaction, inside the transaction that ends the task.
Status learn(store::Transaction& store, const std::string& repo_id, const std::string& task_id,
             const std::string& agent, routing::OutcomeKind kind);

// The outcome a task that just reached `state` stands for, if it is one
// (merged, rolled_back, rejected, checks_failed, refused, failed, cancelled),
// learned from as above.
Status learn_if_outcome(store::Transaction& store, const store::QueuedTask& task, store::TaskState state);

std::vector<routing::Outcome> to_outcomes(const std::vector<store::OutcomeRecord>& records);

// The settings routing computes with: the owner's, without pin and cap.
routing::RoutingSettings earning_settings(const settings::RepoSettings& settings);

// The tier a repository works at now: the earned one under the owner's pin
// and cap, and why, in words.
struct TierInForce {
  routing::Tier earned = routing::Tier::kObserve;
  routing::Tier tier = routing::Tier::kObserve;
  std::string why;
};
TierInForce tier_in_force(const settings::RepoSettings& settings, const store::TierRecord& earned);

// Each agent profile's KPIs on the repository whose history this is, read at `now`.
std::map<std::string, routing::Kpis> kpis_by_agent(const std::vector<routing::Outcome>& history,
                                                   const routing::RoutingSettings& settings, TimePoint now);

// KPIs as JSON: {"samples", "success_rate", ...}.
nlohmann::json kpis_json(const routing::Kpis& kpis);

}  // namespace corral::admission
