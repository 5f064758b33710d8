#include "orchestrator/repo_settings.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace corral::orchestrator {
namespace {

using json = nlohmann::json;

TEST(RepoSettings, ANewRepositoryStartsAtTheLowestTierWithSafeDefaults) {
  auto settings = parse_settings(json::object());
  ASSERT_TRUE(settings.is_ok());
  EXPECT_EQ(settings->tier, routing::Tier::kObserve);
  EXPECT_EQ(current_limits(*settings).approvals, 2);
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
                   {"tier", "trusted"},
                   {"tier_limits", {{"trusted", {{"approvals", 2}, {"max_lines", 800}}}}},
                   {"forbidden_paths", {"migrations/"}}};
  auto settings = parse_settings(document);
  ASSERT_TRUE(settings.is_ok()) << settings.status().to_string();
  EXPECT_EQ(current_limits(*settings).approvals, 2);
  EXPECT_EQ(current_limits(*settings).max_lines, 800);
  EXPECT_EQ(current_limits(*settings).max_files, 100);  // the tier's default where not overridden
  EXPECT_TRUE(is_protected(*settings, "stable/2", "main"));
  EXPECT_FALSE(is_protected(*settings, "release/1", "main"));
  EXPECT_EQ(diff_rules(*settings).max_lines, 800);
  EXPECT_EQ(diff_rules(*settings).forbidden_paths.back(), "migrations/");
  auto again = parse_settings(settings_json(*settings));
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(settings_json(*again), settings_json(*settings));
}

TEST(RepoSettings, AChangeTouchesOnlyItsKeysAndNullResets) {
  auto settings = parse_settings({{"tier", "supervised"}, {"check_command", "true"}});
  auto changed = change_settings(*settings, {{"check_command", nullptr}, {"merge_method", "merge"}});
  ASSERT_TRUE(changed.is_ok());
  EXPECT_EQ(changed->tier, routing::Tier::kSupervised);
  EXPECT_EQ(changed->check_command, "");
  EXPECT_EQ(changed->merge_method, MergeMethod::kMergeCommit);
}

TEST(RepoSettings, BadValuesNameTheField) {
  struct Case {
    json change;
    const char* says;
  };
  const Case kCases[] = {
      {{{"tier", "godmode"}}, "setting 'tier' must be one of"},
      {{{"merge_method", "force"}}, "setting 'merge_method' must be"},
      {{{"upstream", "relative/path"}}, "setting 'upstream' must be an absolute path"},
      {{{"credentials", "ghp_literal_token"}}, "credentials must be \"env:NAME\""},
      {{{"check_timeout_seconds", 0}}, "setting 'check_timeout_seconds' must be a whole number from 1"},
      {{{"tier_limits", {{"observe", {{"approvals", -1}}}}}}, "'tier_limits.observe.approvals'"},
      {{{"tier_limits", {{"legend", {{"approvals", 1}}}}}}, "unknown tier 'legend'"},
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
}  // namespace corral::orchestrator
