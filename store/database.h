// The SQLite database under the data directory: one file, WAL mode, schema
// migrations applied at open.
//
// A Database is used by one thread at a time. Several processes may open the
// same file: writers take SQLite's lock (BEGIN IMMEDIATE) and wait up to the
// busy timeout for it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;

namespace corral::store {

class Database {
 public:
  // Opens (creating if missing) the database at `path` and migrates it to the
  // latest schema. Fails with a Status naming the file and SQLite's reason.
  static Result<std::unique_ptr<Database>> open(const std::string& path);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs statements without results (DDL, pragmas).
  Status exec(std::string_view sql);

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it fails.
  // Nested calls join the outer transaction.
  Status in_transaction(const std::function<Status()>& body);

  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int changes() const;

  // The schema version now in effect.
  int schema_version() const { return schema_version_; }

  sqlite3* handle() { return db_; }  // for store/*.cpp only

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  int schema_version_ = 0;
  int transaction_depth_ = 0;
  friend Status migrate(Database& db);
};

}  // namespace corral::store
