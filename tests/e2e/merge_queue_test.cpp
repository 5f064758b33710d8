// The merge queue end to end: a real daemon, real sandboxes for the agents
// and for the speculative checks, bare upstreams made by the test.
#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/e2e/commit_fixture.h"

namespace corral::e2e {
namespace {

using json = nlohmann::json;

class MergeQueueE2E : public CommitE2E {
 protected:
  // The task ids on `branch` of `upstream`, oldest first, from their trailers.
  std::vector<std::string> tasks_on(const std::string& upstream, const std::string& branch = "main") const {
    std::string log =
        sh_ok("git -C " + quote(upstream) + " log --reverse --format=%b " + branch + " | sed -n 's/^Corral-Task: //p'");
    std::vector<std::string> ids;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) ids.push_back(line);
    return ids;
  }

  // The most checks seen running at once, from their sandboxes' events.
  int most_checks_at_once() const {
    std::vector<std::pair<int64_t, int>> edges;  // (seq, +1 created / -1 destroyed)
    for (const char* type : {"sandbox.created", "sandbox.destroyed"}) {
      auto page = local("GET", std::string("/v1/events?limit=1000&type=") + type);
      for (const json& event : page["events"]) {
        if (event.value("run", "").rfind("c-", 0) != 0) continue;  // a check's run id
        edges.emplace_back(event["seq"].get<int64_t>(), std::string(type) == "sandbox.created" ? 1 : -1);
      }
    }
    std::sort(edges.begin(), edges.end());
    int running = 0, most = 0;
    for (const auto& [seq, delta] : edges) most = std::max(most, running += delta);
    return most;
  }

  // A queue as GET /v1/queues shows it (null when none, or no answer in time).
  json queue_of(const std::string& repo_id) const {
    auto shown = local("GET", "/v1/queues?repo=" + repo_id);
    if (!shown.is_object() || !shown.contains("queues") || shown["queues"].empty()) return json::object();
    return shown["queues"][0];
  }
  // A task's state ("" when the daemon did not answer in time, as on a loaded machine).
  std::string state_of(const std::string& task) const {
    auto shown = local("GET", "/v1/tasks/" + task);
    return shown.is_object() ? shown.value("state", "") : "";
  }
};

// Thirty tasks, two of which break the check: the 28 others merge, each
// exactly once, in the queue's order, with checks run side by side.
TEST_F(MergeQueueE2E, ThirtyTasksTwoFailingChecksTheOthersMergeOnceInOrder) {
  settings({{"pin", "autonomous"},
            {"check_command", "if ls broken-*.txt >/dev/null 2>&1; then echo broken; exit 1; fi; sleep 1"}});
  std::vector<std::string> tasks;
  std::set<int> breaking = {7, 19};
  for (int i = 0; i < 30; ++i) {
    std::string file = (breaking.count(i) ? "broken-" : "q-") + std::to_string(i) + ".txt";
    tasks.push_back(submit_task("echo " + std::to_string(i) + " > " + file + "; true", "add " + file));
  }
  int most_checking = 0;
  std::string shown_by_cli;
  ASSERT_TRUE(testing::wait_for(
      [&] {
        json queue = queue_of(upstream_id_);
        int checking = 0;
        for (const json& task : queue.value("tasks", json::array()))
          checking += task.contains("check") && task["check"]["state"] == "checking";
        most_checking = std::max(most_checking, checking);
        // The CLI asks again, a moment later: it may find the checks over; look until it shows one.
        if (checking > 0 && shown_by_cli.find("checking on") == std::string::npos)
          shown_by_cli = corral("queue show " + upstream_id_).out;
        int ended = 0;
        for (const std::string& task : tasks) {
          std::string state = state_of(task);
          ended += state == "merged" || state == "checks_failed";
        }
        return ended == 30;
      },
      std::chrono::seconds(400)));
  for (int i = 0; i < 30; ++i) {
    std::string state = local("GET", "/v1/tasks/" + tasks[i])["state"];
    EXPECT_EQ(state, breaking.count(i) ? "checks_failed" : "merged") << i;
    EXPECT_EQ(commits_of_task_on_main(tasks[i]), breaking.count(i) ? 0 : 1) << i;
  }
  EXPECT_EQ(upstream_git("rev-list --count " + base_ + "..main"), "28");
  EXPECT_EQ(upstream_file("main", "broken-7.txt"), "") << "a failed task's change is not on main";
  // The order on main is the order the queue merged them in, each once.
  std::vector<std::string> merged_events;
  json completed = local("GET", "/v1/events?limit=1000&type=merge.completed");
  for (const json& event : completed["events"]) merged_events.push_back(event["task"]);
  EXPECT_EQ(tasks_on(upstream()), merged_events);
  EXPECT_EQ(count_events("check.failed"), 2);
  EXPECT_GE(most_checking, 2) << "checks ran side by side (the queue as seen)";
  EXPECT_GE(most_checks_at_once(), 2) << "checks ran side by side (their sandboxes)";
  EXPECT_LE(most_checks_at_once(), 4) << "never more than the depth";
  EXPECT_NE(shown_by_cli.find("checking on"), std::string::npos) << shown_by_cli;
  EXPECT_EQ(corral("audit verify").exit_code, 0);
}

// SIGKILL at random moments while speculative checks run: after each
// restart the queue is built again; nothing merges twice and nothing is lost.
TEST_F(MergeQueueE2E, KilledDuringSpeculativeChecksNothingMergesTwiceAndNothingIsLost) {
  settings({{"pin", "autonomous"}, {"check_command", "sleep 2"}});
  std::vector<std::string> tasks;
  for (int i = 0; i < 10; ++i)
    tasks.push_back(submit_task("echo " + std::to_string(i) + " > k-" + std::to_string(i) + ".txt; true", "k"));
  unsigned seed = std::random_device{}();
  std::printf("tried: seed %u, three SIGKILLs while checks run\n", seed);
  std::mt19937 random(seed);
  int kills = 0;
  for (int kill = 0; kill < 3; ++kill) {
    bool checking = testing::wait_for(
        [&] {
          for (const json& task : queue_of(upstream_id_).value("tasks", json::array()))
            if (task.contains("check") && task["check"]["state"] == "checking") return true;
          return false;
        },
        std::chrono::seconds(120));
    if (!checking) break;  // everything merged already
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 2500));
    stop_daemon(SIGKILL);
    ++kills;
    start_daemon();
    ASSERT_TRUE(ready_) << testing::read_file(dir_ / "serve.log");
  }
  ASSERT_GE(kills, 1) << "no kill landed while checks ran: the test tried nothing";
  for (const std::string& task : tasks) ASSERT_EQ(wait_for_state(task, "merged", 300)["state"], "merged") << task;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(commits_of_task_on_main(tasks[i]), 1) << i;
    EXPECT_EQ(upstream_file("main", "k-" + std::to_string(i) + ".txt"), std::to_string(i) + "\n");
    EXPECT_EQ(count_events("merge.completed", tasks[i]), 1) << i;
  }
  EXPECT_EQ(upstream_git("rev-list --count " + base_ + "..main"), "10");
  EXPECT_EQ(corral("audit verify").exit_code, 0);
  EXPECT_TRUE(
      testing::wait_for([&] { return sh("ls -A " + quote(data() + "/runs") + " | grep '^c-.*[.]lock$'").out.empty(); },
                        std::chrono::seconds(30)))
      << "no check left holding a run lock";
}

// An approval survives a rebase that leaves the change as it was, and is
// asked again, with only what changed shown, when a hunk changed.
TEST_F(MergeQueueE2E, AnApprovalIsCarriedAcrossARebaseOrAskedAgainWithAnInterdiff) {
  settings({{"pin", "autonomous"}});
  std::string list = submit_task("seq 1 10 > list.txt; true", "a list");
  ASSERT_EQ(wait_for_state(list, "merged", 120)["state"], "merged");
  settings({{"pin", "supervised"}});
  std::string reviewer = token("rita", "reviewer");
  std::string near = submit_task("sed -i 's/^3$/three/' list.txt; true", "line 3");
  std::string changed = submit_task("sed -i 's/^6$/six/' list.txt; true", "line 6");
  std::string apart = submit_task("echo apart > apart.txt; true", "elsewhere");
  for (const std::string& task : {near, changed, apart})
    ASSERT_EQ(wait_for_state(task, "review", 120)["state"], "review") << task;
  ASSERT_EQ(judge(near, "approve", reviewer, diff_hash(near)).substr(0, 3), "201");
  ASSERT_EQ(wait_for_state(near, "merged", 120)["state"], "merged");
  std::string approved_hash = diff_hash(changed);
  ASSERT_EQ(judge(changed, "approve", reviewer, approved_hash).substr(0, 3), "201");
  ASSERT_EQ(judge(apart, "approve", reviewer, diff_hash(apart)).substr(0, 3), "201");

  ASSERT_EQ(wait_for_state(apart, "merged", 120)["state"], "merged");
  EXPECT_EQ(count_events("approval.carried", apart), 1);
  auto asked = wait_for_state(changed, "review", 120);
  ASSERT_EQ(asked["state"], "review") << asked.dump();
  EXPECT_EQ(count_events("approval.carried", changed), 0);
  json review = local("GET", "/v1/reviews/" + changed);
  EXPECT_NE(review.value("diff_hash", ""), approved_hash);
  std::string interdiff = review.value("interdiff", "");
  EXPECT_NE(interdiff.find("\n- 3\n"), std::string::npos) << interdiff;
  EXPECT_NE(interdiff.find("\n+ three\n"), std::string::npos) << interdiff;
  std::string shown = corral("review show " + changed).out;
  EXPECT_NE(shown.find("since the approved diff"), std::string::npos) << shown;
  EXPECT_EQ(judge(changed, "approve", reviewer, approved_hash).substr(0, 3), "409")
      << "the first approval's hash no longer counts";
  ASSERT_EQ(judge(changed, "approve", reviewer, review.value("diff_hash", "")).substr(0, 3), "201");
  ASSERT_EQ(wait_for_state(changed, "merged", 120)["state"], "merged");
  EXPECT_EQ(upstream_file("main", "list.txt"), "1\n2\nthree\n4\n5\nsix\n7\n8\n9\n10\n");
}

// SIGKILL inside a batch's landing (after corral's record moved, before the
// upstream was told; and after it was told, before the tasks were marked):
// after a restart each member is merged exactly once.
class BatchCrash : public MergeQueueE2E, public ::testing::WithParamInterface<std::string> {};

TEST_P(BatchCrash, AfterARestartEachMemberIsMergedExactlyOnce) {
  settings({{"pin", "supervised"}, {"merge_batch", 3}});
  stop_daemon(SIGTERM);
  start_daemon("--test-pause-at " + GetParam());
  ASSERT_TRUE(ready_);
  std::string reviewer = token("rita", "reviewer");
  std::vector<std::string> tasks;
  for (int i = 0; i < 3; ++i)
    tasks.push_back(submit_task("echo " + std::to_string(i) + " > b-" + std::to_string(i) + ".txt; true", "b"));
  for (const std::string& task : tasks) ASSERT_EQ(wait_for_state(task, "review", 120)["state"], "review");
  // Held while they are approved, so the three are ready at once.
  ASSERT_EQ(corral("kill on --repo " + quote(upstream()) + " --hold-merges --reason batch").exit_code, 0);
  for (const std::string& task : tasks)
    ASSERT_EQ(judge(task, "approve", reviewer, diff_hash(task)).substr(0, 3), "201");
  for (const std::string& task : tasks) ASSERT_EQ(wait_for_state(task, "merging", 60)["state"], "merging");
  ASSERT_EQ(corral("kill off --repo " + quote(upstream()) + " --reason go").exit_code, 0);
  std::string merges_query = "sqlite3 " + quote(data() + "/corral.db") + " \"SELECT state FROM merges ORDER BY 1\"";
  bool at_finish = GetParam() == "merge_finish";
  ASSERT_TRUE(testing::wait_for(
      [&] {
        std::string states = sh(merges_query).out;
        return (states == "advanced\nadvanced\nadvanced\n" || (at_finish && states == "done\ndone\ndone\n")) &&
               (!at_finish || upstream_git("rev-parse main") != base_);
      },
      std::chrono::seconds(60)))
      << sh(merges_query).out;
  EXPECT_EQ(upstream_git("rev-parse main") != base_, at_finish);
  stop_daemon(SIGKILL);
  start_daemon();
  ASSERT_TRUE(ready_);
  for (const std::string& task : tasks) ASSERT_EQ(wait_for_state(task, "merged", 120)["state"], "merged") << task;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(commits_of_task_on_main(tasks[i]), 1) << i;
    EXPECT_EQ(count_events("merge.completed", tasks[i]), 1) << i;
    EXPECT_EQ(upstream_file("main", "b-" + std::to_string(i) + ".txt"), std::to_string(i) + "\n");
  }
  EXPECT_EQ(upstream_git("rev-list --count " + base_ + "..main"), "3");
  EXPECT_EQ(corral("audit verify").exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Points, BatchCrash, ::testing::Values("merge_publish", "merge_finish"));

}  // namespace
}  // namespace corral::e2e
