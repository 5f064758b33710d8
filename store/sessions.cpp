#include "store/sessions.h"

#include <chrono>

#include "store/statement.h"

namespace corral::store {

Status Sessions::insert(const std::string& hash, const SessionRecord& session) {
  Statement insert(db_.handle(),
                   "INSERT INTO sessions(hash, token_hash, csrf, created_at, expires_at) VALUES (?,?,?,?,?)");
  insert.bind(1, hash).bind(2, session.token_hash).bind(3, session.csrf).bind(4, format_rfc3339(clock_.now()));
  insert.bind(5, session.expires_at);
  return insert.run().with_context("saving a session");
}

Result<std::optional<SessionRecord>> Sessions::find_live(const std::string& hash) {
  // RFC 3339 times in UTC with the same precision compare as text.
  Statement find(db_.handle(),
                 "SELECT token_hash, csrf, expires_at FROM sessions "
                 "WHERE hash = ? AND ended_at IS NULL AND expires_at > ?");
  find.bind(1, hash).bind(2, format_rfc3339(clock_.now()));
  Status status;
  if (find.step(&status)) return std::optional<SessionRecord>(SessionRecord{find.text(0), find.text(1), find.text(2)});
  if (!status.is_ok()) return status;
  return std::optional<SessionRecord>();
}

Status Sessions::end(const std::string& hash) {
  Statement update(db_.handle(), "UPDATE sessions SET ended_at = ? WHERE hash = ? AND ended_at IS NULL");
  update.bind(1, format_rfc3339(clock_.now())).bind(2, hash);
  return update.run();
}

Status Sessions::prune() {
  Statement prune(db_.handle(), "DELETE FROM sessions WHERE COALESCE(ended_at, expires_at) < ?");
  prune.bind(1, format_rfc3339(clock_.now() - std::chrono::hours(24)));
  return prune.run();
}

}  // namespace corral::store
