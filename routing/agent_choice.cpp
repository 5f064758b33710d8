#include "routing/agent_choice.h"

#include <cstdio>

namespace corral::routing {
namespace {

Kpis record_of(const std::map<std::string, Kpis>& records, const std::string& agent) {
  auto it = records.find(agent);
  return it == records.end() ? Kpis{} : it->second;
}

std::string describe(const std::string& agent, const Kpis& kpis) {
  char text[128];
  std::snprintf(text, sizeof text, "%s: success lower bound %.2f, rollback upper bound %.2f, %.1f samples",
                agent.c_str(), kpis.success_lower, kpis.rollback_upper, kpis.samples);
  return text;
}

}  // namespace

AgentChoice choose_agent(const std::vector<std::string>& allowed, const std::map<std::string, Kpis>& records,
                         bool low_risk, double draw, double exploration_share) {
  if (allowed.size() == 1) return {allowed[0], "only profile", describe(allowed[0], record_of(records, allowed[0]))};
  const std::string* newest = nullptr;
  const std::string* best = nullptr;
  for (const std::string& agent : allowed) {
    Kpis kpis = record_of(records, agent);
    if (kpis.samples < kNewcomerSamples && (!newest || kpis.samples < record_of(records, *newest).samples)) {
      newest = &agent;
    }
    if (!best) {
      best = &agent;
      continue;
    }
    Kpis leader = record_of(records, *best);
    bool better = kpis.success_lower > leader.success_lower ||
                  (kpis.success_lower == leader.success_lower && kpis.rollback_upper < leader.rollback_upper);
    if (better) best = &agent;
  }
  if (low_risk && newest && draw < exploration_share) {
    return {*newest, "exploring a newer profile",
            describe(*newest, record_of(records, *newest)) + "; a low-risk task, within the exploration share"};
  }
  std::string reason;
  for (const std::string& agent : allowed)
    reason += (reason.empty() ? "" : "; ") + describe(agent, record_of(records, agent));
  return {*best, "best record", reason};
}

}  // namespace corral::routing
