// The alert rules: what each stored event means for the repository's and the
// agents' alerts. Fed every event once, in order (the watcher's job); keeps
// only small windows in memory (failures, an hour's spend, a run's refusals),
// and asks its RuleContext for what the log holds beyond them. Cooldowns and
// muted rules are the watcher's: a rule says what it sees.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "alerts/raised_alert.h"
#include "settings/repo_settings.h"
#include "store/event_log.h"

namespace corral::alerts {

// What a proposed diff changes: per file (old and new paths of a rename), the
// base's line ranges it touches: path -> [(first line, count)].
using ChangedFiles = std::map<std::string, std::vector<std::pair<int, int>>>;
// Read from a diff.proposed event's "stats" (git/diff.h's JSON).
ChangedFiles changed_files(const nlohmann::json& stats);

// A task in flight (running, done running, in review or merging) and what
// its last proposed diff changes.
struct InFlightChange {
  std::string task_id;
  std::string state;
  ChangedFiles files;
};

class RuleContext {
 public:
  virtual ~RuleContext() = default;
  // The repository's settings in force (the defaults for "" or an unknown one).
  virtual const settings::RepoSettings& settings_of(const std::string& repo_id) = 0;
  // The other tasks in flight in `repo_id` that have proposed a diff.
  virtual std::vector<InFlightChange> in_flight(const std::string& repo_id, const std::string& except_task) = 0;
  // True when `tool` is new to the repository (and remembers it).
  virtual bool first_use_of_tool(const std::string& repo_id, const std::string& tool, const std::string& run_id) = 0;
};

class RuleBook {
 public:
  // Where the chain stood before the first event fed (the hash of the event at
  // the cursor, "" before the first event).
  explicit RuleBook(std::string chain_head) : chain_head_(std::move(chain_head)) {}

  // What `event` raises.
  std::vector<RaisedAlert> observe(const store::StoredEvent& event, RuleContext& context);

 private:
  // A repository's model calls of the last hour, (ms, tokens) each, and their sum.
  struct Hour {
    std::deque<std::pair<int64_t, int64_t>> calls;
    int64_t tokens = 0;
  };
  struct Refusals {
    int count = 0;
    std::vector<int64_t> seqs;
  };

  void check_chain(const store::StoredEvent& stored, std::vector<RaisedAlert>& out);
  void failed(const store::StoredEvent& stored, int64_t ms, RuleContext& context, std::vector<RaisedAlert>& out);
  void refused(const store::StoredEvent& stored, RuleContext& context, std::vector<RaisedAlert>& out);
  void spent(const store::StoredEvent& stored, const nlohmann::json& payload, int64_t ms, RuleContext& context,
             std::vector<RaisedAlert>& out);
  void proposed(const store::StoredEvent& stored, const nlohmann::json& payload, RuleContext& context,
                std::vector<RaisedAlert>& out);

  std::string chain_head_;
  std::map<std::string, std::deque<std::pair<int64_t, int64_t>>> failures_;  // "repo:ID"/"agent:P" -> (ms, seq)
  std::map<std::string, Refusals> refusals_;                                 // run id ->
  std::map<std::string, Hour> spend_;                                        // by repository
};

}  // namespace corral::alerts
