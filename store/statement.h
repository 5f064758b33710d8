// A prepared SQLite statement (internal to store/): owns the sqlite3_stmt,
// binds by position starting at 1, converts SQLite errors to Status once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace corral::store {

Status sqlite_error(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  // Check ok() after construction; error() says why preparing failed.
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  const Status& error() const { return error_; }

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind_null(int index);
  Statement& bind_optional(int index, const std::optional<std::string>& text);

  // Advances: true with a row, false when done; errors go to *status.
  bool step(Status* status);
  // Runs a statement that returns no rows.
  Status run();
  // Makes the statement ready to run again with new bindings.
  void reset();

  std::string text(int column) const;
  int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status error_;
};

}  // namespace corral::store
