// A run's boundaries, put on its RunRequest before it starts: the agent
// profile (program, environment, files), the tool gate with the owner's
// enforcement, the egress proxy with the owner's allowlist (when the grant
// allows network: not at the observe tier), and the LLM gateway with the
// provider the operator configured, a fresh run token and the budgets the run
// is under.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "admission/gateway_options.h"
#include "policy/url_rules.h"
#include "runner/task_run.h"
#include "settings/boundary_settings.h"

namespace corral::admission {

struct RunBoundaryInputs {
  std::string agent;     // a profile name or a command line
  bool network = false;  // the grant's
  settings::BoundarySettings settings;
  std::vector<std::shared_ptr<runner::TokenBudget>> budgets;
  std::string run_dir;
};

// The egress allowlist as the proxy (and a fetch tool) check it: the owner's
// hosts, internal hosts and ports, and `more_hosts` (a profile's).
policy::UrlPolicy egress_urls(const settings::BoundarySettings& settings, const std::vector<std::string>& more_hosts);

// Sets request.agent_command (a profile's), extra_env, read_only_mounts,
// and gateways (in inputs.run_dir). failed_precondition if the profile needs a model
// provider the daemon was not given.
Status apply_run_boundaries(runner::RunRequest& request, const RunBoundaryInputs& inputs,
                            const GatewayOptions& options);

}  // namespace corral::admission
