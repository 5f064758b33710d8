#include "runner/agent_profiles.h"

#include <nlohmann/json.hpp>

#include "containers/sandbox_spec.h"

namespace corral::runner {
namespace {

// Claude Code's settings: every tool call asks corral first (exit 2 blocks it
// and tells the model why); its own bubblewrap sandbox stays off.
std::string claude_settings() {
  nlohmann::json hook = {{"type", "command"}, {"command", std::string(containers::kSupervisorPath) + " hook"}};
  nlohmann::json settings = {
      {"hooks", {{"PreToolUse", {{{"matcher", "*"}, {"hooks", {hook}}}}}}},
      {"sandbox", {{"enabled", false}}},
      {"env", {{"DISABLE_AUTOUPDATER", "1"}}},
  };
  return settings.dump(2);
}

// Gemini CLI's system settings (it reads them from a root-owned folder, as
// the run directory is): API-key auth against the gateway, the same hook
// before every tool (BeforeTool takes Claude Code's hook contract), the
// folder trusted (else --yolo is dropped), no telemetry or usage statistics.
std::string gemini_settings() {
  nlohmann::json hook = {{"type", "command"}, {"command", std::string(containers::kSupervisorPath) + " hook"}};
  nlohmann::json settings = {
      {"security", {{"auth", {{"selectedType", "gemini-api-key"}}}, {"folderTrust", {{"enabled", false}}}}},
      {"hooks", {{"BeforeTool", {{{"matcher", "*"}, {"hooks", {hook}}}}}}},
      {"privacy", {{"usageStatisticsEnabled", false}}},
      {"telemetry", {{"enabled", false}}},
  };
  return settings.dump(2);
}

std::vector<AgentProfile> profiles() {
  AgentProfile claude;
  claude.name = "claude-code";
  claude.program = "claude";
  claude.arguments = std::string("-p --output-format stream-json --verbose --dangerously-skip-permissions --settings ") +
                     containers::kRunDirPath + "/claude-settings.json";
  claude.provider = "anthropic";
  claude.base_url_env = {"ANTHROPIC_BASE_URL"};
  claude.key_env = {"ANTHROPIC_API_KEY"};
  claude.env = {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1", "DISABLE_AUTOUPDATER=1", "DISABLE_TELEMETRY=1",
                "DISABLE_ERROR_REPORTING=1"};
  claude.run_files = {{"claude-settings.json", claude_settings()}};
  claude.tool_hook = true;
  claude.output_format = "claude-stream-json";

  AgentProfile codex;
  codex.name = "codex";
  codex.program = "codex";
  codex.arguments = "exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox";
  codex.provider = "openai";
  codex.base_url_env = {"OPENAI_BASE_URL"};
  codex.base_url_suffix = "/v1";
  codex.key_env = {"OPENAI_API_KEY"};

  AgentProfile gemini;
  gemini.name = "gemini-cli";
  gemini.program = "gemini";
  gemini.arguments = "--yolo --output-format stream-json --prompt";
  gemini.provider = "gemini";
  gemini.base_url_env = {"GOOGLE_GEMINI_BASE_URL"};  // read by @google/genai, which the CLI uses
  gemini.key_env = {"GEMINI_API_KEY"};
  gemini.env = {"GEMINI_SANDBOX=false", "GEMINI_CLI_NO_RELAUNCH=true",
                std::string("GEMINI_CLI_SYSTEM_SETTINGS_PATH=") + containers::kRunDirPath + "/gemini-settings.json"};
  gemini.run_files = {{"gemini-settings.json", gemini_settings()}};
  gemini.tool_hook = true;
  gemini.output_format = "gemini-stream-json";

  AgentProfile aider;
  aider.name = "aider";
  aider.program = "aider";
  aider.arguments = "--yes-always --no-auto-commits --no-check-update --no-analytics --message";
  aider.provider = "openai";
  aider.base_url_env = {"OPENAI_API_BASE", "OPENAI_BASE_URL"};
  aider.base_url_suffix = "/v1";
  aider.key_env = {"OPENAI_API_KEY"};
  return {claude, codex, gemini, aider};
}

}  // namespace

std::optional<AgentProfile> find_profile(const std::string& name) {
  for (AgentProfile& profile : profiles()) {
    if (profile.name == name) return profile;
  }
  return std::nullopt;
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const AgentProfile& profile : profiles()) names.push_back(profile.name);
  return names;
}

std::string profile_command(const AgentProfile& profile, const std::string& host_program) {
  std::string program = host_program.empty() ? profile.program : host_program;
  return program + (profile.arguments.empty() ? "" : " " + profile.arguments);
}

}  // namespace corral::runner
