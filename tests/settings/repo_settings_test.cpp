#include "settings/repo_settings.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
      {{{"tier_limits", {{"observe", {{"approvals", -1}}}}}}, "'tier_limits.observe.approvals'"},
      {{{"tier_limits", {{"legend", {{"approvals", 1}}}}}}, "unknown tier 'legend'"},
      {{{"thresholds", {{"observe", {{"min_samples", 1}}}}}}, "thresholds are for supervised"},
      {{{"thresholds", {{"trusted", {{"min_success_lower", 1.5}}}}}}, "'thresholds.trusted.min_success_lower'"},
      {{{"hysteresis", 0.9}}, "setting 'hysteresis' must be a number from 0 to 0.5"},
      {{{"half_life_days", 0}}, "setting 'half_life_days' must be a whole number from 1"},
      {{{"require_human", "yes"}}, "setting 'require_human' must be true or false"},
      {{{"protected", {"main", ""}}}, "setting 'protected' holds an empty"},
      {{{"colour", "blue"}}, "unknown setting 'colour'"},
  };
  auto settings = parse_settings(json::object());
  for (const Case& c : kCases) {
    auto changed = change_settings(*settings, c.change);
    ASSERT_FALSE(changed.is_ok()) << c.change.dump();
    EXPECT_NE(changed.status().message().find(c.says), std::string::npos) << changed.status().message();
  }
}

}  // namespace
}  // namespace corral::settings
