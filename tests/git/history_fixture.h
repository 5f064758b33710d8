// A bare upstream repository with a main branch and a clone to make commits
// in with the git CLI: the history the commit step works on.
#pragma once

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace corral::git {

class HistoryFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::make_sample_repo(work());
    testing::sh_ok("git clone -q --bare " + q(work()) + " " + q(upstream()));
    testing::sh_ok("cd " + q(work()) + " && git remote add origin " + q(upstream()));
    testing::sh_ok("git init -q --bare " + q(mirror()));
    base_ = head();
  }

  // Commits `content` to `path` in the clone on `branch` (created from
  // `start` when given); returns the commit.
  std::string commit(const std::string& path, const std::string& content, const std::string& branch = "main",
                     const std::string& start = "") {
    std::string checkout = start.empty() ? "git checkout -q " + branch : "git checkout -q -B " + branch + " " + start;
    testing::sh_ok("cd " + q(work()) + " && " + checkout);
    testing::write_file(work() + "/" + path, content);
    testing::sh_ok("cd " + q(work()) +
                   " && git add -A && git -c user.name=dev -c user.email=dev@example.com commit -q -m " +
                   q("change " + path));
    return head();
  }
  std::string head() { return trim(testing::sh_ok("cd " + q(work()) + " && git rev-parse HEAD")); }
  std::string upstream_tip(const std::string& branch = "main") {
    return trim(testing::sh_ok("git -C " + q(upstream()) + " rev-parse refs/heads/" + branch));
  }
  // Copies every commit of the clone into `repo` (a mirror stand-in).
  void share_objects_with(const std::string& repo) {
    testing::sh_ok("cd " + q(work()) + " && git push -q " + q(repo) + " '+refs/heads/*:refs/work/*'");
  }
  std::string show(const std::string& repo, const std::string& rev) {
    return testing::sh_ok("git -C " + q(repo) + " show --format=%an%n%s -s " + rev);
  }
  std::string file_at(const std::string& repo, const std::string& rev, const std::string& path) {
    return testing::sh("git -C " + q(repo) + " show " + rev + ":" + path).out;
  }

  static std::string q(const std::string& text) { return testing::quote(text); }
  static std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }

  std::string work() const { return dir_ / "work"; }
  std::string upstream() const { return dir_ / "upstream.git"; }
  std::string mirror() const { return dir_ / "mirror.git"; }

  testing::TempDir dir_;
  std::string base_;  // main's first commit
};

}  // namespace corral::git
