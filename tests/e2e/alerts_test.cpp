// Alerts against a real daemon with real sandboxes and local webhook
// receivers: two tasks in flight changing one file raise overlap (a third on
// another file does not), each destination gets what its filter takes in its
// format (the JSON one signed), an owner acknowledges and resolves from the
// terminal; repeated failures raise per repository and agent profile; a
// receiver that fails is retried with one idempotency key and gets the alert
// after a daemon restart; `corral alert test` reports what happened.
#include <stdlib.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/hash.h"
#include "tests/e2e/commit_fixture.h"
#include "tests/support/webhook_receiver.h"

namespace corral::e2e {
namespace {

using nlohmann::json;

class AlertsE2E : public CommitE2E {
 protected:
  void SetUp() override {
    ::setenv("E2E_ALERT_SLACK_URL", slack_.url("/services/T1/B1/x").c_str(), 1);
    ::setenv("E2E_ALERT_KEY", "e2e-signing-key", 1);
    CommitE2E::SetUp();
    // Quick retries, few attempts: the daemon is restarted with them (it inherits the variables above).
    stop_daemon(SIGTERM);
    start_daemon("--alert-retry-ms 200 --alert-attempts 20");
    ASSERT_TRUE(ready_) << testing::read_file(dir_ / "serve.log");
  }
  void TearDown() override {
    CommitE2E::TearDown();
    ::unsetenv("E2E_ALERT_SLACK_URL");
    ::unsetenv("E2E_ALERT_KEY");
  }

  json alerts(const std::string& rule) const { return local("GET", "/v1/alerts?rule=" + rule)["alerts"]; }
  bool raised(const std::string& rule, size_t count, int seconds = 60) const {
    return testing::wait_for([&] { return alerts(rule).size() >= count; }, std::chrono::seconds(seconds));
  }

  testing::WebhookReceiver slack_, signed_;
};

TEST_F(AlertsE2E, OverlappingWorkInFlightIsRaisedAndDeliveredAndOwnersSettleIt) {
  auto slack = corral("alert dest add team-slack --format slack --url env:E2E_ALERT_SLACK_URL --rule overlap");
  ASSERT_EQ(slack.exit_code, 0) << slack.err;
  EXPECT_NE(slack.out.find("env:E2E_ALERT_SLACK_URL"), std::string::npos) << "the reference, never the URL";
  EXPECT_EQ(slack.out.find("/services/T1"), std::string::npos) << slack.out;
  auto hook = corral("alert dest add audit --format json --url " + quote(signed_.url()) +
                     " --secret env:E2E_ALERT_KEY --repo " + quote(upstream()));
  ASSERT_EQ(hook.exit_code, 0) << hook.err;
  auto bad = corral("alert dest add leaky --format slack --url https://hooks.slack.com/services/T/B/secret");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("must be a reference"), std::string::npos) << bad.err;

  // Three tasks in flight at once (each waits in review): two write one file.
  std::string first = submit_task("echo one > shared.txt; true", "first on shared.txt");
  std::string other = submit_task("echo two > other.txt; true", "on another file");
  ASSERT_EQ(wait_for_state(first, "review", 90)["state"], "review");
  ASSERT_EQ(wait_for_state(other, "review", 90)["state"], "review");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_TRUE(alerts("overlap").empty()) << "different files: " << alerts("overlap").dump();
  std::string second = submit_task("echo three > shared.txt; true", "second on shared.txt");
  ASSERT_EQ(wait_for_state(second, "review", 90)["state"], "review");
  ASSERT_TRUE(raised("overlap", 1)) << local("GET", "/v1/alerts").dump();
  json overlap = alerts("overlap")[0];
  EXPECT_EQ(overlap["task"], second);
  EXPECT_EQ(overlap["facts"]["other_task"], first);
  EXPECT_EQ(overlap["facts"]["files"][0]["path"], "shared.txt");

  // Delivered: Slack's filter takes overlap only; the signed hook takes the repository's alerts.
  ASSERT_TRUE(slack_.wait_for(1, 30));
  json blocks = json::parse(slack_.received()[0].body);
  EXPECT_EQ(blocks["blocks"][0]["type"], "header");
  ASSERT_TRUE(signed_.wait_for(1, 30));
  auto request = signed_.received()[0];
  EXPECT_EQ(request.headers["x-corral-signature"],
            "sha256=" + hmac_sha256_hex("e2e-signing-key", request.headers["x-corral-timestamp"] + "." + request.body));
  EXPECT_EQ(json::parse(request.body)["alert"]["id"], overlap["id"]);
  ASSERT_TRUE(testing::wait_for([&] { return local("GET", "/v1/events?type=alert.delivered")["events"].size() >= 2; },
                                std::chrono::seconds(30)));

  // Settled from the terminal, by an owner, with a reason.
  std::string id = overlap["id"];
  auto shown = corral("alert show " + id);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("delivery to team-slack: delivered"), std::string::npos) << shown.out;
  EXPECT_NE(corral("alert ack " + id + " --note ''").exit_code, 0) << "a reason is required";
  ASSERT_EQ(corral("alert ack " + id + " --note 'rebasing the second'").exit_code, 0);
  auto resolved = corral("alert resolve " + id + " --note 'second task cancelled'");
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  EXPECT_NE(resolved.out.find("resolved by"), std::string::npos) << resolved.out;
  auto again = corral("alert resolve " + id + " --note twice");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("resolved already"), std::string::npos) << again.err;
  std::string reviewer = token("reviewer", "reviewer");
  EXPECT_EQ(tcp("POST", "/v1/alerts/" + id + "/ack", reviewer, json{{"note", "n"}}.dump()).substr(0, 3), "403");
  auto listed = corral("alert list --state resolved");
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed.out;
  EXPECT_EQ(local("GET", "/v1/events?type=alert.resolved")["events"].size(), 1u);
}

TEST_F(AlertsE2E, RepeatedFailuresReachAReceiverThatComesBackAfterARestart) {
  signed_.answer_with(503);
  ASSERT_EQ(corral("alert dest add flaky --format json --url " + quote(signed_.url()) +
                   " --secret env:E2E_ALERT_KEY --min-severity warning")
                .exit_code,
            0);
  auto test = corral("alert test flaky");
  EXPECT_NE(test.exit_code, 0);
  EXPECT_NE(test.out.find("HTTP 503"), std::string::npos) << test.out;

  for (int i = 0; i < 3; ++i) submit_task("echo failing; exit 1", "fails " + std::to_string(i));
  ASSERT_TRUE(raised("repeated_failures", 2, 120)) << local("GET", "/v1/alerts").dump();
  std::set<std::string> subjects;
  for (const json& alert : alerts("repeated_failures")) subjects.insert(alert["subject"]);
  EXPECT_EQ(subjects, (std::set<std::string>{"repo:" + upstream_id_, "agent:echo failing; exit 1"}));
  ASSERT_TRUE(signed_.wait_for(4, 30)) << "retried";

  stop_daemon(SIGTERM);
  signed_.answer_with(200);
  size_t before = signed_.received().size();
  start_daemon("--alert-retry-ms 200 --alert-attempts 20");
  ASSERT_TRUE(ready_);
  ASSERT_TRUE(testing::wait_for([&] { return local("GET", "/v1/events?type=alert.delivered")["events"].size() >= 2; },
                                std::chrono::seconds(60)))
      << testing::read_file(dir_ / "serve.log");
  auto got = signed_.received();
  ASSERT_GT(got.size(), before);
  std::map<std::string, int> per_key;
  for (size_t i = 1; i < got.size(); ++i) ++per_key[got[i].headers["idempotency-key"]];
  EXPECT_EQ(per_key.size(), 2u) << "two deliveries, each retried under its own key";
  for (const auto& [key, count] : per_key) EXPECT_GT(count, 1) << key;
  EXPECT_EQ(corral("alert test flaky").exit_code, 0);
  auto destinations = corral("alert dest list");
  EXPECT_NE(destinations.out.find("flaky  json  global  healthy"), std::string::npos) << destinations.out;
}

// The scorecard over real runs: a failure put right by the next merge on its
// file, work merged without a person, and grants wider than what was used.
TEST_F(AlertsE2E, TheScorecardCountsRemediationAndSuggestsTighterGrants) {
  settings({{"pin", "autonomous"}, {"egress", {{"hosts", {"unused.example"}}}}, {"budget", {{"task_tokens", 100000}}}});
  std::string failed = submit_task("echo broken > shared.txt; exit 1", "breaks shared.txt");
  ASSERT_EQ(wait_for_state(failed, "failed", 60)["state"], "failed");
  std::string fixed = submit_task("echo fixed > shared.txt; true", "fixes shared.txt");
  ASSERT_EQ(wait_for_state(fixed, "merged", 90)["state"], "merged");

  auto card = corral("scorecard --repo " + quote(upstream()) + " --since 1 --json");
  ASSERT_EQ(card.exit_code, 0) << card.err;
  json rows = json::parse(card.out)["rows"];
  ASSERT_EQ(rows.size(), 2u) << rows.dump(2);  // one per agent profile (each task's command is its own)
  json total = {{"tasks", 0}, {"merged", 0}, {"merged_without_human", 0}, {"remediations", 0}};
  json suggestions = json::array();
  for (const json& row : rows) {
    for (auto& [key, value] : total.items()) value = value.get<int>() + row[key].get<int>();
    for (const json& suggestion : row["least_privilege"]["suggestions"]) suggestions.push_back(suggestion["setting"]);
    EXPECT_EQ(row["least_privilege"]["runs"], 1);
    EXPECT_TRUE(row["least_privilege"]["memory_used_bytes"].is_null()) << "not recorded: said so, not made up";
  }
  EXPECT_EQ(total, (json{{"tasks", 2}, {"merged", 1}, {"merged_without_human", 1}, {"remediations", 1}}))
      << rows.dump(2);
  EXPECT_NE(std::find(suggestions.begin(), suggestions.end(), "egress.hosts"), suggestions.end()) << suggestions;
  EXPECT_NE(std::find(suggestions.begin(), suggestions.end(), "budget.task_tokens"), suggestions.end()) << suggestions;
  auto human = corral("scorecard --since 1");
  EXPECT_NE(human.out.find("merged 1, of which without a person 1"), std::string::npos) << human.out;
  EXPECT_NE(corral("scorecard --since 0").exit_code, 0) << "bad input is refused";
}

}  // namespace
}  // namespace corral::e2e
