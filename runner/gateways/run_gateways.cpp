#include "runner/gateways/run_gateways.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace corral::runner {

Result<std::unique_ptr<RunGateways>> RunGateways::start(GatewayPlan plan, EmitEvent emit, const Clock& clock) {
  const std::string run_dir = plan.dir;
  if (::mkdir(run_dir.c_str(), 0755) != 0) return Status::from_errno(errno, "creating the run directory " + run_dir);
  std::unique_ptr<RunGateways> gateways(new RunGateways(std::move(plan), std::move(emit), clock));
  for (const auto& [name, content] : gateways->plan_.files) {
    std::ofstream out(run_dir + "/" + name);
    out << content;
    if (!out.flush()) return Status::io("writing " + run_dir + "/" + name);
  }
  RunGateways* self = gateways.get();
  auto listen = [&](const char* name, SocketServer::Handler handler) -> Status {
    auto server = SocketServer::listen(run_dir + "/" + name, std::move(handler));
    if (!server.is_ok()) return server.status();
    self->servers_.push_back(std::move(*server));
    return Status::ok();
  };
  if (self->plan_.egress) {
    CORRAL_RETURN_IF_ERROR(listen("egress.sock", [self](int fd, const SocketServer::AlsoStop& also_stop) {
      serve_egress(fd, also_stop, *self->plan_.egress, self->emit_, self->clock_);
    }));
  }
  if (self->plan_.llm) {
    CORRAL_RETURN_IF_ERROR(listen("llm.sock", [self](int fd, const SocketServer::AlsoStop& also_stop) {
      serve_llm(fd, also_stop, *self->plan_.llm, self->emit_, self->clock_);
    }));
  }
  if (self->plan_.tools) {
    CORRAL_RETURN_IF_ERROR(listen("tool.sock", [self](int fd, const SocketServer::AlsoStop&) {
      serve_tool_gate(fd, *self->plan_.tools, self->emit_);
    }));
  }
  return gateways;
}

RunGateways::~RunGateways() {
  servers_.clear();  // each stops and joins its connections
  std::error_code ec;
  std::filesystem::remove_all(plan_.dir, ec);
}

std::vector<containers::Relay> RunGateways::relays() const {
  std::vector<containers::Relay> relays;
  if (plan_.egress) relays.push_back({kEgressPort, "egress.sock"});
  if (plan_.llm) relays.push_back({kLlmPort, "llm.sock"});
  return relays;
}

std::vector<std::string> RunGateways::environment() const {
  if (!plan_.egress) return {};
  std::string proxy = "http://127.0.0.1:" + std::to_string(kEgressPort);
  return {"HTTP_PROXY=" + proxy,  "HTTPS_PROXY=" + proxy,         "http_proxy=" + proxy,
          "https_proxy=" + proxy, "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost"};
}

}  // namespace corral::runner
