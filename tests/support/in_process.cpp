#include "tests/support/in_process.h"

#include <nlohmann/json.hpp>

#include "core/ids.h"

namespace corral::testing {

void InProcess::SetUp() {
  // The repository corral is given is a bare one, as a team's shared repository
  // is: corral publishes task branches into it and merges into its main.
  make_sample_repo(dir_ / "work");
  sh_ok("git clone -q --bare " + quote(dir_ / "work") + " " + quote(repo()));
  layout_ = std::make_unique<DataLayout>(dir_ / "data");
  ASSERT_TRUE(layout_->create_directories());
  auto opened = store::Store::open(layout_->database(), clock_);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  store_ = std::move(*opened);
  auto registered = store_->with([&](store::Transaction& tx) {
    return tx.records.ensure_repo(repo(), [&](const std::string& id) { return layout_->mirror(id); });
  });
  ASSERT_TRUE(registered.is_ok()) << registered.status().to_string();
  repo_id_ = registered->id;
}

std::string InProcess::repo_git(const std::string& args) const {
  std::string out = sh_ok("git -C " + quote(repo()) + " " + args);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string InProcess::submit(const std::string& prompt, int priority, std::vector<std::string> parents) {
  store::NewTask task;
  task.id = new_id("t");
  task.repo_id = repo_id_;
  task.prompt = prompt;
  task.agent = "fake-agent";
  task.submitter = "alice";
  task.priority = priority;
  task.parents = std::move(parents);
  auto submitted = store_->with([&](store::Transaction& tx) { return tx.queue.submit({task}); });
  EXPECT_TRUE(submitted.is_ok()) << submitted.status().to_string();
  return task.id;
}

store::QueuedTask InProcess::task(const std::string& id) {
  auto found = store_->with([&](store::Transaction& tx) { return tx.queue.find(id); });
  EXPECT_TRUE(found.is_ok() && *found) << id;
  return found.is_ok() && *found ? **found : store::QueuedTask{};
}

std::vector<nlohmann::json> InProcess::events_of(const std::string& id, const std::string& type) {
  auto stored = store_->with([&](store::Transaction& tx) { return tx.events.after(0, {id, "", type}, 1000); });
  std::vector<nlohmann::json> out;
  if (!stored.is_ok()) return out;
  for (const auto& event : *stored) {
    out.push_back({{"repo", event.event.repo_id}, {"payload", nlohmann::json::parse(event.event.payload)}});
  }
  return out;
}

}  // namespace corral::testing
