#include "store/database.h"

#include <sqlite3.h>

#include "store/statement.h"

namespace corral::store {

Status migrate(Database& db);  // migrations.cpp

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) return sqlite_error(raw, rc, "opening database " + path);
  sqlite3_busy_timeout(raw, 10'000);
  CORRAL_RETURN_IF_ERROR(db->exec("PRAGMA journal_mode=WAL").with_context("database " + path));
  CORRAL_RETURN_IF_ERROR(db->exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"));
  CORRAL_RETURN_IF_ERROR(migrate(*db).with_context("migrating database " + path));
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

Status Database::exec(std::string_view sql) {
  std::string copy(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::ok();
  Status status = sqlite_error(db_, rc, "executing SQL");
  sqlite3_free(error);
  return status;
}

int Database::changes() const { return sqlite3_changes(db_); }

Status Database::in_transaction(const std::function<Status()>& body) {
  if (transaction_depth_ > 0) return body();
  CORRAL_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  ++transaction_depth_;
  Status status = body();
  --transaction_depth_;
  // A failed ROLLBACK leaves nothing to do: SQLite has rolled back already
  // when COMMIT or a statement failed that badly; the body's error is the one to report.
  if (!status.is_ok()) {
    static_cast<void>(exec("ROLLBACK"));
    return status;
  }
  Status committed = exec("COMMIT");
  if (!committed.is_ok()) static_cast<void>(exec("ROLLBACK"));
  return committed;
}

}  // namespace corral::store
