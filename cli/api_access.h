// How the daemon's CLI commands reach the API and print its answers.
// Clients reach the daemon at $CORRAL_API (unix:PATH or http://HOST:PORT;
// default: the data directory's socket) with $CORRAL_TOKEN.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "core/status.h"

namespace corral::cli {

ApiClient client(const GlobalOptions& globals);

// Prints JSON for scripts, or calls `human` for people; the exit status.
int print(const Result<nlohmann::json>& result, bool as_json, const std::function<void(const nlohmann::json&)>& human);

// A repository argument as the API names it: an id stays, a path (it has a
// '/') becomes the id of the registered repository at that path, and ""
// (no repository filter) stays "".
Result<std::string> repo_id_of(const GlobalOptions& globals, const std::string& repo);

}  // namespace corral::cli
