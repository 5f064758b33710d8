#include "store/tokens.h"

#include "store/statement.h"

namespace corral::store {
namespace {

constexpr const char* kColumns = "SELECT id, name, role, repo_scope, created_at, revoked_at FROM tokens ";

TokenRecord read_token(const Statement& row) {
  TokenRecord token{row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), std::nullopt};
  if (!row.is_null(5)) token.revoked_at = row.text(5);
  return token;
}

}  // namespace

Status Tokens::insert(const TokenRecord& token, const std::string& hash) {
  Statement insert(db_.handle(),
                   "INSERT INTO tokens(id, name, hash, role, repo_scope, created_at) VALUES (?,?,?,?,?,?)");
  insert.bind(1, token.id).bind(2, token.name).bind(3, hash).bind(4, token.role).bind(5, token.repo_scope);
  insert.bind(6, format_rfc3339(clock_.now()));
  return insert.run().with_context("saving token " + token.name);
}

Result<std::optional<TokenRecord>> Tokens::find_live(const std::string& hash) {
  Statement find(db_.handle(), std::string(kColumns) + "WHERE hash = ? AND revoked_at IS NULL");
  find.bind(1, hash);
  Status status;
  if (find.step(&status)) return std::optional<TokenRecord>(read_token(find));
  if (!status.is_ok()) return status;
  return std::optional<TokenRecord>();
}

Result<std::vector<TokenRecord>> Tokens::list() {
  Statement select(db_.handle(), std::string(kColumns) + "ORDER BY created_at, id");
  std::vector<TokenRecord> tokens;
  Status status;
  while (select.step(&status)) tokens.push_back(read_token(select));
  if (!status.is_ok()) return status;
  return tokens;
}

Status Tokens::revoke(const std::string& id) {
  Statement update(db_.handle(), "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  update.bind(1, format_rfc3339(clock_.now())).bind(2, id);
  CORRAL_RETURN_IF_ERROR(update.run());
  if (db_.changes() != 1) return Status::not_found("no live token " + id);
  return Status::ok();
}

}  // namespace corral::store
