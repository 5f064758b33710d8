#include "policy/command_rules.h"

#include <algorithm>
#include <cstring>

namespace corral::policy {
namespace {

enum class Severity { kFlag, kBlock };

struct Hit {
  Severity severity;
  std::string rule;
  std::string reason;
};

bool is_separator(char c) { return c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')' || c == '`'; }

std::string basename_of(const std::string& word) {
  size_t slash = word.rfind('/');
  return slash == std::string::npos ? word : word.substr(slash + 1);
}

bool is_assignment(const std::string& word) {
  size_t equals = word.find('=');
  if (equals == std::string::npos || equals == 0) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<long>(equals),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Drops what only wraps the real command: VAR=x, env, command, exec, nohup,
// time, and (after reporting it) sudo.
std::vector<std::string> unwrap(std::vector<std::string> words, std::vector<Hit>& hits) {
  size_t i = 0;
  while (i < words.size()) {
    std::string name = basename_of(words[i]);
    if (is_assignment(words[i]) || name == "env" || name == "command" || name == "exec" || name == "nohup" ||
        name == "time" || name == "nice") {
      ++i;
      continue;
    }
    if (name == "sudo" || name == "doas" || name == "su") {
      hits.push_back({Severity::kBlock, "privilege", "'" + name + "' asks for privileges the sandbox never grants"});
      ++i;
      while (i < words.size() && words[i].rfind('-', 0) == 0) ++i;
      continue;
    }
    break;
  }
  return {words.begin() + static_cast<long>(i), words.end()};
}

// git's global options come before the subcommand: -C DIR, -c KEY=VALUE, --git-dir=...
size_t git_subcommand_index(const std::vector<std::string>& words) {
  size_t i = 1;
  while (i < words.size() && words[i].rfind('-', 0) == 0) {
    bool takes_value = words[i] == "-C" || words[i] == "-c" || words[i] == "--git-dir" || words[i] == "--work-tree" ||
                       words[i] == "--namespace";
    i += takes_value ? 2 : 1;
  }
  return i;
}

bool has(const std::vector<std::string>& args, std::initializer_list<const char*> options) {
  for (const std::string& arg : args) {
    for (const char* option : options) {
      size_t length = std::strlen(option);
      bool long_option = length > 2 && option[1] == '-';
      if (arg == option || (long_option && arg.rfind(std::string(option) + "=", 0) == 0)) return true;
    }
  }
  return false;
}

// Short options bundled: -fu has f.
bool has_short(const std::vector<std::string>& args, char letter) {
  for (const std::string& arg : args) {
    if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-' && arg.find(letter) != std::string::npos) return true;
  }
  return false;
}

void check_git_push(const std::vector<std::string>& args, std::vector<Hit>& hits) {
  bool force = has(args, {"--force", "--force-with-lease", "--force-if-includes", "--mirror"}) || has_short(args, 'f');
  bool refspec_forced = false, deletes = has(args, {"--delete", "--prune"}) || has_short(args, 'd');
  for (const std::string& arg : args) {
    if (arg.size() > 1 && arg[0] == '+') refspec_forced = true;
    if (arg.size() > 1 && arg[0] == ':') deletes = true;
  }
  if (force || refspec_forced) {
    hits.push_back({Severity::kBlock, "force_push", "a forced push rewrites a branch others build on"});
  } else if (deletes) {
    hits.push_back({Severity::kBlock, "delete_remote_ref", "deleting a remote branch or tag"});
  } else {
    hits.push_back({Severity::kFlag, "local_rewrite", "agents do not push: corral's commit step publishes work"});
  }
}

void check_git(const std::vector<std::string>& words, std::vector<Hit>& hits) {
  size_t at = git_subcommand_index(words);
  if (at >= words.size()) return;
  const std::string& sub = words[at];
  std::vector<std::string> args(words.begin() + static_cast<long>(at) + 1, words.end());
  if (sub == "push") return check_git_push(args, hits);
  if (sub == "filter-branch" || sub == "filter-repo" || sub == "replace") {
    return hits.push_back({Severity::kBlock, "history_rewrite", "git " + sub + " rewrites history"});
  }
  if ((sub == "update-ref" && (has(args, {"-d"}) || has(args, {"--stdin"}))) ||
      (sub == "reflog" && !args.empty() && (args[0] == "expire" || args[0] == "delete")) ||
      (sub == "gc" && has(args, {"--prune"}))) {
    return hits.push_back({Severity::kBlock, "history_rewrite", "git " + sub + " can destroy history"});
  }
  bool local_rewrite = sub == "rebase" || (sub == "reset" && has(args, {"--hard"})) ||
                       (sub == "commit" && has(args, {"--amend"})) ||
                       (sub == "branch" && (has(args, {"-D"}) || has(args, {"--delete", "--force"})));
  if (local_rewrite) hits.push_back({Severity::kFlag, "local_rewrite", "git " + sub + " rewrites local history"});
}

void check_rm(const std::vector<std::string>& words, std::vector<Hit>& hits) {
  std::vector<std::string> args(words.begin() + 1, words.end());
  bool recursive = has(args, {"--recursive"}) || has_short(args, 'r') || has_short(args, 'R');
  if (!recursive) return;
  for (const std::string& arg : args) {
    if (arg == "/" || arg == "/*" || arg == "~" || arg == "~/" || arg == "$HOME" || arg == ".." || arg == "../" ||
        arg == "/workspace" || arg == "/workspace/" || arg == "--no-preserve-root") {
      return hits.push_back({Severity::kBlock, "destroy_root", "rm -r of '" + arg + "'"});
    }
  }
}

bool is_downloader(const std::vector<std::string>& words) {
  if (words.empty()) return false;
  std::string name = basename_of(words[0]);
  return name == "curl" || name == "wget";
}

bool is_shell(const std::vector<std::string>& words) {
  if (words.empty()) return false;
  std::string name = basename_of(words[0]);
  return name == "sh" || name == "bash" || name == "zsh" || name == "dash" || name == "python" || name == "python3";
}

struct Word {
  std::string text;
  bool started = false;
};

}  // namespace

std::vector<std::vector<std::string>> split_commands(std::string_view command) {
  std::vector<std::vector<std::string>> commands(1);
  Word word;
  auto end_word = [&] {
    if (word.started) commands.back().push_back(std::move(word.text));
    word = Word{};
  };
  auto end_command = [&] {
    end_word();
    if (!commands.back().empty()) commands.emplace_back();
  };
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == '\\' && i + 1 < command.size()) {
      word.text += command[++i];
      word.started = true;
    } else if (c == '\'') {
      size_t close = command.find('\'', i + 1);
      if (close == std::string_view::npos) close = command.size();
      word.text.append(command.substr(i + 1, close - i - 1));
      word.started = true;
      i = close;
    } else if (c == '"') {
      for (++i; i < command.size() && command[i] != '"'; ++i) {
        if (command[i] == '\\' && i + 1 < command.size()) ++i;
        word.text += command[i];
      }
      word.started = true;
    } else if (c == '$' && i + 1 < command.size() && command[i + 1] == '(') {
      end_command();
      ++i;
    } else if (is_separator(c)) {
      end_command();
      bool pipe = c == '|';
      if (pipe && i + 1 < command.size() && command[i + 1] == '|') {
        ++i;  // "||" separates; it does not pipe
        pipe = false;
      }
      if (pipe) commands.back().push_back("|");
    } else if (c == ' ' || c == '\t') {
      end_word();
    } else {
      word.text += c;
      word.started = true;
    }
  }
  end_command();
  if (commands.back().empty()) commands.pop_back();
  return commands;
}

ToolDecision check_command(std::string_view command, Enforcement enforcement) {
  std::vector<Hit> hits;
  bool previous_downloads = false;
  for (auto& raw : split_commands(command)) {
    bool piped_into = !raw.empty() && raw[0] == "|";
    if (piped_into) raw.erase(raw.begin());
    auto words = unwrap(raw, hits);
    if (words.empty()) continue;
    if (piped_into && previous_downloads && is_shell(words)) {
      hits.push_back({Severity::kFlag, "pipe_to_shell", "a download piped into " + basename_of(words[0])});
    }
    previous_downloads = is_downloader(words);
    std::string name = basename_of(words[0]);
    if (name == "git") check_git(words, hits);
    if (name == "rm") check_rm(words, hits);
  }
  if (hits.empty()) return {Verdict::kAllow, "", "", std::string(command)};
  auto worst =
      std::max_element(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.severity < b.severity; });
  Enforcement applied = worst->severity == Severity::kBlock ? enforcement : Enforcement::kFlag;
  return fired(applied, worst->rule, worst->reason, std::string(command));
}

}  // namespace corral::policy
