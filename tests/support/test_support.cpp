#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace corral::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/corral-test-XXXXXX";
  char* made = ::mkdtemp(pattern.data());
  if (!made) std::abort();
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

CommandResult sh(const std::string& command) {
  TempDir capture;
  std::string out_file = capture / "out";
  std::string err_file = capture / "err";
  std::string wrapped = "( " + command + " ) >" + out_file + " 2>" + err_file + " </dev/null";
  int status = std::system(wrapped.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_file);
  result.err = read_file(err_file);
  return result;
}

std::string sh_ok(const std::string& command) {
  CommandResult result = sh(command);
  EXPECT_EQ(result.exit_code, 0) << command << "\nstdout: " << result.out << "\nstderr: " << result.err;
  while (!result.out.empty() && (result.out.back() == '\n' || result.out.back() == ' ')) result.out.pop_back();
  return result.out;
}

bool wait_for(const std::function<bool()>& condition, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void make_sample_repo(const std::string& dir) {
  write_file(dir + "/README.md", "# sample\n\nA repository made by a test.\n");
  write_file(dir + "/src/app.c", "int main(void) {\n  return 0;\n}\n");
  write_file(dir + "/docs/old-name.txt", "this file will be renamed\nline two\nline three\n");
  write_file(dir + "/scripts/run.sh", "#!/bin/sh\necho run\n");
  write_file(dir + "/.gitignore", "*.log\n");
  sh_ok("cd " + quote(dir) +
        " && git init -q -b main && git add -A && git -c user.name=test -c user.email=test@example.com"
        " commit -q -m 'initial commit'");
}

std::string docker_test_image() {
  static const std::string kImage = "corral-test-agent:2";
  static bool ready = [] {
    CommandResult started = sh(quote(source_path("scripts/start-docker.sh")));
    if (started.exit_code != 0) {
      ADD_FAILURE() << "cannot start the Docker engine: " << started.err;
      return false;
    }
    CommandResult made = sh(quote(source_path("tests/support/make_test_image.sh")) + " " + kImage);
    if (made.exit_code != 0) ADD_FAILURE() << "cannot make the test image: " << made.err;
    return made.exit_code == 0;
  }();
  EXPECT_TRUE(ready) << "the Docker engine or the test image is not available";
  return kImage;
}

std::string corral_binary() { return CORRAL_BINARY_DIR "/corral"; }
std::string supervisor_binary() { return CORRAL_BINARY_DIR "/corral-supervisor"; }
std::string source_path(const std::string& relative) { return std::string(CORRAL_SOURCE_DIR) + "/" + relative; }

}  // namespace corral::testing
