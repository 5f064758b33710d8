#include "alerts/rule_book.h"

#include <algorithm>

#include "core/clock.h"

namespace corral::alerts {
namespace {

using nlohmann::json;

constexpr int64_t kHourMs = 3600 * 1000;
const std::string kGenesis(64, '0');

int64_t number(const json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_number() ? it->get<int64_t>() : 0;
}

std::string text(const json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The alert an event raises, filled with what the event is about.
RaisedAlert about(const store::StoredEvent& stored, const char* rule, const char* level, std::string subject) {
  RaisedAlert alert;
  alert.rule = rule;
  alert.severity = level;
  alert.subject = std::move(subject);
  alert.repo_id = stored.event.repo_id;
  alert.task_id = stored.event.task_id;
  alert.run_id = stored.event.run_id;
  alert.agent = stored.event.agent;
  alert.events = {stored.seq};
  return alert;
}

std::string run_or_task(const store::StoredEvent& stored) {
  return stored.event.run_id.empty() ? "task:" + stored.event.task_id : "run:" + stored.event.run_id;
}

bool ranges_meet(const std::vector<std::pair<int, int>>& a, const std::vector<std::pair<int, int>>& b) {
  for (const auto& [a_first, a_count] : a)
    for (const auto& [b_first, b_count] : b) {
      // A pure insertion touches no base line (count 0): it meets what is at its place.
      int a_last = a_first + std::max(a_count, 1) - 1, b_last = b_first + std::max(b_count, 1) - 1;
      if (a_first <= b_last && b_first <= a_last) return true;
    }
  return false;
}

}  // namespace

ChangedFiles changed_files(const json& stats) {
  ChangedFiles files;
  if (!stats.is_object() || !stats.contains("files") || !stats["files"].is_array()) return files;
  for (const json& file : stats["files"]) {
    if (!file.is_object()) continue;
    auto& ranges = files[text(file, "path")];
    if (auto old_path = text(file, "old_path"); !old_path.empty()) files[old_path];
    auto hunks = file.find("ranges");
    if (hunks == file.end() || !hunks->is_array()) continue;
    for (const json& range : *hunks)
      if (range.is_array() && range.size() == 2 && range[0].is_number() && range[1].is_number())
        ranges.emplace_back(range[0].get<int>(), range[1].get<int>());
  }
  return files;
}

KindRule rule_of_kind(const std::string& kind) {
  if (kind.starts_with("kill_switch"))
    return {"kill_switch", kind == "kill_switch_off" ? severity::kInfo : severity::kCritical};
  if (kind == "merge_queue_stalled") return {"merge_queue", severity::kWarning};
  return {"history_rewrite", severity::kCritical};
}

int severity_rank(const std::string& name) {
  if (name == severity::kInfo) return 0;
  if (name == severity::kWarning) return 1;
  if (name == severity::kCritical) return 2;
  return -1;
}

std::vector<RaisedAlert> RuleBook::observe(const store::StoredEvent& stored, RuleContext& context) {
  std::vector<RaisedAlert> out;
  check_chain(stored, out);
  const std::string& type = stored.event.type;
  // Most events raise nothing: their payload is not even read.
  static const std::vector<std::string> kRead = {
      "task.failed",   "task.finished",   "task.requeued",     "task.cancelled",   "tool.blocked",
      "egress.denied", "tool.invoked",    "tool.flagged",      "agent.confidence", "agent.escalation",
      "llm.call",      "budget.exceeded", "rollback.recorded", "alert.raised",     "diff.proposed"};
  if (std::find(kRead.begin(), kRead.end(), type) == kRead.end()) return out;
  if (type == "task.failed" || type == "task.finished" || type == "task.requeued" || type == "task.cancelled")
    refusals_.erase(stored.event.run_id);
  if (type == "task.finished" || type == "task.requeued" || type == "task.cancelled") return out;
  if (type == "tool.blocked" || type == "egress.denied") {
    refused(stored, context, out);
    return out;
  }
  json payload = json::parse(stored.event.payload, nullptr, false);
  if (!payload.is_object()) payload = json::object();
  // Only the windows need the time.
  int64_t ms =
      type == "task.failed" || type == "llm.call" ? epoch_ms(parse_rfc3339(stored.time).value_or(TimePoint{})) : 0;
  const settings::AlertSettings& limits = context.settings_of(stored.event.repo_id).alerts;

  if (type == "task.failed") failed(stored, ms, context, out);
  if (type == "task.failed" && (payload.value("timed_out", false) || payload.value("oom_killed", false))) {
    RaisedAlert alert = about(stored, "run_killed", severity::kWarning, run_or_task(stored));
    std::string limit = payload.value("timed_out", false) ? "time" : "memory";
    alert.summary = "a run was killed by its " + limit + " limit";
    alert.facts = {{"limit", limit}, {"reason", text(payload, "reason")}};
    out.push_back(std::move(alert));
  }
  if (type == "budget.exceeded") {
    RaisedAlert alert = about(stored, "run_killed", severity::kWarning, run_or_task(stored));
    alert.summary = "a run was stopped: its " + text(payload, "scope") + " token budget is spent";
    alert.facts = payload;
    out.push_back(std::move(alert));
  }
  if ((type == "tool.invoked" || type == "tool.flagged") && !text(payload, "tool").empty()) {
    std::string tool = text(payload, "tool");
    if (context.first_use_of_tool(stored.event.repo_id, tool, stored.event.run_id)) {
      RaisedAlert alert = about(stored, "new_tool", severity::kInfo, "tool:" + stored.event.repo_id + ":" + tool);
      alert.summary = "an agent used a tool never used before in this repository: " + tool;
      alert.facts = {{"tool", tool}};
      out.push_back(std::move(alert));
    }
  }
  if (type == "agent.confidence" && payload.contains("value") && payload["value"].is_number() &&
      payload["value"].get<double>() < limits.min_confidence) {
    RaisedAlert alert = about(stored, "low_confidence", severity::kWarning, run_or_task(stored));
    alert.summary = "an agent reported low confidence in its work";
    alert.facts = {
        {"confidence", payload["value"]}, {"threshold", limits.min_confidence}, {"reason", text(payload, "reason")}};
    out.push_back(std::move(alert));
  }
  if (type == "agent.escalation") {
    RaisedAlert alert = about(stored, "escalation", severity::kWarning, "event:" + std::to_string(stored.seq));
    alert.summary = "an agent asks for a human: " + text(payload, "reason");
    alert.facts = {{"reason", text(payload, "reason")}};
    out.push_back(std::move(alert));
  }
  if (type == "llm.call") spent(stored, payload, ms, context, out);
  if (type == "rollback.recorded") {
    RaisedAlert alert = about(stored, "rollback", severity::kWarning, "task:" + stored.event.task_id);
    alert.summary = "a merged change was rolled back";
    alert.facts = payload;
    out.push_back(std::move(alert));
  }
  if (type == "alert.raised" && !payload.contains("alert")) {
    // Raised by another module as it acted (a kill switch, a refused rewrite):
    // kept and delivered as it is, under its rule.
    std::string kind = text(payload, "kind");
    KindRule of_kind = rule_of_kind(kind);
    bool switch_kind = of_kind.rule == "kill_switch";
    RaisedAlert alert =
        about(stored, of_kind.rule.c_str(), of_kind.severity.c_str(), "event:" + std::to_string(stored.seq));
    alert.summary = switch_kind
                        ? (kind == "kill_switch_on" ? "a kill switch was turned on" : "a kill switch was turned off")
                    : kind == "shared_history_lost" ? "a shared branch's history was rewritten outside corral"
                    : kind == "merge_queue_stalled" ? "a merge queue cannot reach its upstream"
                                                    : "a rewrite of a shared branch's history was refused";
    if (!text(payload, "reason").empty()) alert.summary += ": " + text(payload, "reason");
    alert.facts = payload;
    alert.recorded = true;
    out.push_back(std::move(alert));
  }
  if (type == "diff.proposed" && payload.value("changed", false)) proposed(stored, payload, context, out);
  return out;
}

void RuleBook::check_chain(const store::StoredEvent& stored, std::vector<RaisedAlert>& out) {
  const std::string& expected = chain_head_.empty() ? kGenesis : chain_head_;
  // The link alone, per event: re-hashing every event is the sweep's job
  // (watcher.h), off the path of new events.
  std::string problem;
  if (stored.prev_hash != expected) problem = "its prev_hash is not the hash of the event before it";
  chain_head_ = stored.hash;
  if (problem.empty()) return;
  RaisedAlert alert = about(stored, "broken_chain", severity::kCritical, "log");
  alert.summary = "the event log's hash chain is broken at event " + std::to_string(stored.seq) + ": " + problem;
  alert.facts = {{"seq", stored.seq}, {"problem", problem}};
  out.push_back(std::move(alert));
}

void RuleBook::failed(const store::StoredEvent& stored, int64_t ms, RuleContext& context,
                      std::vector<RaisedAlert>& out) {
  const settings::AlertSettings& limits = context.settings_of(stored.event.repo_id).alerts;
  int64_t window_ms = int64_t{limits.failure_window_minutes} * 60 * 1000;
  auto count = [&](const std::string& key) {
    auto& window = failures_[key];
    window.emplace_back(ms, stored.seq);
    while (!window.empty() && window.front().first < ms - window_ms) window.pop_front();
    if (static_cast<int>(window.size()) < limits.failures) return;
    bool agent = key.starts_with("agent:");
    RaisedAlert alert = about(stored, "repeated_failures", severity::kWarning, key);
    alert.summary = std::to_string(window.size()) + " tasks of " +
                    (agent ? "agent profile " + stored.event.agent : std::string("this repository")) +
                    " failed within " + std::to_string(limits.failure_window_minutes) + " minutes";
    alert.facts = {
        {"failures", window.size()}, {"threshold", limits.failures}, {"window_minutes", limits.failure_window_minutes}};
    alert.events.clear();
    for (const auto& [at, seq] : window) alert.events.push_back(seq);
    window.clear();  // the next alert needs as many failures again
    out.push_back(std::move(alert));
  };
  if (!stored.event.repo_id.empty()) count("repo:" + stored.event.repo_id);
  if (!stored.event.agent.empty()) count("agent:" + stored.event.agent);
}

void RuleBook::refused(const store::StoredEvent& stored, RuleContext& context, std::vector<RaisedAlert>& out) {
  if (stored.event.run_id.empty()) return;
  const settings::AlertSettings& limits = context.settings_of(stored.event.repo_id).alerts;
  Refusals& run = refusals_[stored.event.run_id];
  ++run.count;
  if (run.seqs.size() < 50) run.seqs.push_back(stored.seq);
  if (run.count != limits.blocked_per_run) return;  // once per run
  RaisedAlert alert = about(stored, "blocked_calls", severity::kWarning, run_or_task(stored));
  alert.summary = std::to_string(run.count) + " tool calls or egress requests were refused in one run";
  alert.facts = {{"refused", run.count}, {"threshold", limits.blocked_per_run}};
  alert.events = run.seqs;
  out.push_back(std::move(alert));
}

void RuleBook::spent(const store::StoredEvent& stored, const json& payload, int64_t ms, RuleContext& context,
                     std::vector<RaisedAlert>& out) {
  if (stored.event.repo_id.empty()) return;
  const settings::RepoSettings& repo = context.settings_of(stored.event.repo_id);
  int64_t tokens = number(payload, "input_tokens") + number(payload, "output_tokens") +
                   number(payload, "cache_read_tokens") + number(payload, "cache_write_tokens");
  Hour& hour = spend_[stored.event.repo_id];
  hour.calls.push_back({ms, tokens});
  hour.tokens += tokens;
  while (!hour.calls.empty() && hour.calls.front().first <= ms - kHourMs) {
    hour.tokens -= hour.calls.front().second;
    hour.calls.pop_front();
  }
  int64_t hour_tokens = hour.tokens, hour_calls = static_cast<int64_t>(hour.calls.size());
  auto check = [&](const char* what, int64_t used, int64_t daily) {
    if (daily <= 0 || static_cast<double>(used) < repo.alerts.burn_share * static_cast<double>(daily)) return;
    RaisedAlert alert = about(stored, "budget_burn", severity::kWarning, "repo:" + stored.event.repo_id + ":" + what);
    alert.summary = "the last hour used " + std::to_string(used) + " of the " + std::to_string(daily) + " " + what +
                    " the repository may use a day";
    alert.facts = {
        {"used_last_hour", used}, {"daily_budget", daily}, {"burn_share", repo.alerts.burn_share}, {"what", what}};
    alert.task_id.clear();
    alert.run_id.clear();
    out.push_back(std::move(alert));
  };
  check("tokens", hour_tokens, repo.boundaries.daily_tokens);
  check("calls", hour_calls, repo.boundaries.daily_calls);
}

void RuleBook::proposed(const store::StoredEvent& stored, const json& payload, RuleContext& context,
                        std::vector<RaisedAlert>& out) {
  auto mine = changed_files(payload.value("stats", json::object()));
  if (mine.empty()) return;
  for (const InFlightChange& other : context.in_flight(stored.event.repo_id, stored.event.task_id)) {
    json files = json::array();
    bool same_lines = false;
    for (const auto& [path, ranges] : mine) {
      auto theirs = other.files.find(path);
      if (theirs == other.files.end()) continue;
      bool lines = ranges_meet(ranges, theirs->second);
      same_lines = same_lines || lines;
      files.push_back({{"path", path}, {"same_lines", lines}});
    }
    if (files.empty()) continue;
    RaisedAlert alert =
        about(stored, "overlap", severity::kWarning, "tasks:" + other.task_id + ":" + stored.event.task_id);
    alert.summary = "task " + stored.event.task_id + " changes " + std::to_string(files.size()) +
                    " file(s) that task " + other.task_id + " (" + other.state + ") changes too" +
                    (same_lines ? ", on the same lines" : "");
    alert.facts = {
        {"other_task", other.task_id}, {"other_state", other.state}, {"files", files}, {"same_lines", same_lines}};
    out.push_back(std::move(alert));
  }
}

}  // namespace corral::alerts
