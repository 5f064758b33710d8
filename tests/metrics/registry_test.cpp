// The Prometheus text the registry writes, and the metrics events make.
#include "metrics/event_metrics.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace corral::metrics {
namespace {

TEST(Registry, WritesCountersHistogramsAndEscapedLabels) {
  Registry registry;
  registry.counter("c_total", "a counter", {"name"});
  registry.histogram("h_seconds", "a histogram", {}, {1, 0.1});
  registry.add("c_total", {"quote \" back \\ line \n end"}, 2);
  registry.add("c_total", {"wrong", "arity"});  // ignored
  registry.observe("h_seconds", {}, 0.05);
  registry.observe("h_seconds", {}, 0.5);
  registry.observe("h_seconds", {}, 5);
  std::string text = registry.exposition();
  EXPECT_NE(text.find("# TYPE c_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("c_total{name=\"quote \\\" back \\\\ line \\n end\"} 2\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("arity"), std::string::npos);
  EXPECT_NE(text.find("h_seconds_bucket{le=\"0.10000000000000001\"} 1\nh_seconds_bucket{le=\"1\"} 2\n"
                      "h_seconds_bucket{le=\"+Inf\"} 3\nh_seconds_sum 5.5499999999999998\nh_seconds_count 3\n"),
            std::string::npos)
      << text;
}

TEST(Registry, BoundsTheSeriesOfAFamily) {
  Registry registry;
  registry.counter("c_total", "a counter", {"agent"});
  for (size_t i = 0; i < Registry::kMaxSeries + 50; ++i) registry.add("c_total", {"agent-" + std::to_string(i)});
  std::string text = registry.exposition();
  EXPECT_NE(text.find("c_total{agent=\"other\"} 50"), std::string::npos);
  EXPECT_EQ(text.find("agent-1049"), std::string::npos);
}

TEST(EventMetrics, CountsRunsAndTimesThemFromTheirEvents) {
  testing::TempDir dir;
  testing::FakeClock clock;
  auto store = std::move(*store::Store::open(dir / "corral.db", clock));
  EventMetrics metrics;
  int64_t seq = 0;
  auto feed = [&](const std::string& type, int at_seconds, const std::string& payload = "{}") {
    store::StoredEvent stored;
    stored.seq = ++seq;
    stored.time = format_rfc3339(TimePoint(std::chrono::seconds(1'800'000'000 + at_seconds)));
    stored.event = {type, "task-1", "run-1", "repo-1", "claude", "run-1", payload};
    metrics.observe(stored);
  };
  feed("task.queued", 0);
  feed("task.started", 3);
  feed("llm.call", 5, R"({"input_tokens":10,"output_tokens":5,"cost_usd":0.25})");
  feed("tool.blocked", 6, R"({"rule":"command"})");
  feed("task.failed", 20);
  feed("alert.raised", 21, R"({"kind":"kill_switch_off"})");  // another module's: by its kind
  feed("alert.raised", 22, R"({"alert":"alr-1","rule":"escalation","severity":"warning"})");
  auto text = metrics.exposition(*store);
  ASSERT_TRUE(text.is_ok()) << text.status().to_string();
  for (const char* expected :
       {"corral_dispatch_delay_seconds_sum{repo=\"repo-1\"} 3\n",
        "corral_run_duration_seconds_sum{repo=\"repo-1\",outcome=\"failed\"} 17\n",
        "corral_runs_ended_total{repo=\"repo-1\",agent=\"claude\",outcome=\"failed\"} 1\n",
        "corral_llm_tokens_total{repo=\"repo-1\",agent=\"claude\",kind=\"input\"} 10\n",
        "corral_llm_cost_usd_total{repo=\"repo-1\",agent=\"claude\"} 0.25\n",
        "corral_tool_calls_total{repo=\"repo-1\",verdict=\"blocked\",rule=\"command\"} 1\n",
        "corral_alert_outbox_depth 0\n", "corral_alerts_raised_total{rule=\"kill_switch\",severity=\"info\"} 1\n",
        "corral_alerts_raised_total{rule=\"escalation\",severity=\"warning\"} 1\n"})
    EXPECT_NE(text->find(expected), std::string::npos) << expected << "\n" << *text;
}

}  // namespace
}  // namespace corral::metrics
