// A running `corral serve` (unix socket + TCP on a free loopback port) for a
// test's own data directory, stopped with SIGTERM (SIGKILL if it hangs) at the end.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/e2e/e2e_fixture.h"

namespace corral::e2e {

class DaemonE2E : public CorralE2E {
 protected:
  void SetUp() override {
    CorralE2E::SetUp();
    start_daemon();
    ASSERT_TRUE(ready_) << testing::read_file(dir_ / "serve.log");
    sh_ok(quote(testing::corral_binary()) + " --data-dir " + quote(data()) + " repo add " + quote(repo()));
  }

  void TearDown() override { stop_daemon(SIGTERM); }

  void start_daemon(const std::string& extra = "") {
    std::string log = dir_ / "serve.log";
    std::string command = "exec " + quote(testing::corral_binary()) + " --data-dir " + quote(data()) +
                          " serve --listen 127.0.0.1:0 " + extra + " >>" + quote(log) + " 2>&1";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ready_ = testing::wait_for([&] { return curl("/v1/health").find("\"ok\":true") != std::string::npos; },
                               std::chrono::seconds(30));
    std::string text = testing::read_file(log);
    size_t port = text.rfind("(port ");
    if (port != std::string::npos) tcp_ = "http://127.0.0.1:" + text.substr(port + 6, text.find(')', port) - port - 6);
  }

  void stop_daemon(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    if (!testing::wait_for([&] { return ::waitpid(pid_, nullptr, WNOHANG) == pid_; }, std::chrono::seconds(30))) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

  std::string socket() const { return data() + "/corral.sock"; }

  // curl over the unix socket (trusted local peer); returns the body.
  std::string curl(const std::string& target, const std::string& args = "") const {
    return sh("curl -s --max-time 10 --unix-socket " + quote(socket()) + " " + args + " " +
              quote("http://corral" + target))
        .out;
  }

  // curl over TCP; "STATUS BODY".
  std::string tcp(const std::string& method, const std::string& target, const std::string& token,
                  const std::string& body = "") const {
    std::string auth = token.empty() ? "" : " -H " + quote("Authorization: Bearer " + token);
    // The body goes through a file: a command line holds at most 128 KiB per argument.
    std::string body_file = dir_ / "request-body.json";
    testing::write_file(body_file, body);
    std::string data = body.empty() ? "" : " -H 'Content-Type: application/json' --data-binary @" + quote(body_file);
    auto result =
        sh("curl -s --max-time 10 -w ' %{http_code}' -X " + method + auth + data + " " + quote(tcp_ + target));
    size_t space = result.out.rfind(' ');
    return result.out.substr(space + 1) + " " + result.out.substr(0, space);
  }

  nlohmann::json local(const std::string& method, const std::string& target, const std::string& body = "") const {
    std::string data = body.empty() ? "" : " -H 'Content-Type: application/json' --data-binary " + quote(body);
    return nlohmann::json::parse(curl(target, "-X " + method + data), nullptr, false);
  }

  nlohmann::json wait_for_state(const std::string& task, const std::string& state, int seconds = 60) const {
    nlohmann::json shown;
    testing::wait_for(
        [&] {
          shown = local("GET", "/v1/tasks/" + task);
          return shown.value("state", "") == state;
        },
        std::chrono::seconds(seconds));
    return shown;
  }

  std::string submit(const std::string& agent, const std::string& prompt, const std::string& extra_json = "") const {
    return submit_to(repo(), agent, prompt, nlohmann::json::parse("{" + extra_json + "}"));
  }

  // A task for `repository` (its path) with the fields of `body` besides.
  std::string submit_to(const std::string& repository, const std::string& agent, const std::string& prompt,
                        nlohmann::json body) const {
    if (body.is_null()) body = nlohmann::json::object();
    body["repo"] = repository;
    body["agent"] = agent;
    body["prompt"] = prompt;
    auto created = local("POST", "/v1/tasks", body.dump());
    EXPECT_TRUE(created.contains("id")) << created.dump();
    return created.value("id", "");
  }

  pid_t pid_ = -1;
  bool ready_ = false;
  std::string tcp_;
};

}  // namespace corral::e2e
