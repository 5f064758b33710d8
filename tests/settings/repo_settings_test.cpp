#include "settings/repo_settings.h"

#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "settings/setting_values.h"

namespace corral::settings {
namespace {

using json = nlohmann::json;
using routing::Tier;

TEST(RepoSettings, ANewRepositoryStartsAtTheLowestTierWithSafeDefaults) {
  auto settings = parse_settings(json::object());
  ASSERT_TRUE(settings.is_ok());
  EXPECT_EQ(effective_tier(*settings, Tier::kObserve), Tier::kObserve);
  EXPECT_EQ(limits_of(*settings, Tier::kObserve).approvals, 2);
  EXPECT_EQ(settings->merge_method, MergeMethod::kRebase);
  EXPECT_EQ(settings->merge_queue_depth, 4);
  EXPECT_FALSE(settings->conflict_follow_up);
  EXPECT_TRUE(is_protected(*settings, "main", "main"));
  EXPECT_TRUE(is_protected(*settings, "release/1.0", "main"));
  EXPECT_FALSE(is_protected(*settings, "feature/main", "main"));
  EXPECT_FALSE(is_protected(*settings, "corral/t-1", "main"));
}

TEST(RepoSettings, RoundTripsThroughJson) {
  json document = {{"upstream", "file:///srv/git/app.git"},
                   {"credentials", "env:APP_TOKEN"},
                   {"protected", {"main", "stable/*"}},
                   {"merge_method", "merge"},
                   {"check_command", "make test"},
                   {"check_timeout_seconds", 120},
                   {"merge_queue_depth", 8},
                   {"merge_batch", 3},
                   {"conflict_follow_up", true},
                   {"pin", "trusted"},
                   {"require_human", true},
                   {"half_life_days", 7},
                   {"thresholds", {{"supervised", {{"min_samples", 3}}}}},
                   {"hysteresis", 0.2},
                   {"promotion_gap", 2},
                   {"agents", {"claude", "codex"}},
                   {"exploration_share", 0.25},
                   {"tier_limits", {{"trusted", {{"approvals", 2}, {"max_lines", 800}}}}},
                   {"forbidden_paths", {"migrations/"}}};
  auto settings = parse_settings(document);
  ASSERT_TRUE(settings.is_ok()) << settings.status().to_string();
  Tier tier = effective_tier(*settings, Tier::kObserve);
  EXPECT_EQ(tier, Tier::kTrusted) << "pinned";
  EXPECT_EQ(limits_of(*settings, tier).approvals, 2);
  EXPECT_EQ(limits_of(*settings, tier).max_lines, 800);
  EXPECT_EQ(limits_of(*settings, tier).max_files, 100);  // the tier's default where not overridden
  EXPECT_EQ(limits_of(*settings, Tier::kAutonomous).approvals, 1) << "require_human keeps one approval";
  EXPECT_EQ(routing::thresholds_for(settings->routing, Tier::kSupervised).min_samples, 3);
  EXPECT_EQ(routing::thresholds_for(settings->routing, Tier::kSupervised).min_success_lower, 0.60);
  EXPECT_TRUE(is_protected(*settings, "stable/2", "main"));
  EXPECT_FALSE(is_protected(*settings, "release/1", "main"));
  EXPECT_EQ(diff_rules(*settings, tier).max_lines, 800);
  EXPECT_EQ(settings->merge_queue_depth, 8);
  EXPECT_EQ(settings->merge_batch, 3);
  EXPECT_TRUE(settings->conflict_follow_up);
  EXPECT_EQ(diff_rules(*settings, tier).forbidden_paths.back(), "migrations/");
  auto again = parse_settings(settings_json(*settings));
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(settings_json(*again), settings_json(*settings));
}

TEST(RepoSettings, ACapBoundsTheEarnedTierAndAPinReplacesIt) {
  auto capped = parse_settings({{"cap", "supervised"}});
  EXPECT_EQ(effective_tier(*capped, Tier::kAutonomous), Tier::kSupervised);
  EXPECT_EQ(effective_tier(*capped, Tier::kObserve), Tier::kObserve);
  auto pinned = parse_settings({{"pin", "observe"}});
  EXPECT_EQ(effective_tier(*pinned, Tier::kAutonomous), Tier::kObserve);
}

TEST(RepoSettings, AChangeTouchesOnlyItsKeysAndNullResets) {
  auto settings = parse_settings({{"pin", "supervised"}, {"check_command", "true"}});
  auto changed = change_settings(*settings, {{"check_command", nullptr}, {"merge_method", "merge"}});
  ASSERT_TRUE(changed.is_ok());
  EXPECT_EQ(changed->routing.pin, Tier::kSupervised);
  EXPECT_EQ(changed->check_command, "");
  EXPECT_EQ(changed->merge_method, MergeMethod::kMergeCommit);
  auto unpinned = change_settings(*changed, {{"pin", nullptr}});
  EXPECT_FALSE(unpinned->routing.pin.has_value());
}

TEST(RepoSettings, BadValuesNameTheField) {
  struct Case {
    json change;
    const char* says;
  };
  const Case kCases[] = {
      {{{"pin", "godmode"}}, "setting 'pin' must be one of"},
      {{{"merge_method", "force"}}, "setting 'merge_method' must be"},
      {{{"upstream", "relative/path"}}, "setting 'upstream' must be an absolute path"},
      {{{"credentials", "ghp_literal_token"}}, "credentials must be \"env:NAME\""},
      {{{"check_timeout_seconds", 0}}, "setting 'check_timeout_seconds' must be a whole number from 1"},
      {{{"merge_queue_depth", 0}}, "setting 'merge_queue_depth' must be a whole number from 1 to 16"},
      {{{"merge_batch", 17}}, "setting 'merge_batch' must be a whole number from 1 to 16"},
      {{{"conflict_follow_up", "yes"}}, "setting 'conflict_follow_up'"},
      {{{"tier_limits", {{"observe", {{"approvals", -1}}}}}}, "'tier_limits.observe.approvals'"},
      {{{"tier_limits", {{"legend", {{"approvals", 1}}}}}}, "setting 'tier_limits' has no tier 'legend'"},
      {{{"thresholds", {{"observe", {{"min_samples", 1}}}}}},
       "setting 'thresholds' has no tier 'observe' (supervised, trusted, autonomous)"},
      {{{"thresholds", {{"trusted", {{"min_success_lower", 1.5}}}}}}, "'thresholds.trusted.min_success_lower'"},
      {{{"hysteresis", 0.9}}, "setting 'hysteresis' must be a number from 0 to 0.5"},
      {{{"half_life_days", 0}}, "setting 'half_life_days' must be a whole number from 1"},
      {{{"require_human", "yes"}}, "setting 'require_human' must be true or false"},
      {{{"protected", {"main", ""}}}, "setting 'protected' holds an empty"},
      {{{"colour", "blue"}}, "unknown setting 'colour'"},
      {{{"budget", {{"task_calls", -1}}}}, "setting 'budget.task_calls' must be a whole number from 0 up"},
      {{{"budget", {{"task_calls", 18446744073709551615ull}}}}, "setting 'budget.task_calls' must be a whole number"},
      {{{"budget", {{"weekly", 1}}}}, "setting 'budget.weekly' is not a setting (task_tokens, task_calls"},
      {{{"egress", {{"ports", {80, 0}}}}}, "setting 'egress.ports' holds 0, which is not a whole number from 1"},
      {{{"egress", {{"hosts", {"a.test", "http://b.test/"}}}}}, "holds 'http://b.test/', which is not a host"},
      {{{"models", {{"codex", "gpt; rm"}}}}, "setting 'models.codex' must be a model name"},
      {{{"model_prices", {{"gpt-5.2", "3 dollars"}}}}, "setting 'model_prices.gpt-5.2' must be IN/OUT"},
      {{{"tool_enforcement", "maybe"}}, "setting 'tool_enforcement' must be one of \"flag\", \"block\""},
      {{{"alerts", {{"muted", {"overlap", "typos"}}}}},
       "setting 'alerts.muted' holds 'typos', which is not an alert rule"},
      {{{"alerts", {{"failures", 0}}}}, "setting 'alerts.failures' must be a whole number from 1"},
      {{{"alerts", {{"min_confidence", 2}}}}, "setting 'alerts.min_confidence' must be a number from 0 to 1"},
      {{{"tier_limits", "strict"}}, "setting 'tier_limits' must map tiers"},
  };
  auto settings = parse_settings(json::object());
  for (const Case& c : kCases) {
    auto changed = change_settings(*settings, c.change);
    ASSERT_FALSE(changed.is_ok()) << c.change.dump();
    EXPECT_NE(changed.status().message().find(c.says), std::string::npos) << changed.status().message();
  }
}

TEST(SettingFields, TheTableIsTheWholeSchema) {
  json printed = settings_json(RepoSettings{});
  std::set<std::string> top_level, flags;
  for (const Field& field : setting_fields()) {
    const Group* group = group_of(field);
    top_level.insert(std::string(group ? group->key : field.key));
    EXPECT_FALSE(field.help.empty()) << field.key;
    if (!field.flag.empty()) EXPECT_TRUE(flags.insert(std::string(field.flag)).second) << field.flag;
    EXPECT_EQ(field.key.find('.') == std::string_view::npos, group == nullptr) << field.key << " names no group";
  }
  for (const Group& group : setting_groups()) {
    if (!group.flag.empty()) EXPECT_TRUE(flags.insert(std::string(group.flag)).second) << group.flag;
  }
  std::set<std::string> shown;
  for (const auto& [key, value] : printed.items()) shown.insert(key);
  EXPECT_EQ(shown, top_level) << "every printed setting is in the table, and every row is printed";
}

TEST(SettingFields, NullReturnsEverySettingToItsDefault) {
  json changed = {
      {"upstream", "/srv/app.git"},
      {"credentials", "env:T"},
      {"protected", {"main"}},
      {"merge_method", "merge"},
      {"check_command", "make"},
      {"check_timeout_seconds", 5},
      {"pin", "trusted"},
      {"cap", "supervised"},
      {"require_human", true},
      {"half_life_days", 3},
      {"rollback_window_days", 4},
      {"hysteresis", 0.3},
      {"promotion_gap", 9},
      {"agents", {"claude"}},
      {"exploration_share", 0.4},
      {"forbidden_paths", {"a/"}},
      {"agent_instruction_paths", {"b.md"}},
      {"sensitive_paths", {"c"}},
      {"dependency_paths", {"d"}},
      {"secret_allowlist", {"e/"}},
      {"tool_enforcement", "flag"},
      {"models", {{"codex", "m"}}},
      {"egress", {{"hosts", {"h.test"}}, {"internal_hosts", {"h.test"}}, {"ports", {8443}}}},
      {"budget", {{"task_tokens", 1}, {"task_calls", 2}, {"daily_tokens", 3}, {"daily_calls", 4}}},
      {"alerts",
       {{"failures", 5},
        {"failure_window_minutes", 30},
        {"blocked_per_run", 9},
        {"min_confidence", 0.3},
        {"burn_share", 0.5},
        {"cooldown_minutes", 5},
        {"muted", {"new_tool"}}}},
      {"thresholds", {{"trusted", {{"min_samples", 2}, {"min_success_lower", 0.5}, {"max_rollback_upper", 0.5}}}}},
      {"tier_limits", {{"observe", {{"approvals", 3}, {"max_files", 4}, {"max_lines", 5}}}}}};
  auto settings = parse_settings(changed);
  ASSERT_TRUE(settings.is_ok()) << settings.status().to_string();
  json defaults = settings_json(RepoSettings{});
  json printed = settings_json(*settings);
  json reset = json::object();
  for (const auto& [key, value] : changed.items()) {
    EXPECT_NE(printed[key], defaults[key]) << key << " was not changed";
    reset[key] = nullptr;
  }
  EXPECT_EQ(settings_json(*parse_settings(printed)), printed) << "what is printed reads back the same";
  auto back = change_settings(*settings, reset);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(settings_json(*back), defaults);
}

TEST(SettingFields, OneFieldOfAGroupResetsAlone) {
  auto settings = parse_settings({{"budget", {{"task_calls", 3}, {"daily_calls", 7}}}});
  auto changed = change_settings(*settings, {{"budget", {{"task_calls", nullptr}}}});
  ASSERT_TRUE(changed.is_ok());
  EXPECT_EQ(changed->boundaries.task_calls, 0);
  EXPECT_EQ(changed->boundaries.daily_calls, 7);
}

TEST(SettingFields, AListInAGroupTakesOneItemAFlag) {
  json change = json::object();
  ASSERT_TRUE(add_group_flag_text(change, *find_group("alerts"), "muted=new_tool").is_ok());
  ASSERT_TRUE(add_group_flag_text(change, *find_group("alerts"), "muted=overlap").is_ok());
  ASSERT_TRUE(add_group_flag_text(change, *find_group("alerts"), "failures=4").is_ok());
  EXPECT_EQ(change, (json{{"alerts", {{"muted", {"new_tool", "overlap"}}, {"failures", 4}}}}));
  auto settings = parse_settings(change);
  ASSERT_TRUE(settings.is_ok()) << settings.status().to_string();
  EXPECT_EQ(settings->alerts.muted, (std::vector<std::string>{"new_tool", "overlap"}));
}

TEST(SettingFields, CommandLineFlagsBuildAChangeDocument) {
  json change = json::object();
  ASSERT_TRUE(add_flag_text(change, *find_field("egress.hosts"), "a.test").is_ok());
  ASSERT_TRUE(add_flag_text(change, *find_field("egress.hosts"), "*.b.test").is_ok());
  ASSERT_TRUE(add_flag_text(change, *find_field("egress.ports"), "8443").is_ok());
  ASSERT_TRUE(add_flag_text(change, *find_field("models"), "codex=gpt-5.2").is_ok());
  ASSERT_TRUE(add_flag_text(change, *find_field("model_prices"), "gpt-5.2=1.25/10").is_ok());
  ASSERT_TRUE(add_flag_text(change, *find_field("require_human"), "true").is_ok());
  ASSERT_TRUE(add_flag_text(change, *find_field("hysteresis"), "0.2").is_ok());
  ASSERT_TRUE(add_flag_text(change, *find_field("half_life_days"), "7").is_ok());
  ASSERT_TRUE(add_group_flag_text(change, *find_group("budget"), "task_calls=3").is_ok());
  ASSERT_TRUE(add_group_flag_text(change, *find_group("tier_limits"), "trusted.approvals=1").is_ok());
  ASSERT_TRUE(add_group_flag_text(change, *find_group("thresholds"), "trusted.min_success_lower=0.7").is_ok());
  EXPECT_EQ(change, json::parse(R"({"egress": {"hosts": ["a.test", "*.b.test"], "ports": [8443]},
      "models": {"codex": "gpt-5.2"}, "model_prices": {"gpt-5.2": "1.25/10"}, "require_human": true, "hysteresis": 0.2, "half_life_days": 7,
      "budget": {"task_calls": 3}, "tier_limits": {"trusted": {"approvals": 1}},
      "thresholds": {"trusted": {"min_success_lower": 0.7}}})"));
  EXPECT_TRUE(parse_settings(change).is_ok());

  struct Case {
    Status status;
    const char* says;
  };
  json ignored = json::object();
  const Case kCases[] = {
      {add_flag_text(ignored, *find_field("egress.ports"), "https"), "--egress-port takes a whole number, not 'https'"},
      {add_flag_text(ignored, *find_field("models"), "=x"), "--model takes NAME=VALUE, not '=x'"},
      {add_flag_text(ignored, *find_field("require_human"), "yes"), "--require-human takes true or false"},
      {add_flag_text(ignored, *find_field("hysteresis"), "0.2x"), "--hysteresis takes a number, not '0.2x'"},
      {add_group_flag_text(ignored, *find_group("budget"), "task_calls"), "--budget takes FIELD=VALUE"},
      {add_group_flag_text(ignored, *find_group("budget"), "weekly=3"), "'weekly' is not a field of budget"},
      {add_group_flag_text(ignored, *find_group("tier_limits"), "approvals=1"), "--limit takes TIER.FIELD=VALUE"},
      {add_group_flag_text(ignored, *find_group("tier_limits"), "trusted.approvals=1.5"),
       "--limit trusted.approvals takes a whole number"},
  };
  for (const Case& c : kCases) {
    ASSERT_FALSE(c.status.is_ok()) << c.says;
    EXPECT_NE(c.status.message().find(c.says), std::string::npos) << c.status.message();
  }
  EXPECT_EQ(ignored, json::object()) << "a refused flag adds nothing";
}

}  // namespace
}  // namespace corral::settings
