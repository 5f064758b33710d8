// Helpers shared by corral's tests: temporary directories, shell commands,
// real git repositories made with the git CLI (an independent check of what
// libgit2 wrote), and paths of the built binaries.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace corral::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` with /bin/sh, capturing stdout and stderr separately.
CommandResult sh(const std::string& command);

// Runs and returns trimmed stdout; fails the current test if the exit code is not 0.
std::string sh_ok(const std::string& command);

// Polls `condition` every 50 ms until it holds (true) or `limit` passes (false).
bool wait_for(const std::function<bool()>& condition, std::chrono::seconds limit);

// Quotes a string for /bin/sh.
std::string quote(const std::string& text);

void write_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);

// A git repository at `dir` with one commit on `main`: README.md, src/app.c,
// docs/old-name.txt, scripts/run.sh (not executable), .gitignore (ignoring *.log).
void make_sample_repo(const std::string& dir);

// Starts the Docker engine if it is not running and makes the test image
// (tests/support/make_test_image.sh) once per process; returns its name.
// Fails the calling test if either cannot be done.
std::string docker_test_image();

// Built binaries (set by CMake).
std::string corral_binary();
std::string supervisor_binary();
// Source tree path of a test resource, e.g. "tests/e2e/agents/edit_files.sh".
std::string source_path(const std::string& relative);

}  // namespace corral::testing
