#include "runner/agent_profiles.h"

#include <nlohmann/json.hpp>

#include "containers/sandbox_spec.h"
#include "runner/gateways/run_gateways.h"

namespace corral::runner {
namespace {

// The three CLIs take the same hook contract (Claude Code's): a command run
// before every tool call ("*"), its JSON on stdin, exit 2 to block with the
// reason on stderr. Theirs is `event`.
nlohmann::json corral_hook(const char* event) {
  nlohmann::json hook = {{"type", "command"}, {"command", std::string(containers::kSupervisorPath) + " hook"}};
  return {{event, {{{"matcher", "*"}, {"hooks", {hook}}}}}};
}

// Claude Code's settings: every tool call asks corral first (exit 2 blocks it
// and tells the model why); its own bubblewrap sandbox stays off.
std::string claude_settings() {
  nlohmann::json settings = {
      {"hooks", corral_hook("PreToolUse")},
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
  nlohmann::json settings = {
      {"security", {{"auth", {{"selectedType", "gemini-api-key"}}}, {"folderTrust", {{"enabled", false}}}}},
      {"hooks", corral_hook("BeforeTool")},
      {"privacy", {{"usageStatisticsEnabled", false}}},
      {"telemetry", {{"enabled", false}}},
  };
  return settings.dump(2);
}

// Codex's hooks file (Claude Code's format), put in $CODEX_HOME by the
// profile's prelude; --dangerously-bypass-hook-trust lets it run without the
// interactive review, corral having written it.
std::string codex_hooks() { return nlohmann::json{{"hooks", corral_hook("PreToolUse")}}.dump(2); }

std::vector<AgentProfile> profiles() {
  AgentProfile claude;
  claude.name = "claude-code";
  claude.program = "claude";
  claude.arguments =
      std::string("-p --output-format stream-json --verbose --dangerously-skip-permissions --settings ") +
      containers::kRunDirPath + "/claude-settings.json";
  claude.provider = "anthropic";
  claude.base_url_env = {"ANTHROPIC_BASE_URL"};
  claude.key_env = {"ANTHROPIC_API_KEY"};
  claude.env = {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1", "DISABLE_AUTOUPDATER=1", "DISABLE_TELEMETRY=1",
                "DISABLE_ERROR_REPORTING=1"};
  claude.run_files = {{"claude-settings.json", claude_settings()}};
  claude.model_argument = "--model '{model}'";
  claude.output = StreamDialect::kClaude;

  AgentProfile codex;
  codex.name = "codex";
  codex.program = "codex";
  // Its own sandbox (Landlock, seccomp) off; the model through the gateway
  // with the Responses API, the run's token read from OPENAI_API_KEY.
  codex.arguments = std::string(
                        "exec --json --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox "
                        "--dangerously-bypass-hook-trust -c model_provider=corral -c "
                        "'model_providers.corral={name=\"corral\",base_url=\"http://127.0.0.1:") +
                    std::to_string(kLlmPort) + "/v1\",env_key=\"OPENAI_API_KEY\",wire_api=\"responses\"}'";
  codex.prelude = std::string("mkdir -p \"$CODEX_HOME\" && cp ") + containers::kRunDirPath +
                  "/codex-hooks.json \"$CODEX_HOME/hooks.json\"";
  codex.provider = "openai";
  codex.base_url_env = {"OPENAI_BASE_URL"};
  codex.base_url_suffix = "/v1";
  codex.key_env = {"OPENAI_API_KEY"};
  codex.env = {std::string("CODEX_HOME=") + containers::kSandboxHome + "/.codex"};
  codex.run_files = {{"codex-hooks.json", codex_hooks()}};
  codex.model_argument = "-c 'model=\"{model}\"'";
  codex.output = StreamDialect::kCodex;

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
  gemini.model_argument = "--model '{model}'";
  gemini.output = StreamDialect::kGemini;

  AgentProfile aider;
  aider.name = "aider";
  aider.program = "aider";
  aider.arguments = "--yes-always --no-auto-commits --no-check-update --no-analytics --message";
  aider.provider = "openai";
  aider.base_url_env = {"OPENAI_API_BASE", "OPENAI_BASE_URL"};
  aider.base_url_suffix = "/v1";
  aider.key_env = {"OPENAI_API_KEY"};
  aider.model_argument = "--model '{model}'";
  return {claude, codex, gemini, aider};
}

}  // namespace

std::optional<AgentProfile> find_profile(const std::string& name) {
  for (AgentProfile& profile : profiles()) {
    if (profile.name == name) return profile;
  }
  return std::nullopt;
}

std::string profile_command(const AgentProfile& profile, const std::string& host_program, const std::string& model) {
  std::string program = host_program.empty() ? profile.program : host_program;
  if (!model.empty() && !profile.model_argument.empty()) {
    std::string argument = profile.model_argument;
    argument.replace(argument.find("{model}"), 7, model);
    program += " " + argument;
  }
  std::string command = program + (profile.arguments.empty() ? "" : " " + profile.arguments);
  return profile.prelude.empty() ? command : profile.prelude + " && " + command;
}

}  // namespace corral::runner
