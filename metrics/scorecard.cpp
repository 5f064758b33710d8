#include "metrics/scorecard.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "settings/repo_settings.h"

namespace corral::metrics {
namespace {

using nlohmann::json;

constexpr int kPage = 2000;

struct Run {
  std::string repo, agent;
  std::set<std::string> hosts;
  int64_t tokens = 0, calls = 0;
  double started = 0, seconds = -1;
  int64_t timeout = 0, memory_limit = 0;
};

struct Task {
  std::string repo, agent;
  std::set<std::string> files;
  bool approved = false, merged = false, counted = false;
  int flagged = 0;
  double cost = 0;
};

struct Row {
  int64_t tasks = 0, merged = 0, without_human = 0, blocked = 0, flagged = 0, false_positives = 0;
  double cost = 0, remediation_seconds = 0;
  int64_t remediations = 0, tokens_of_merged = 0;
  std::vector<const Run*> runs;
};

std::string text(const json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double seconds_at(const std::string& time) {
  auto at = parse_rfc3339(time);
  return at ? static_cast<double>(epoch_ms(*at)) / 1000.0 : 0;
}

// A grant a little above the most a run used, when that is well under the grant.
json tighter(const char* what, int64_t most_used, int64_t granted) {
  int64_t suggested = std::max<int64_t>(1, most_used + most_used / 2);
  if (granted > 0 && suggested >= granted) return nullptr;
  return {{"setting", what}, {"granted", granted}, {"most_used", most_used}, {"suggested", suggested}};
}

json least_privilege(const Row& row, const settings::RepoSettings& settings) {
  std::set<std::string> reached;
  int64_t tokens = 0, calls = 0, timeout = 0, memory = 0;
  double seconds = 0;
  for (const Run* run : row.runs) {
    reached.insert(run->hosts.begin(), run->hosts.end());
    tokens = std::max(tokens, run->tokens);
    calls = std::max(calls, run->calls);
    seconds = std::max(seconds, run->seconds);
    timeout = std::max(timeout, run->timeout);
    memory = std::max(memory, run->memory_limit);
  }
  const auto& granted = settings.boundaries;
  json suggestions = json::array();
  std::vector<std::string> unused;
  for (const std::string& host : granted.egress_hosts)
    if (!reached.count(host)) unused.push_back(host);
  if (!row.runs.empty() && !unused.empty())
    suggestions.push_back({{"setting", "egress.hosts"},
                           {"unused", unused},
                           {"suggested", std::vector<std::string>(reached.begin(), reached.end())}});
  if (!row.runs.empty()) {
    for (json suggestion : {tighter("budget.task_tokens", tokens, granted.task_tokens),
                            tighter("budget.task_calls", calls, granted.task_calls),
                            tighter("timeout_seconds", static_cast<int64_t>(seconds * 2) + 60, timeout)})
      if (!suggestion.is_null()) suggestions.push_back(std::move(suggestion));
  }
  return {{"runs", row.runs.size()},
          {"hosts_allowed", granted.egress_hosts},
          {"hosts_reached", std::vector<std::string>(reached.begin(), reached.end())},
          {"tokens_most", tokens},
          {"token_budget", granted.task_tokens},
          {"calls_most", calls},
          {"call_budget", granted.task_calls},
          {"seconds_most", seconds},
          {"timeout_seconds", timeout},
          {"memory_limit_bytes", memory},
          {"memory_used_bytes", nullptr},
          {"suggestions", suggestions}};
}

}  // namespace

Result<json> scorecard(store::Transaction& tx, const std::string& repo_id, const std::string& since) {
  std::map<std::string, Run> runs;
  std::map<std::string, Task> tasks;
  std::map<std::pair<std::string, std::string>, Row> rows;
  // Failures and rollbacks waiting for a merge on their files: (time, repo, files).
  struct Open {
    double at;
    std::string repo, agent;
    std::set<std::string> files;
  };
  std::vector<Open> open;
  CORRAL_ASSIGN_OR_RETURN(int64_t first, tx.events.first_seq_since(since));
  int64_t read = 0;
  bool truncated = false;
  for (int64_t after = first - 1; !truncated;) {
    CORRAL_ASSIGN_OR_RETURN(auto page, tx.events.after(after, {"", repo_id, ""}, kPage));
    if (page.empty()) break;
    after = page.back().seq;
    for (const store::StoredEvent& stored : page) {
      if (++read > kScorecardMaxEvents) {
        truncated = true;
        break;
      }
      const Event& event = stored.event;
      if (event.task_id.empty() || event.repo_id.empty()) continue;
      const std::string& type = event.type;
      Task& task = tasks[event.task_id];
      task.repo = event.repo_id;
      if (!event.agent.empty()) task.agent = event.agent;
      Row& row = rows[{event.repo_id, task.agent}];
      json payload = json::parse(event.payload, nullptr, false);
      if (!payload.is_object()) payload = json::object();
      Run* run = event.run_id.empty() ? nullptr : &runs[event.run_id];
      if (run) {
        run->repo = event.repo_id;
        run->agent = task.agent;
      }
      double at = seconds_at(stored.time);
      if (type == "task.started" && !task.counted) {  // its agent is known by then
        task.counted = true;
        ++row.tasks;
      }
      if (type == "tool.blocked" || type == "egress.denied") ++row.blocked;
      if (type == "tool.flagged") {
        ++row.flagged;
        ++task.flagged;
      }
      if (type == "approval.granted") {
        task.approved = true;
        row.false_positives += task.flagged;
        task.flagged = 0;  // counted once
      }
      if (type == "llm.call") {
        if (payload.contains("cost_usd") && payload["cost_usd"].is_number())
          task.cost += payload["cost_usd"].get<double>();
        if (run) {
          ++run->calls;
          for (const char* kind : {"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"})
            run->tokens += payload.value(kind, int64_t{0});
        }
      }
      if (run && type == "egress.allowed") run->hosts.insert(text(payload, "host"));
      if (run && type == "task.started") run->started = at;
      if (run && type == "sandbox.created") {
        run->timeout = payload.value("timeout_seconds", int64_t{0});
        run->memory_limit = payload.value("memory_bytes", int64_t{0});
      }
      if (run && (type == "task.finished" || type == "task.failed") && run->started > 0) {
        run->seconds = at - run->started;
        row.runs.push_back(run);
      }
      if (type == "diff.proposed" && payload.value("changed", false))
        for (const auto& file : payload.value("stats", json::object()).value("files", json::array()))
          if (file.is_object()) task.files.insert(text(file, "path"));
      if ((type == "task.failed" || type == "rollback.recorded") && !task.files.empty())
        open.push_back({at, task.repo, task.agent, task.files});
      if (type == "merge.completed" && event.run_id.size()) {
        task.merged = true;
        ++row.merged;
        if (!task.approved) ++row.without_human;
        row.cost += task.cost;
        if (run) row.tokens_of_merged += run->tokens;
        for (auto it = open.begin(); it != open.end();) {
          bool same_files = it->repo == task.repo && std::any_of(task.files.begin(), task.files.end(),
                                                                 [&](const auto& f) { return it->files.count(f) > 0; });
          if (!same_files || at < it->at) {
            ++it;
            continue;
          }
          Row& failed_row = rows[{it->repo, it->agent}];
          failed_row.remediation_seconds += at - it->at;
          ++failed_row.remediations;
          it = open.erase(it);
        }
      }
    }
  }
  json out = {{"since", since},
              {"events", std::min<int64_t>(read, kScorecardMaxEvents)},
              {"truncated", truncated},
              {"rows", json::array()}};
  std::map<std::string, settings::RepoSettings> settings_of;
  for (const auto& [key, row] : rows) {
    const auto& [repo, agent] = key;
    if (!settings_of.count(repo)) {
      CORRAL_ASSIGN_OR_RETURN(auto record, tx.records.find_repo(repo));
      settings::RepoSettings found;
      if (record) {
        auto parsed = settings::settings_of(*record);
        if (parsed.is_ok()) found = *parsed;
      }
      settings_of.emplace(repo, found);
    }
    int64_t decisions = row.blocked + row.flagged;
    out["rows"].push_back(
        {{"repo", repo},
         {"agent", agent},
         {"tasks", row.tasks},
         {"merged", row.merged},
         {"merged_without_human", row.without_human},
         {"blocked", row.blocked},
         {"flagged", row.flagged},
         {"false_positives", row.false_positives},
         {"false_positive_ratio",
          decisions ? json(static_cast<double>(row.false_positives) / decisions) : json(nullptr)},
         {"remediations", row.remediations},
         {"mean_time_to_remediate_seconds",
          row.remediations ? json(row.remediation_seconds / static_cast<double>(row.remediations)) : json(nullptr)},
         {"cost_usd", row.cost},
         {"cost_per_merged_task_usd", row.merged ? json(row.cost / static_cast<double>(row.merged)) : json(nullptr)},
         {"tokens_per_merged_task",
          row.merged ? json(static_cast<double>(row.tokens_of_merged) / static_cast<double>(row.merged))
                     : json(nullptr)},
         {"least_privilege", least_privilege(row, settings_of.at(repo))}});
  }
  return out;
}

}  // namespace corral::metrics
