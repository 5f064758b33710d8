// API tokens: stored as SHA-256 hashes only (the token itself is shown once,
// at creation), each with a role and a repository scope.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

struct TokenRecord {
  std::string id;
  std::string name;
  std::string role;        // admin, owner, reviewer, submitter
  std::string repo_scope;  // a repository id, or "*" for all
  std::string created_at;
  std::optional<std::string> revoked_at;
};

class Tokens {
 public:
  Tokens(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Status insert(const TokenRecord& token, const std::string& hash);
  // The live (not revoked) token with this hash.
  Result<std::optional<TokenRecord>> find_live(const std::string& hash);
  Result<std::vector<TokenRecord>> list();
  // not_found if no live token has this id.
  Status revoke(const std::string& id);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace corral::store
