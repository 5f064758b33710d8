#include "admission/run_boundaries.h"

#include "core/ids.h"
#include "core/token_prices.h"
#include "runner/agent_profiles.h"

namespace corral::admission {
namespace {

// The program, its model, environment, run files and output format.
void apply_profile(runner::RunRequest& request, const runner::AgentProfile& profile,
                   const settings::BoundarySettings& settings, const GatewayOptions& options,
                   runner::GatewayPlan& plan) {
  auto tool = options.agent_tools.find(profile.program);
  std::string host_program;
  if (tool != options.agent_tools.end()) {
    std::string mounted = std::string(runner::kToolsDir) + "/" + profile.program;
    request.read_only_mounts.push_back({tool->second.host_path, mounted});
    host_program = tool->second.entry.empty() ? mounted : mounted + "/" + tool->second.entry;
  }
  auto model = settings.models.find(profile.name);
  request.agent_command =
      runner::profile_command(profile, host_program, model == settings.models.end() ? "" : model->second);
  request.extra_env.insert(request.extra_env.end(), profile.env.begin(), profile.env.end());
  request.output = profile.output;
  plan.files = profile.run_files;
}

// The proxy's allowlist: the owner's hosts and the profile's.
std::optional<runner::EgressPolicy> egress_policy(const settings::BoundarySettings& settings,
                                                  const runner::AgentProfile* profile, const GatewayOptions& options) {
  runner::EgressPolicy egress;
  egress.urls = egress_urls(settings, profile ? profile->hosts : std::vector<std::string>{});
  if (egress.urls.allowed_hosts.empty()) return std::nullopt;
  egress.fixed_hosts = options.egress_hosts;
  return egress;
}

// Where an agent finds the model: a profile's own variables, else each
// provider's conventional ones (for any command line); CORRAL_LLM_* always.
struct ModelVariables {
  std::vector<std::string> url, key;
  std::string suffix;
};

ModelVariables model_variables(const std::string& provider, const runner::AgentProfile* profile) {
  ModelVariables variables{{"CORRAL_LLM_URL"}, {"CORRAL_LLM_TOKEN"}, ""};
  if (profile) {
    variables.url.insert(variables.url.end(), profile->base_url_env.begin(), profile->base_url_env.end());
    variables.key.insert(variables.key.end(), profile->key_env.begin(), profile->key_env.end());
    variables.suffix = profile->base_url_suffix;
  } else if (provider == "anthropic") {
    variables.url.push_back("ANTHROPIC_BASE_URL");
    variables.key.push_back("ANTHROPIC_API_KEY");
  } else if (provider == "gemini") {
    variables.url.push_back("GOOGLE_GEMINI_BASE_URL");
    variables.key.push_back("GEMINI_API_KEY");
  } else {
    variables.url.push_back("OPENAI_BASE_URL");
    variables.key.push_back("OPENAI_API_KEY");
    variables.suffix = "/v1";
  }
  return variables;
}

// The LLM gateway for the profile's provider (a command line gets the
// operator's, Anthropic first), with a fresh run token and the run's budgets.
Status apply_llm(runner::RunRequest& request, const runner::AgentProfile* profile, const RunBoundaryInputs& inputs,
                 const GatewayOptions& options, runner::GatewayPlan& plan) {
  std::string name = profile ? profile->provider : "";
  if (!profile && !options.providers.empty()) {
    name = options.providers.count("anthropic") ? "anthropic" : options.providers.begin()->first;
  }
  if (name.empty()) return Status::ok();
  auto provider = options.providers.find(name);
  if (provider == options.providers.end()) {
    return Status::failed_precondition("agent profile " + profile->name + " needs the " + name +
                                       " model provider; give corral serve (or corral run) --llm " + name + "=URL");
  }
  runner::LlmGatewayConfig llm;
  llm.provider = provider->second;
  llm.run_token = new_secret("crt_");
  llm.budgets = inputs.budgets;
  for (const auto& [model, text] : inputs.settings.model_prices) {
    auto prices = parse_token_prices(text);  // checked when the setting was made
    if (prices.is_ok()) llm.prices[model] = *prices;
  }
  ModelVariables variables = model_variables(name, profile);
  std::string url = "http://127.0.0.1:" + std::to_string(runner::kLlmPort) + variables.suffix;
  for (const std::string& variable : variables.url) request.extra_env.push_back(variable + "=" + url);
  for (const std::string& variable : variables.key) request.extra_env.push_back(variable + "=" + llm.run_token);
  plan.llm = llm;
  return Status::ok();
}

}  // namespace

policy::UrlPolicy egress_urls(const settings::BoundarySettings& settings, const std::vector<std::string>& more_hosts) {
  policy::UrlPolicy urls;
  urls.allowed_hosts = settings.egress_hosts;
  urls.allowed_hosts.insert(urls.allowed_hosts.end(), more_hosts.begin(), more_hosts.end());
  urls.internal_hosts = settings.egress_internal_hosts;
  urls.schemes = {"https", "http"};
  urls.extra_ports = settings.egress_ports;
  return urls;
}

Status apply_run_boundaries(runner::RunRequest& request, const RunBoundaryInputs& inputs,
                            const GatewayOptions& options) {
  std::optional<runner::AgentProfile> found = runner::find_profile(inputs.agent);
  const runner::AgentProfile* profile = found ? &*found : nullptr;
  runner::GatewayPlan plan;
  plan.dir = inputs.run_dir;
  request.extra_env.push_back(std::string("CORRAL_TOOL_HOOK=") + containers::kSupervisorPath + " hook");
  if (profile) apply_profile(request, *profile, inputs.settings, options, plan);

  runner::ToolGatePolicy tools;
  tools.tools.paths.enforcement = inputs.settings.tool_enforcement;
  tools.tools.enforcement = inputs.settings.tool_enforcement;
  tools.worktree_host_path = request.worktree_path;
  if (inputs.network) plan.egress = egress_policy(inputs.settings, profile, options);
  if (plan.egress) tools.tools.urls = plan.egress->urls;  // a fetch tool may reach what the proxy would let through
  plan.tools = tools;

  CORRAL_RETURN_IF_ERROR(apply_llm(request, profile, inputs, options, plan));
  request.gateways = std::move(plan);
  return Status::ok();
}

}  // namespace corral::admission
