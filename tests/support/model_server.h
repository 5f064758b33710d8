// The scripted model provider (scripted_model_server.py) as a test fixture:
// started on a free loopback port, over TLS with a certificate made for the
// test (its CA file is what corral's gateway is told to trust), stopped and
// its files removed with the object. requests() reads what it received.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace corral::testing {

class ScriptedModelServer {
 public:
  // `script`: {"steps": [...]} as the server documents. `delay_ms`: between
  // streamed events. `idle_close_ms`: kept connections idle that long are closed.
  explicit ScriptedModelServer(const nlohmann::json& script, bool tls = true, int delay_ms = 0, int idle_close_ms = 0);
  ~ScriptedModelServer();
  ScriptedModelServer(const ScriptedModelServer&) = delete;
  ScriptedModelServer& operator=(const ScriptedModelServer&) = delete;

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  std::string base_url() const;  // https://localhost:PORT
  std::string ca_file() const { return dir_ / "cert.pem"; }
  std::vector<nlohmann::json> requests() const;  // each: method, path, headers, body

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool tls_;
};

}  // namespace corral::testing
