// GET /metrics against a real daemon with real sandboxes: authorised like the
// API, valid for `promtool check metrics`, and scraped by a real Prometheus
// server (Debian's), whose queries then see corral's runs.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/e2e/commit_fixture.h"
#include "tests/support/loopback_http.h"

namespace corral::e2e {
namespace {

using nlohmann::json;

int free_port() {
  int port = 0;
  ::close(testing::listen_on_loopback(&port));
  return port;
}

class MetricsE2E : public CommitE2E {
 protected:
  void TearDown() override {
    if (prometheus_ > 0) {
      ::kill(prometheus_, SIGTERM);
      ::waitpid(prometheus_, nullptr, 0);
    }
    CommitE2E::TearDown();
  }
  pid_t prometheus_ = -1;
};

TEST_F(MetricsE2E, APrometheusServerScrapesTheDaemon) {
  std::string done = submit_task("echo ok > ok.txt; true", "succeeds");
  std::string failed = submit_task("echo no; exit 1", "fails");
  ASSERT_EQ(wait_for_state(done, "review", 90)["state"], "review");
  ASSERT_EQ(wait_for_state(failed, "failed", 90)["state"], "failed");

  std::string admin = token("metrics-reader", "admin");
  std::string scoped =
      local("POST", "/v1/tokens", json{{"name", "scoped"}, {"role", "owner"}, {"repo", upstream_id_}}.dump())
          .value("token", "");
  EXPECT_EQ(tcp("GET", "/metrics", "").substr(0, 3), "401");
  EXPECT_EQ(tcp("GET", "/metrics", scoped).substr(0, 3), "403") << "the metrics cover every repository";
  std::string scraped;
  ASSERT_TRUE(testing::wait_for(
      [&] {
        scraped = tcp("GET", "/metrics", admin);
        return scraped.find("corral_runs_ended_total{") != std::string::npos;
      },
      std::chrono::seconds(30)))
      << scraped;
  ASSERT_EQ(scraped.substr(0, 3), "200");
  std::string text = scraped.substr(4);
  for (const char* expected :
       {"corral_tasks{state=\"review\"} 1", "corral_tasks{state=\"failed\"} 1", "corral_runs_started_total{repo=\"",
        "outcome=\"failed\"} 1", "corral_run_duration_seconds_bucket{", "corral_dispatch_delay_seconds_count{",
        "corral_sandbox_start_seconds_count 2", "corral_repo_tier{repo=\"", "corral_alert_outbox_depth 0"})
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  EXPECT_EQ(text.find(done), std::string::npos) << "no task id in any label";
  testing::write_file(dir_ / "scrape.txt", text);
  auto checked = sh("promtool check metrics < " + quote(dir_ / "scrape.txt"));
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  // A real Prometheus, scraping every second with the admin's token.
  int port = free_port();
  testing::write_file(dir_ / "token", admin);
  std::string target = tcp_.substr(tcp_.find("//") + 2);
  testing::write_file(dir_ / "prometheus.yml",
                      "global:\n  scrape_interval: 1s\nscrape_configs:\n"
                      "  - job_name: corral\n    metrics_path: /metrics\n"
                      "    authorization:\n      credentials_file: " +
                          std::string(dir_ / "token") + "\n    static_configs:\n      - targets: ['" + target + "']\n");
  std::string command = "exec prometheus --config.file=" + quote(dir_ / "prometheus.yml") +
                        " --storage.tsdb.path=" + quote(dir_ / "tsdb") +
                        " --web.listen-address=127.0.0.1:" + std::to_string(port) + " >" +
                        quote(dir_ / "prometheus.log") + " 2>&1";
  prometheus_ = ::fork();
  if (prometheus_ == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto query = [&](const std::string& promql) {
    auto answer = sh("curl -s --max-time 5 -G --data-urlencode " + quote("query=" + promql) + " " +
                     quote("http://127.0.0.1:" + std::to_string(port) + "/api/v1/query"));
    return json::parse(answer.out, nullptr, false);
  };
  json result;
  ASSERT_TRUE(testing::wait_for(
      [&] {
        result = query("sum(corral_runs_ended_total{outcome=\"failed\"})");
        return result.is_object() && result.value("status", "") == "success" && !result["data"]["result"].empty();
      },
      std::chrono::seconds(60)))
      << result.dump() << testing::read_file(dir_ / "prometheus.log");
  EXPECT_EQ(result["data"]["result"][0]["value"][1], "1");
  json up = query("up{job=\"corral\"}");
  ASSERT_FALSE(up["data"]["result"].empty()) << up.dump();
  EXPECT_EQ(up["data"]["result"][0]["value"][1], "1") << "the scrape succeeds, token and all";
}

}  // namespace
}  // namespace corral::e2e
