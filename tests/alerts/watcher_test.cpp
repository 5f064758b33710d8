// The alert rules over a real store: each rule fires on its scenario and
// stays quiet on the ordinary twin; cooldowns, muted rules, the cursor across
// a restart, and which destinations a raised alert is queued for.
#include "alerts/watcher.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "settings/repo_settings.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace corral::alerts {
namespace {

using nlohmann::json;

class AlertRules : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::Store::open(dir_ / "corral.db", clock_));
    repo_ = add_repo("/src/a");
    watcher_ = std::make_unique<AlertWatcher>(*store_, [this] { ++deliveries_woken_; });
  }

  std::string add_repo(const std::string& path) {
    return store_->with([&](store::Transaction& tx) {
      return tx.records.ensure_repo(path, [](const std::string& id) { return "/mirrors/" + id; })->id;
    });
  }

  void set(const json& settings, const std::string& repo = "") {
    store_->with([&](store::Transaction& tx) {
      ASSERT_TRUE(tx.records.set_repo_settings(repo.empty() ? repo_ : repo, settings.dump()).is_ok());
      Event changed{"policy.changed", "", "", repo.empty() ? repo_ : repo, "", "", "{}"};
      ASSERT_TRUE(tx.events.record(changed).is_ok());
    });
  }

  void record(const std::string& type, const json& payload, const std::string& run = "run-1",
              const std::string& agent = "claude", const std::string& task = "task-1", std::string repo = "") {
    Event event{type, task, run, repo.empty() ? repo_ : repo, agent, run.empty() ? task : run, "{}"};
    set_payload(event, payload);
    Status status = store_->with([&](store::Transaction& tx) { return tx.events.record(event); });
    ASSERT_TRUE(status.is_ok()) << status.to_string();
  }

  // Lets the watcher read everything stored so far; the alerts it kept, oldest first.
  std::vector<store::AlertRecord> raised(const std::string& rule = "") {
    for (;;) {
      auto read = watcher_->pass();
      EXPECT_TRUE(read.is_ok()) << read.status().to_string();
      if (!read.is_ok() || *read == 0) break;
    }
    auto alerts = store_->with([&](store::Transaction& tx) { return tx.alerts.list({"", "", rule, "", 0, 1000}); });
    std::vector<store::AlertRecord> oldest_first(alerts->rbegin(), alerts->rend());
    return oldest_first;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AlertWatcher> watcher_;
  std::string repo_;
  int deliveries_woken_ = 0;
};

TEST_F(AlertRules, RepeatedFailuresOfARepositoryAndOfAnAgentProfile) {
  record("task.failed", {{"reason", "exit 1"}}, "run-1", "claude", "task-1");
  record("task.failed", {{"reason", "exit 1"}}, "run-2", "codex", "task-2");
  EXPECT_TRUE(raised("repeated_failures").empty()) << "two failures are not yet repeated";
  record("task.failed", {{"reason", "exit 1"}}, "run-3", "claude", "task-3");
  auto alerts = raised("repeated_failures");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].subject, "repo:" + repo_);
  json facts = json::parse(alerts[0].facts);
  EXPECT_EQ(facts["facts"]["failures"], 3);
  EXPECT_EQ(facts["events"].size(), 3u) << "the events behind it";
  record("task.failed", {{"reason", "exit 1"}}, "run-4", "claude", "task-4");
  alerts = raised("repeated_failures");
  ASSERT_EQ(alerts.size(), 2u) << "claude's third failure";
  EXPECT_EQ(alerts[1].subject, "agent:claude");
}

TEST_F(AlertRules, FailuresSpreadBeyondTheWindowAreNotRepeated) {
  for (int i = 0; i < 3; ++i) {
    record("task.failed", {{"reason", "exit 1"}}, "run-" + std::to_string(i), "agent-" + std::to_string(i));
    clock_.advance(std::chrono::minutes(31));
  }
  EXPECT_TRUE(raised("repeated_failures").empty());
}

TEST_F(AlertRules, RefusalsInOneRunAboveTheThreshold) {
  for (int i = 0; i < 4; ++i) record("tool.blocked", {{"tool", "Bash"}, {"rule", "command"}}, "run-1");
  for (int i = 0; i < 4; ++i) record("egress.denied", {{"host", "evil.example"}}, "run-2");
  EXPECT_TRUE(raised("blocked_calls").empty()) << "four in each of two runs";
  record("egress.denied", {{"host", "evil.example"}}, "run-1");
  record("tool.blocked", {{"tool", "Bash"}}, "run-1");
  auto alerts = raised("blocked_calls");
  ASSERT_EQ(alerts.size(), 1u) << "once per run, at the threshold";
  EXPECT_EQ(alerts[0].subject, "run:run-1");
  EXPECT_EQ(json::parse(alerts[0].facts)["events"].size(), 5u);
}

TEST_F(AlertRules, AToolNeverUsedBeforeInTheRepository) {
  record("tool.invoked", {{"tool", "Read"}}, "run-1");
  record("tool.invoked", {{"tool", "Edit"}}, "run-1");
  record("tool.invoked", {{"tool", "Read"}}, "run-2");
  EXPECT_TRUE(raised("new_tool").empty()) << "the first run has nothing to compare with";
  record("tool.flagged", {{"tool", "WebFetch"}}, "run-2");
  auto alerts = raised("new_tool");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(json::parse(alerts[0].facts)["facts"]["tool"], "WebFetch");
  EXPECT_EQ(alerts[0].severity, "info");
}

TEST_F(AlertRules, LowConfidenceAndEveryEscalation) {
  record("agent.confidence", {{"value", 0.9}, {"reason", "tests pass"}});
  EXPECT_TRUE(raised("low_confidence").empty());
  record("agent.confidence", {{"value", 0.2}, {"reason", "unsure about the API"}});
  EXPECT_EQ(raised("low_confidence").size(), 1u);
  record("agent.escalation", {{"reason", "needs a schema decision"}});
  record("agent.escalation", {{"reason", "needs a second decision"}});
  EXPECT_EQ(raised("escalation").size(), 2u) << "every escalation, whatever the cooldown";
}

TEST_F(AlertRules, AnHoursBurnAgainstTheDailyBudget) {
  set({{"budget", {{"daily_tokens", 1000}}}, {"alerts", {{"burn_share", 0.25}}}});
  record("llm.call", {{"input_tokens", 100}, {"output_tokens", 100}});
  clock_.advance(std::chrono::minutes(61));
  record("llm.call", {{"input_tokens", 100}, {"output_tokens", 100}});
  EXPECT_TRUE(raised("budget_burn").empty()) << "200 tokens in each hour: under a quarter";
  record("llm.call", {{"input_tokens", 50}, {"output_tokens", 10}});
  auto alerts = raised("budget_burn");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(json::parse(alerts[0].facts)["facts"]["used_last_hour"], 260);
}

TEST_F(AlertRules, ARunKilledByItsLimitsAndARollback) {
  record("task.failed", {{"reason", "exit 1"}}, "run-1");
  EXPECT_TRUE(raised("run_killed").empty());
  record("task.failed", {{"reason", "timed out"}, {"timed_out", true}}, "run-2");
  record("budget.exceeded", {{"scope", "task"}}, "run-3");
  EXPECT_EQ(raised("run_killed").size(), 2u);
  EXPECT_TRUE(raised("rollback").empty());
  record("rollback.recorded", {{"commit", "abc"}});
  EXPECT_EQ(raised("rollback").size(), 1u);
}

TEST_F(AlertRules, ABrokenLinkIsCriticalAsItIsRead) {
  record("task.started", json::object());
  EXPECT_TRUE(raised("broken_chain").empty());
  record("task.started", json::object());
  store_->with([&](store::Transaction& tx) {
    ASSERT_TRUE(tx.db.exec("DROP TRIGGER IF EXISTS events_are_append_only_update").is_ok());
    ASSERT_TRUE(tx.db.exec("UPDATE events SET prev_hash = hash WHERE seq = (SELECT MAX(seq) FROM events)").is_ok());
  });
  auto alerts = raised("broken_chain");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, "critical");
}

TEST_F(AlertRules, TheSweepFindsARowAlteredAfterItWasRead) {
  for (int i = 0; i < 5; ++i) record("task.started", json::object());
  EXPECT_TRUE(raised("broken_chain").empty());
  ASSERT_TRUE(watcher_->sweep().is_ok());
  EXPECT_TRUE(raised("broken_chain").empty()) << "an intact log";
  store_->with([&](store::Transaction& tx) {
    ASSERT_TRUE(tx.db.exec("DROP TRIGGER IF EXISTS events_are_append_only_update").is_ok());
    ASSERT_TRUE(tx.db.exec("UPDATE events SET payload = '{\"forged\":1}' WHERE seq = 2").is_ok());
  });
  EXPECT_TRUE(raised("broken_chain").empty()) << "nothing new to read";
  ASSERT_TRUE(watcher_->sweep().is_ok());  // the last sweep ended at the end: this one starts over
  auto alerts = raised("broken_chain");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(json::parse(alerts[0].facts)["facts"]["seq"], 2);
  EXPECT_NE(alerts[0].summary.find("row altered"), std::string::npos) << alerts[0].summary;
}

TEST_F(AlertRules, OverlapOfTasksInFlightOnTheSameFiles) {
  auto task = [&](const std::string& id) {
    store::NewTask t;
    t.id = id;
    t.repo_id = repo_;
    t.prompt = "p";
    t.agent = "claude";
    store_->with([&](store::Transaction& tx) {
      ASSERT_TRUE(tx.queue.submit({t}).is_ok());
      ASSERT_TRUE(tx.queue.transition(id, {store::TaskState::kQueued}, store::TaskState::kRunning, "").is_ok());
    });
  };
  auto proposed = [&](const std::string& id, const std::string& path, int first) {
    json stats = {{"files", {{{"path", path}, {"status", "M"}, {"ranges", {{first, 3}}}}}}};
    record("diff.proposed", {{"changed", true}, {"stats", stats}}, "run-" + id, "claude", id);
  };
  task("t-a");
  task("t-b");
  task("t-c");
  proposed("t-a", "src/app.py", 10);
  proposed("t-b", "src/other.py", 10);
  EXPECT_TRUE(raised("overlap").empty()) << "different files";
  proposed("t-c", "src/app.py", 12);
  auto alerts = raised("overlap");
  ASSERT_EQ(alerts.size(), 1u);
  json facts = json::parse(alerts[0].facts)["facts"];
  EXPECT_EQ(facts["other_task"], "t-a");
  EXPECT_TRUE(facts["same_lines"]) << "lines 10-12 and 12-14 meet";
}

TEST_F(AlertRules, OverlapIsNotRaisedAgainstATaskThatMerged) {
  store::NewTask t;
  t.id = "t-a";
  t.repo_id = repo_;
  t.prompt = "p";
  t.agent = "claude";
  store_->with([&](store::Transaction& tx) { ASSERT_TRUE(tx.queue.submit({t}).is_ok()); });
  json stats = {{"files", {{{"path", "a.txt"}, {"status", "M"}}}}};
  record("diff.proposed", {{"changed", true}, {"stats", stats}}, "run-a", "claude", "t-a");
  record("diff.proposed", {{"changed", true}, {"stats", stats}}, "run-b", "claude", "t-b");
  EXPECT_TRUE(raised("overlap").empty()) << "t-a is queued, not in flight";
}

TEST_F(AlertRules, CooldownAndMutedRules) {
  set({{"alerts", {{"failures", 1}, {"cooldown_minutes", 30}}}});
  record("task.failed", {{"reason", "x"}}, "run-1", "");
  record("task.failed", {{"reason", "x"}}, "run-2", "");
  EXPECT_EQ(raised("repeated_failures").size(), 1u) << "the second is within the cooldown";
  clock_.advance(std::chrono::minutes(31));
  record("task.failed", {{"reason", "x"}}, "run-3", "");
  EXPECT_EQ(raised("repeated_failures").size(), 2u);
  set({{"alerts", {{"failures", 1}, {"cooldown_minutes", 0}, {"muted", {"repeated_failures"}}}}});
  record("task.failed", {{"reason", "x"}}, "run-4", "");
  EXPECT_EQ(raised("repeated_failures").size(), 2u) << "muted";
}

TEST_F(AlertRules, AnAlertAnotherModuleRaisedIsKeptOnce) {
  record("alert.raised", {{"kind", "kill_switch_on"}, {"reason", "incident 42"}}, "", "", "");
  auto alerts = raised("kill_switch");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, "critical");
  auto events = store_->with([&](store::Transaction& tx) { return tx.events.after(0, {"", "", "alert.raised"}, 10); });
  EXPECT_EQ(events->size(), 1u) << "its own event is the alert's";
  EXPECT_EQ(alerts[0].seq, events->front().seq);
}

TEST_F(AlertRules, ARestartedWatcherGoesOnFromItsCursor) {
  record("agent.escalation", {{"reason", "one"}});
  EXPECT_EQ(raised("escalation").size(), 1u);
  watcher_ = std::make_unique<AlertWatcher>(*store_, nullptr);
  EXPECT_EQ(raised("escalation").size(), 1u) << "nothing read twice";
  record("agent.escalation", {{"reason", "two"}});
  EXPECT_EQ(raised("escalation").size(), 2u);
  EXPECT_TRUE(raised("broken_chain").empty()) << "the chain is checked across the restart, and holds";
}

TEST_F(AlertRules, AnEventRolledBackWithItsTransactionIsNeverEvaluated) {
  auto ghost = [&](const std::string& reason) {
    Status rolled_back = store_->with([&](store::Transaction& tx) {
      return tx.atomically([&]() -> Status {
        Event event{"agent.escalation", "task-1", "run-1", repo_, "claude", "run-1", "{}"};
        set_payload(event, {{"reason", reason}});
        CORRAL_RETURN_IF_ERROR(tx.events.record(event));  // handed over to the watcher here
        return Status::internal("the rest of the transaction failed");
      });
    });
    ASSERT_FALSE(rolled_back.is_ok());
  };
  ghost("ghost at the tail");
  EXPECT_TRUE(raised("escalation").empty());
  ghost("ghost in the middle");
  record("agent.escalation", {{"reason", "real"}});
  auto alerts = raised("escalation");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NE(alerts[0].summary.find("real"), std::string::npos) << alerts[0].summary;
}

TEST_F(AlertRules, TheFirstStartBeginsAtTheLogsEndNotWithTheHistory) {
  testing::TempDir other;
  auto old = std::move(*store::Store::open(other / "corral.db", clock_));
  Event escalation{"agent.escalation", "task-1", "run-1", "repo-1", "claude", "run-1", R"({"reason":"old"})"};
  ASSERT_TRUE(old->with([&](store::Transaction& tx) { return tx.events.record(escalation); }).is_ok());
  AlertWatcher late(*old, nullptr);
  EXPECT_EQ(*late.pass(), 0) << "the past raises nothing";
  escalation.payload = R"({"reason":"new"})";
  ASSERT_TRUE(old->with([&](store::Transaction& tx) { return tx.events.record(escalation); }).is_ok());
  EXPECT_EQ(*late.pass(), 1);
  auto alerts = old->with([&](store::Transaction& tx) { return tx.alerts.list({}); });
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_NE(alerts->front().summary.find("new"), std::string::npos);
}

TEST_F(AlertRules, DeliveriesAreQueuedForTheDestinationsWhoseFilterTakesTheAlert) {
  std::string other = add_repo("/src/b");
  store_->with([&](store::Transaction& tx) {
    auto destination = [](const std::string& name, const std::string& repo) {
      store::AlertDestination made;
      made.name = name;
      made.repo_id = repo;
      made.format = "slack";
      made.url = "env:URL";
      return made;
    };
    ASSERT_TRUE(tx.outbox.add_destination(destination("all", "")).is_ok());
    ASSERT_TRUE(tx.outbox.add_destination(destination("mine", repo_)).is_ok());
    ASSERT_TRUE(tx.outbox.add_destination(destination("theirs", other)).is_ok());
    store::AlertDestination critical = destination("critical", "");
    critical.min_severity = "critical";
    ASSERT_TRUE(tx.outbox.add_destination(critical).is_ok());
    store::AlertDestination escalations = destination("escalations", "");
    escalations.rules = {"escalation"};
    ASSERT_TRUE(tx.outbox.add_destination(escalations).is_ok());
  });
  record("agent.confidence", {{"value", 0.1}});
  auto alerts = raised();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(deliveries_woken_, 1);
  auto deliveries = store_->with([&](store::Transaction& tx) { return tx.outbox.of_alert(alerts[0].id); });
  std::vector<std::string> names;
  for (const auto& delivery : *deliveries) names.push_back(delivery.destination);
  EXPECT_EQ(names, (std::vector<std::string>{"all", "mine"}));
}

}  // namespace
}  // namespace corral::alerts
