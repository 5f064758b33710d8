#include "policy/diff_checks.h"

#include <nlohmann/json.hpp>

#include "policy/path_glob.h"
#include "policy/secret_scan.h"
#include "policy/sensitive_files.h"

namespace corral::policy {
namespace {

constexpr int kLinkMode = 0120000;
constexpr int kGitlinkMode = 0160000;

void add(DiffVerdict& verdict, Finding finding) {
  if (finding.decision > verdict.decision) verdict.decision = finding.decision;
  verdict.findings.push_back(std::move(finding));
}

void append(std::vector<std::string>& to, const std::vector<std::string>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

// Paths a change touches: both sides of a rename count (moving a workflow
// out of .github/ is as much a change to CI as editing it).
std::vector<std::string> touched_paths(const ProposedChange& change) {
  std::vector<std::string> paths = {change.path};
  if (!change.old_path.empty()) paths.push_back(change.old_path);
  return paths;
}

void check_size(const std::vector<ProposedChange>& changes, const DiffRules& rules, DiffVerdict& verdict) {
  int lines = 0;
  for (const auto& change : changes) lines += change.insertions + change.deletions;
  int files = static_cast<int>(changes.size());
  if (files > rules.max_files) {
    add(verdict, {"size", "", 0, Decision::kNeedsApproval,
                  std::to_string(files) + " files changed; the limit is " + std::to_string(rules.max_files)});
  }
  if (lines > rules.max_lines) {
    add(verdict, {"size", "", 0, Decision::kNeedsApproval,
                  std::to_string(lines) + " lines changed; the limit is " + std::to_string(rules.max_lines)});
  }
}

void check_paths(const ProposedChange& change, const DiffRules& rules, DiffVerdict& verdict) {
  for (const std::string& path : touched_paths(change)) {
    if (const std::string* rule = first_match(rules.forbidden_paths, path)) {
      add(verdict, {"forbidden_path", path, 0, Decision::kRefuse, "matches forbidden path '" + *rule + "'"});
    }
    if (const std::string* rule = first_match(rules.agent_instruction_paths, path)) {
      add(verdict, {"agent_instructions", path, 0, Decision::kNeedsApproval,
                    "an agent's instructions or settings ('" + *rule + "'): a human must approve"});
    }
    if (const std::string* rule = sensitive_match(rules.sensitive_paths, path)) {
      bool deletion = change.status == 'D' || (change.status == 'R' && path == change.old_path);
      add(verdict, {"sensitive_file", path, 0, deletion ? Decision::kNeedsApproval : Decision::kRefuse,
                    (deletion ? "removes a sensitive file ('" : "a sensitive file ('") + *rule + "')"});
    }
    if (const std::string* rule = first_match(rules.dependency_paths, path)) {
      add(verdict,
          {"dependency_manifest", path, 0, Decision::kNeedsApproval, "changes dependencies ('" + *rule + "')"});
    }
  }
}

// Lexically resolves a link target against the link's folder; false if it
// climbs above the repository root or is absolute.
bool stays_inside(const std::string& link_path, const std::string& target) {
  if (target.empty() || target[0] == '/') return false;
  int depth = 0;
  for (char c : link_path) depth += c == '/';
  size_t start = 0;
  while (start <= target.size()) {
    size_t end = target.find('/', start);
    std::string_view part(target.data() + start, (end == std::string::npos ? target.size() : end) - start);
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

void check_kind(const ProposedChange& change, DiffVerdict& verdict) {
  if (change.binary) add(verdict, {"binary_file", change.path, 0, Decision::kNeedsApproval, "a binary file"});
  if (change.old_mode == kGitlinkMode || change.new_mode == kGitlinkMode || glob_matches(".gitmodules", change.path)) {
    add(verdict, {"submodule", change.path, 0, Decision::kNeedsApproval, "a submodule points outside the repository"});
  }
  if (change.new_mode == kLinkMode && !stays_inside(change.path, change.link_target)) {
    add(verdict, {"symlink_escape", change.path, 0, Decision::kRefuse,
                  "a symlink to '" + change.link_target + "', outside the repository"});
  }
}

void check_secrets(const ProposedChange& change, const DiffRules& rules, DiffVerdict& verdict) {
  if (first_match(rules.secret_allowlist, change.path)) return;
  // Each run of consecutive added lines is scanned as one text, so a key's
  // marker is read with the lines that follow it in the file.
  size_t run_start = 0;
  while (run_start < change.added.size()) {
    std::vector<std::string_view> run = {change.added[run_start].text};
    while (run_start + run.size() < change.added.size() &&
           change.added[run_start + run.size()].line == change.added[run_start].line + static_cast<int>(run.size())) {
      run.push_back(change.added[run_start + run.size()].text);
    }
    for (const SecretHit& hit : find_secrets(run)) {
      add(verdict, {"secret", change.path, change.added[run_start + hit.line].line, Decision::kRefuse,
                    "looks like a credential (" + hit.rule + ", column " + std::to_string(hit.column) + ")"});
    }
    run_start += run.size();
  }
}

}  // namespace

DiffRules default_diff_rules() {
  DiffRules rules;
  rules.forbidden_paths = {".github/workflows/", ".gitlab-ci.yml",      ".circleci/", "Jenkinsfile",
                           ".buildkite/",        "azure-pipelines.yml", "CODEOWNERS", ".corral/"};
  rules.agent_instruction_paths = {"AGENTS.md",
                                   "CLAUDE.md",
                                   "CLAUDE.local.md",
                                   "GEMINI.md",
                                   "**/.claude/",
                                   "**/.codex/",
                                   "**/.cursor/",
                                   ".cursorrules",
                                   ".windsurfrules",
                                   "**/.gemini/",
                                   ".aider.conf.yml",
                                   ".aiderignore",
                                   ".github/copilot-instructions.md",
                                   ".github/instructions/",
                                   "**/.continue/",
                                   "**/.roo/",
                                   ".clinerules"};
  rules.sensitive_paths = default_sensitive_patterns();
  rules.dependency_paths = {"package.json",      "package-lock.json", "yarn.lock",        "pnpm-lock.yaml",
                            "Cargo.toml",        "Cargo.lock",        "go.mod",           "go.sum",
                            "requirements*.txt", "Pipfile",           "Pipfile.lock",     "poetry.lock",
                            "pyproject.toml",    "uv.lock",           "Gemfile",          "Gemfile.lock",
                            "pom.xml",           "build.gradle",      "build.gradle.kts", "composer.json",
                            "composer.lock",     "vcpkg.json",        "conanfile.txt",    "conanfile.py",
                            "mix.exs",           "mix.lock"};
  rules.secret_allowlist = {"**/testdata/", "**/fixtures/", "**/__fixtures__/"};
  return rules;
}

DiffRules with_defaults(const DiffRules& extra) {
  DiffRules rules = default_diff_rules();
  rules.max_files = extra.max_files;
  rules.max_lines = extra.max_lines;
  append(rules.forbidden_paths, extra.forbidden_paths);
  append(rules.agent_instruction_paths, extra.agent_instruction_paths);
  append(rules.sensitive_paths, extra.sensitive_paths);
  append(rules.dependency_paths, extra.dependency_paths);
  append(rules.secret_allowlist, extra.secret_allowlist);
  return rules;
}

DiffVerdict check_diff(const std::vector<ProposedChange>& changes, const DiffRules& rules) {
  DiffVerdict verdict;
  check_size(changes, rules, verdict);
  for (const ProposedChange& change : changes) {
    check_paths(change, rules, verdict);
    check_kind(change, verdict);
    check_secrets(change, rules, verdict);
  }
  return verdict;
}

const char* decision_name(Decision decision) {
  switch (decision) {
    case Decision::kPass:
      return "pass";
    case Decision::kNeedsApproval:
      return "needs_approval";
    case Decision::kRefuse:
      return "refuse";
  }
  return "refuse";
}

void to_json(nlohmann::json& out, const DiffVerdict& verdict) {
  auto findings = nlohmann::json::array();
  for (const Finding& finding : verdict.findings) {
    findings.push_back({{"rule", finding.rule},
                        {"path", finding.path},
                        {"line", finding.line},
                        {"decision", decision_name(finding.decision)},
                        {"message", finding.message}});
  }
  out = {{"decision", decision_name(verdict.decision)}, {"findings", std::move(findings)}};
}

}  // namespace corral::policy
