// A prepared SQLite statement (internal to store/): owns the sqlite3_stmt,
// binds by position starting at 1, converts SQLite errors to Status once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Every row of `query`, each turned into a T by `read_row(const Statement&)`.
template <typename T, typename ReadRow>
Result<std::vector<T>> query_all(Statement& query, ReadRow read_row) {
  if (!query.ok()) return query.error();
  std::vector<T> rows;
  Status status;
  while (query.step(&status)) rows.push_back(read_row(query));
  if (!status.is_ok()) return status;
  return rows;
}

// The first row of `query`, if any.
template <typename T, typename ReadRow>
Result<std::optional<T>> query_one(Statement& query, ReadRow read_row) {
  auto rows = query_all<T>(query, read_row);
  if (!rows.is_ok()) return rows.status();
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

}  // namespace corral::store
