// The commit step in process: runs made by the scheduler over a fake sandbox
// backend, then proposals, verdicts and merges into a real bare repository,
// with the commit step's units run in the test's thread as the daemon's
// threads run them, so each state of a merge is checked exactly.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "merge/commit_step.h"
#include "merge/review_desk.h"
#include "scheduler/scheduler.h"
#include "tests/support/in_process.h"

namespace corral::merge {

using json = nlohmann::json;
using store::TaskState;

class CommitStepTest : public corral::testing::InProcess {
 protected:
  void SetUp() override {
    InProcess::SetUp();
    scheduler::SchedulerOptions options;
    options.caps = {8, 8, 8};
    options.supervisor_path = corral::testing::supervisor_binary();
    scheduler_ = std::make_unique<scheduler::Scheduler>(*store_, *layout_, backend_, options);
    commit_step_ = std::make_unique<CommitStep>(*store_, *layout_, backend_, commit_options(options.supervisor_path));
  }
  void TearDown() override { scheduler_.reset(); }

  static MergerOptions commit_options(const std::string& supervisor_path) {
    MergerOptions options;
    options.supervisor_path = supervisor_path;
    return options;
  }

  // A task whose agent writes `writes`, run to its end.
  std::string run_task(std::map<std::string, std::string> writes) {
    std::string id = submit("change " + writes.begin()->first);
    backend_.script(id, {std::move(writes), 0, false});
    run_until_succeeded({id});
    return id;
  }

  // Scheduling passes until each of `ids` has run and succeeded.
  void run_until_succeeded(const std::vector<std::string>& ids) {
    EXPECT_TRUE(corral::testing::wait_for(
        [&] {
          EXPECT_TRUE(scheduler_->tick().is_ok());
          return std::all_of(ids.begin(), ids.end(),
                             [&](const std::string& id) { return task(id).state == TaskState::kSucceeded; });
        },
        std::chrono::seconds(30)))
        << ids.front();
  }

  // Runs the commit step until it finds nothing to do.
  void settle() {
    for (int unit = 0; unit < 20; ++unit) {
      auto worked = commit_step_->work_once();
      ASSERT_TRUE(worked.is_ok()) << worked.status().to_string();
      if (!*worked) return;
    }
    FAIL() << "the commit step kept finding work";
  }

  Result<json> approve(const std::string& id, const std::string& reviewer = "bob") {
    auto review = store_->with([&](store::Transaction& tx) { return tx.reviews.find(id); });
    std::string hash = review.is_ok() && *review ? (*review)->diff_hash : "";
    return ReviewDesk(*store_, *layout_).approve({reviewer, "reviewer", "*"}, id, {{"diff_hash", hash}});
  }

  // As many approvals as the review asks for, from different reviewers.
  void approve_all(const std::string& id) {
    auto review = store_->with([&](store::Transaction& tx) { return tx.reviews.find(id); });
    ASSERT_TRUE(review.is_ok() && *review) << id;
    for (int i = 0; i < (*review)->approvals_required; ++i) {
      auto approved = approve(id, "reviewer-" + std::to_string(i));
      ASSERT_TRUE(approved.is_ok()) << approved.status().to_string();
    }
  }

  void set_settings(const json& settings) {
    ASSERT_TRUE(
        store_->with([&](store::Transaction& tx) { return tx.records.set_repo_settings(repo_id_, settings.dump()); })
            .is_ok());
  }

  int commits_on_main(const std::string& id) {
    return std::stoi(repo_git("log main --format=%H --grep='Corral-Task: " + id + "' | wc -l"));
  }

  std::unique_ptr<scheduler::Scheduler> scheduler_;
  std::unique_ptr<CommitStep> commit_step_;
};

}  // namespace corral::merge
