// corral policy check: what the tool-call rules answer for one call; corral
// policy scan: what the diff checks and the secret scanner find in files. So
// an owner can try a rule set without running an agent. Runs locally (no daemon).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/terminal_text.h"
#include "core/key_value.h"
#include "core/visible_text.h"
#include "policy/diff_checks.h"
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

struct ScanOptions {
  std::vector<std::string> files;
  std::vector<std::string> sensitive;
  bool json_output = false;
};

// `path` as the diff checks would see it added: its mode, its lines (none
// when binary: a NUL in its first 8 KiB, as git decides), a link's target.
Result<policy::ProposedChange> as_added(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return Status::from_errno(errno, "reading " + path);
  policy::ProposedChange change;
  change.status = 'A';
  change.path = path.starts_with("./") ? path.substr(2) : path;
  if (S_ISLNK(info.st_mode)) {
    change.new_mode = 0120000;
    char target[4096];
    ssize_t size = ::readlink(path.c_str(), target, sizeof target);
    if (size > 0) change.link_target.assign(target, static_cast<size_t>(size));
    return change;
  }
  if (!S_ISREG(info.st_mode)) return Status::invalid_argument(path + " is not a file");
  change.new_mode = (info.st_mode & S_IXUSR) ? 0100755 : 0100644;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::io("reading " + path);
  std::string content = text.str();
  change.binary = content.substr(0, 8192).find('\0') != std::string::npos;
  if (change.binary) return change;
  std::istringstream lines(content);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    change.added.push_back({++number, line});
    ++change.insertions;
  }
  return change;
}

int run_scan(const ScanOptions& options) {
  std::vector<policy::ProposedChange> changes;
  for (const std::string& file : options.files) {
    auto change = as_added(file);
    if (!change.is_ok()) return report_error(change.status());
    changes.push_back(std::move(*change));
  }
  policy::DiffRules extra;
  extra.sensitive_paths = options.sensitive;
  // The size limits are a tier's, about a change, not about files: not applied.
  extra.max_files = extra.max_lines = std::numeric_limits<int>::max();
  policy::DiffVerdict verdict = policy::check_diff(changes, policy::with_defaults(extra));
  int status = verdict.decision == policy::Decision::kPass ? 0 : static_cast<int>(ExitStatus::kAgentFailed);
  if (options.json_output) {
    std::cout << exact_json(nlohmann::json(verdict)) << "\n";
    return status;
  }
  for (const policy::Finding& finding : verdict.findings) {
    std::string where = finding.line > 0 ? finding.path + ":" + std::to_string(finding.line) : finding.path;
    std::printf("%s: %s %s — %s\n", policy::decision_name(finding.decision), finding.rule.c_str(),
                visible_inline(where).c_str(), visible_inline(finding.message).c_str());
  }
  std::printf("%s\n", policy::decision_name(verdict.decision));
  return status;
}

}  // namespace

CommandAction add_policy_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto replay_action = std::make_shared<std::function<int()>>();
  add_policy_replay(app, globals, *replay_action);
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

  auto scan_options = std::make_shared<ScanOptions>();
  CLI::App* scan = app.add_subcommand(
      "scan",
      "Run the diff checks and the secret scanner over files, as if an agent added them (exit 1 on a finding "
      "that refuses or asks for approval)");
  scan->add_option("files", scan_options->files, "The files")->required();
  scan->add_option("--sensitive", scan_options->sensitive,
                   "A sensitive path pattern besides the defaults, or !PATTERN for what is not (repeatable)");
  scan->add_flag("--json", scan_options->json_output);

  return [options, scan_options, check, scan, replay_action] {
    if (check->parsed()) return run_check(*options);
    return scan->parsed() ? run_scan(*scan_options) : (*replay_action)();
  };
}

}  // namespace corral::cli
