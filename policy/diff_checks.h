// The commit step's diff rules: what a proposed change touches decides
// whether it may merge as is, needs a human's approval, or is refused.
// Pure: the caller turns a git diff into ProposedChange values.
//
//   rule                   decides          why
//   size                   needs approval   more files or lines than the tier allows
//   forbidden_path         refuse           CI workflows, CODEOWNERS, corral's own settings
//   agent_instructions     needs approval   an agent editing its own instructions is a
//                                           self-modifying program: always a human
//   sensitive_file         refuse           keys, credential stores, env files
//                                           (deleting one: needs approval)
//   secret                 refuse           a credential in an added line
//   dependency_manifest    needs approval   manifests and lock files
//   binary_file            needs approval
//   submodule              needs approval   a gitlink or .gitmodules change
//   symlink_escape         refuse           a symlink that leads outside the repository
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace corral::policy {

struct AddedLine {
  int line = 0;  // 1-based, in the new file
  std::string text;
};

struct ProposedChange {
  char status = 'M';     // A added, M modified, D deleted, R renamed, T type changed
  std::string path;      // new path (old path for a deletion)
  std::string old_path;  // renames
  int old_mode = 0;      // git modes: 0100644, 0100755, 0120000 link, 0160000 gitlink
  int new_mode = 0;
  bool binary = false;
  std::string link_target;  // new mode 0120000: where the link points
  int insertions = 0;
  int deletions = 0;
  std::vector<AddedLine> added;
};

struct DiffRules {
  int max_files = 50;
  int max_lines = 2000;  // insertions + deletions
  std::vector<std::string> forbidden_paths;
  std::vector<std::string> agent_instruction_paths;
  std::vector<std::string> sensitive_paths;
  std::vector<std::string> dependency_paths;
  std::vector<std::string> secret_allowlist;  // paths whose added lines are not scanned (test fixtures)
};

// The built-in rule sets; settings add to them (see with_defaults).
DiffRules default_diff_rules();
// `extra`'s lists appended to the defaults', its limits kept.
DiffRules with_defaults(const DiffRules& extra);

enum class Decision { kPass, kNeedsApproval, kRefuse };

struct Finding {
  std::string rule;
  std::string path;
  int line = 0;  // 0 when the finding is about the whole file
  Decision decision = Decision::kNeedsApproval;
  std::string message;
};

struct DiffVerdict {
  Decision decision = Decision::kPass;  // the strictest finding's
  std::vector<Finding> findings;
};

DiffVerdict check_diff(const std::vector<ProposedChange>& changes, const DiffRules& rules);

const char* decision_name(Decision decision);

// {"decision": ..., "findings": [{rule, path, line, decision, message}]}
void to_json(nlohmann::json& out, const DiffVerdict& verdict);

}  // namespace corral::policy
