#include "tests/support/model_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace corral::testing {

ScriptedModelServer::ScriptedModelServer(const nlohmann::json& script, bool tls, int delay_ms, int idle_close_ms)
    : tls_(tls) {
  write_file(dir_ / "script.json", script.dump());
  write_file(dir_ / "requests.jsonl", "");
  if (tls && sh("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
                " -addext subjectAltName=DNS:localhost -keyout " +
                quote(dir_ / "key.pem") + " -out " + quote(ca_file()) + " 2>&1")
                     .exit_code != 0) {
    return;
  }
  int out[2];
  if (::pipe(out) != 0) return;
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    std::string script_path = dir_ / "script.json", log_path = dir_ / "requests.jsonl", key = dir_ / "key.pem",
                cert = ca_file(), delay = std::to_string(delay_ms), idle = std::to_string(idle_close_ms),
                server = source_path("tests/support/scripted_model_server.py");
    if (tls) {
      ::execlp("python3", "python3", server.c_str(), "--script", script_path.c_str(), "--log", log_path.c_str(),
               "--delay-ms", delay.c_str(), "--idle-close-ms", idle.c_str(), "--tls", cert.c_str(), key.c_str(),
               nullptr);
    } else {
      ::execlp("python3", "python3", server.c_str(), "--script", script_path.c_str(), "--log", log_path.c_str(),
               "--delay-ms", delay.c_str(), "--idle-close-ms", idle.c_str(), nullptr);
    }
    ::_exit(127);
  }
  ::close(out[1]);
  FILE* lines = ::fdopen(out[0], "r");
  char line[128] = {};
  if (lines && std::fgets(line, sizeof line, lines)) std::sscanf(line, "listening %d", &port_);
  if (lines) std::fclose(lines);
}

ScriptedModelServer::~ScriptedModelServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string ScriptedModelServer::base_url() const {
  return std::string(tls_ ? "https" : "http") + "://localhost:" + std::to_string(port_);
}

std::vector<nlohmann::json> ScriptedModelServer::requests() const {
  std::vector<nlohmann::json> requests;
  std::ifstream log(dir_ / "requests.jsonl");
  for (std::string line; std::getline(log, line);) {
    if (!line.empty()) requests.push_back(nlohmann::json::parse(line));
  }
  return requests;
}

}  // namespace corral::testing
