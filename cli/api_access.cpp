#include "cli/api_access.h"
#include "cli/terminal_text.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/exit_status.h"
#include "daemon/serve.h"

namespace corral::cli {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

}  // namespace

ApiClient client(const GlobalOptions& globals) {
  return ApiClient(env_or("CORRAL_API", "unix:" + daemon::api_socket_path(globals.data_dir)),
                   env_or("CORRAL_TOKEN", ""), env_or("CORRAL_API_CA", ""));
}

int print(const Result<nlohmann::json>& result, bool as_json, const std::function<void(const nlohmann::json&)>& human) {
  if (!result.is_ok()) return report_error(result.status());
  if (as_json) {
    std::cout << exact_json(*result) << "\n";
  } else {
    human(*result);
  }
  return 0;
}

Result<std::string> repo_id_of(const GlobalOptions& globals, const std::string& repo) {
  if (repo.find('/') == std::string::npos) return repo;  // an id, or "" for none
  std::error_code ec;
  std::string path = std::filesystem::canonical(repo, ec).string();
  if (ec) return Status::invalid_argument("repository " + repo + " does not exist");
  auto repos = client(globals).call("GET", "/v1/repos");
  if (!repos.is_ok()) return repos.status();
  for (const auto& known : (*repos)["repos"]) {
    if (known["path"] == path) return known["id"].get<std::string>();
  }
  return Status::not_found(path + " is not registered (corral repo add " + path + ")");
}

}  // namespace corral::cli
