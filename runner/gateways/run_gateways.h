// The gateways of one run, in its own directory (mounted read-only into the
// sandbox at /.corral/run): the egress proxy (egress.sock), the LLM gateway
// (llm.sock) and the tool gate (tool.sock), each started only if the run has
// it. The supervisor offers the first two on fixed loopback ports inside the
// sandbox; the tool gate is asked by `corral-supervisor hook` directly.
// Everything stops and the directory goes when the run ends.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "containers/sandbox_spec.h"
#include "core/clock.h"
#include "runner/gateways/egress_proxy.h"
#include "runner/gateways/llm_gateway.h"
#include "runner/gateways/tool_gate.h"

namespace corral::runner {

inline constexpr int kEgressPort = 3128;
inline constexpr int kLlmPort = 4141;

struct GatewayPlan {
  std::string dir;                     // the run directory: must not exist yet
  std::optional<EgressPolicy> egress;  // none: no network at all
  std::optional<LlmGatewayConfig> llm;
  std::optional<ToolGatePolicy> tools;
  std::map<std::string, std::string> files;  // written into the run directory (an agent's settings)
};

class RunGateways {
 public:
  // Makes `plan.dir` and starts what `plan` names; `clock` times their
  // calls and must outlive them.
  static Result<std::unique_ptr<RunGateways>> start(GatewayPlan plan, EmitEvent emit, const Clock& clock);
  ~RunGateways();  // stops them and removes the directory

  std::vector<containers::Relay> relays() const;
  // HTTP(S)_PROXY (upper and lower case) when there is egress; NO_PROXY for loopback.
  std::vector<std::string> environment() const;
  const std::string& run_dir() const { return plan_.dir; }

 private:
  RunGateways(GatewayPlan plan, EmitEvent emit, const Clock& clock)
      : plan_(std::move(plan)), emit_(std::move(emit)), clock_(clock) {}

  GatewayPlan plan_;
  EmitEvent emit_;
  const Clock& clock_;
  std::vector<std::unique_ptr<SocketServer>> servers_;
};

}  // namespace corral::runner
