// corral policy check: what the tool-call rules answer for one call, so an
// owner can try a rule set without running an agent. Runs locally (no daemon).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/terminal_text.h"
#include "core/key_value.h"
#include "core/visible_text.h"
#include "policy/tool_call.h"
#include "runner/gateways/host_resolver.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;

struct CheckOptions {
  std::string tool;
  std::vector<std::string> arguments;
  std::string workspace = "/workspace";
  std::string mode = "block";
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> sensitive;
  bool allow_internal = false;
  bool no_resolve = false;
  bool json_output = false;
};

int run_check(const CheckOptions& options) {
  if (options.mode != "flag" && options.mode != "block") {
    return report_error(Status::invalid_argument("--mode is flag or block, not '" + options.mode + "'"));
  }
  std::map<std::string, std::string> arguments;
  for (const std::string& argument : options.arguments) {
    auto pair = split_key_value(argument);
    if (!pair) return report_error(Status::invalid_argument("--arg takes KEY=VALUE, not '" + argument + "'"));
    arguments[pair->key] = pair->value;
  }
  policy::Enforcement enforcement = options.mode == "flag" ? policy::Enforcement::kFlag : policy::Enforcement::kBlock;
  policy::ToolPolicy rules;
  rules.enforcement = enforcement;
  rules.paths.workspace = options.workspace;
  rules.paths.enforcement = enforcement;
  for (const auto& pattern : options.sensitive) rules.paths.sensitive_patterns.push_back(pattern);
  rules.urls.allowed_hosts = options.allowed_hosts;
  rules.urls.allow_internal = options.allow_internal;
  rules.urls.enforcement = enforcement;
  // Names resolve as the egress proxy resolves them (no fixed names here).
  if (!options.no_resolve) rules.urls.resolve = [](const std::string& host) { return runner::resolve_host(host, {}); };
  auto decided = policy::check_tool_call(options.tool, arguments, rules);
  const auto& decision = decided.decision;
  if (options.json_output) {
    std::cout << exact_json({{"verdict", policy::verdict_name(decision.verdict)},
                             {"rule", decision.rule},
                             {"reason", decision.reason},
                             {"argument", decided.argument},
                             {"normalized", decision.normalized}})
              << "\n";
    return 0;
  }
  if (decision.verdict == policy::Verdict::kAllow) {
    std::printf("allow\n");
  } else {
    std::printf("%s: %s%s — %s\n", policy::verdict_name(decision.verdict), decision.rule.c_str(),
                decided.argument.empty() ? "" : (" (" + visible_inline(decided.argument) + ")").c_str(),
                visible_inline(decision.reason).c_str());
  }
  return 0;
}

}  // namespace

CommandAction add_policy_command(CLI::App& app, const GlobalOptions&) {
  app.require_subcommand(1);
  auto options = std::make_shared<CheckOptions>();
  CLI::App* check = app.add_subcommand("check", "Check one tool call against the rules: allow, flag or block");
  check->add_option("--tool", options->tool, "Tool name (Read, Write, Edit, Bash, WebFetch, read_file, shell, ...)")
      ->required();
  check->add_option("--arg", options->arguments, "KEY=VALUE of the call (repeatable)")->required();
  check->add_option("--workspace", options->workspace, "Where the worktree is mounted (default /workspace)");
  check->add_option("--mode", options->mode, "flag (log and allow) or block (default)");
  check->add_option("--allow-host", options->allowed_hosts, "An allowlisted host, or *.domain (repeatable)");
  check->add_option("--sensitive", options->sensitive, "A sensitive path pattern besides the defaults (repeatable)");
  check->add_flag("--allow-internal", options->allow_internal, "Allow internal addresses");
  check->add_flag("--no-resolve", options->no_resolve, "Do not resolve host names (the allowlist alone decides)");
  check->add_flag("--json", options->json_output);
  return [options] { return run_check(*options); };
}

}  // namespace corral::cli
