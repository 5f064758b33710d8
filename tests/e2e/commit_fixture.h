// A daemon whose repository is a bare upstream made by the test (corral
// starts tasks from it, publishes task branches into it and merges into its
// main), with helpers for settings, tokens and reviews.
#pragma once

#include "tests/e2e/daemon_fixture.h"

namespace corral::e2e {

class CommitE2E : public DaemonE2E {
 protected:
  void SetUp() override {
    DaemonE2E::SetUp();
    sh_ok("git clone -q --bare " + quote(repo()) + " " + quote(upstream()));
    auto added = local("POST", "/v1/repos", nlohmann::json{{"path", upstream()}}.dump());
    upstream_id_ = added.value("id", "");
    ASSERT_FALSE(upstream_id_.empty()) << added.dump();
    base_ = upstream_git("rev-parse main");
  }

  std::string upstream() const { return dir_ / "upstream.git"; }
  std::string upstream_git(const std::string& args) const {
    std::string out = sh_ok("git -C " + quote(upstream()) + " " + args);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::string upstream_file(const std::string& rev, const std::string& path) const {
    return sh("git -C " + quote(upstream()) + " show " + quote(rev + ":" + path)).out;
  }
  // How many commits on main carry this task's trailer.
  int commits_of_task_on_main(const std::string& task) const {
    return std::stoi(upstream_git("log main --format=%H --grep=" + quote("Corral-Task: " + task) + " | wc -l"));
  }

  nlohmann::json settings(const nlohmann::json& change) const {
    return local("PATCH", "/v1/repos/" + upstream_id_ + "/settings", change.dump());
  }

  std::string submit_task(const std::string& agent, const std::string& prompt, nlohmann::json extra = {}) const {
    return submit_to(upstream(), agent, prompt, std::move(extra));
  }

  // A bearer token for `name` with `role` on every repository.
  std::string token(const std::string& name, const std::string& role) const {
    auto created = local("POST", "/v1/tokens", nlohmann::json{{"name", name}, {"role", role}}.dump());
    return created.value("token", "");
  }

  std::string diff_hash(const std::string& task) const {
    return local("GET", "/v1/reviews/" + task).value("diff_hash", "");
  }

  // "STATUS BODY" of a verdict given over TCP with `token`.
  std::string judge(const std::string& task, const std::string& verb, const std::string& token, const std::string& hash,
                    const std::string& reason = "") const {
    nlohmann::json body = {{"diff_hash", hash}};
    if (!reason.empty()) body["reason"] = reason;
    return tcp("POST", "/v1/reviews/" + task + "/" + verb, token, body.dump());
  }

  int count_events(const std::string& type, const std::string& task = "") const {
    auto page = local("GET", "/v1/events?limit=1000&type=" + type + (task.empty() ? "" : "&task=" + task));
    int count = 0;
    for (const auto& event : page["events"]) count += event["type"] == type;
    return count;
  }
  nlohmann::json last_event(const std::string& type) const {
    auto page = local("GET", "/v1/events?limit=1000&type=" + type);
    return page["events"].empty() ? nlohmann::json() : page["events"].back();
  }

  std::string upstream_id_;
  std::string base_;
};

}  // namespace corral::e2e
