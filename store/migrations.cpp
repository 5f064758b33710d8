// Schema migrations: an ordered list, each applied once in its own transaction.
// Never edit a migration that has shipped; append a new one.
#include <array>
#include <string_view>

#include "store/database.h"
#include "store/statement.h"

namespace corral::store {
namespace {

constexpr std::array<std::string_view, 12> kMigrations = {
    // 1: repos, tasks, runs and the append-only, hash-chained event log.
    R"sql(
CREATE TABLE repos (
  id          TEXT PRIMARY KEY,
  source_path TEXT NOT NULL UNIQUE,
  mirror_path TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE TABLE tasks (
  id         TEXT PRIMARY KEY,
  repo_id    TEXT NOT NULL REFERENCES repos(id),
  prompt     TEXT NOT NULL,
  agent      TEXT NOT NULL,
  base_rev   TEXT NOT NULL,
  state      TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE runs (
  id          TEXT PRIMARY KEY,
  task_id     TEXT NOT NULL REFERENCES tasks(id),
  state       TEXT NOT NULL,
  base_commit TEXT NOT NULL DEFAULT '',
  head_commit TEXT NOT NULL DEFAULT '',
  exit_code   INTEGER,
  reason      TEXT NOT NULL DEFAULT '',
  started_at  TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX runs_by_task ON runs(task_id);
CREATE TABLE events (
  seq            INTEGER PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  time           TEXT NOT NULL,
  type           TEXT NOT NULL,
  task_id        TEXT NOT NULL DEFAULT '',
  run_id         TEXT NOT NULL DEFAULT '',
  repo_id        TEXT NOT NULL DEFAULT '',
  agent          TEXT NOT NULL DEFAULT '',
  correlation_id TEXT NOT NULL DEFAULT '',
  payload        TEXT NOT NULL,
  prev_hash      TEXT NOT NULL,
  hash           TEXT NOT NULL
);
CREATE INDEX events_by_task ON events(task_id, seq);
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
)sql",
    // 2: the daemon's queue (priority, idempotency, parents, attempts) and API tokens.
    R"sql(
ALTER TABLE tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN idempotency_key TEXT;
ALTER TABLE tasks ADD COLUMN submitter TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN timeout_seconds INTEGER NOT NULL DEFAULT 600;
ALTER TABLE tasks ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX tasks_by_idempotency_key ON tasks(idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX tasks_by_state ON tasks(state);
CREATE INDEX tasks_by_seq ON tasks(seq);
CREATE TABLE task_parents (
  task_id   TEXT NOT NULL REFERENCES tasks(id),
  parent_id TEXT NOT NULL REFERENCES tasks(id),
  position  INTEGER NOT NULL,
  PRIMARY KEY (task_id, parent_id)
);
CREATE TABLE tokens (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  hash       TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL,
  repo_scope TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
)sql",
    // 3: the commit step: repository settings, target branches, reviews and
    // approvals bound to a diff hash, merges (an intent log), rollbacks.
    R"sql(
ALTER TABLE repos ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE tasks ADD COLUMN target_branch TEXT NOT NULL DEFAULT '';
CREATE TABLE reviews (
  task_id            TEXT PRIMARY KEY REFERENCES tasks(id),
  run_id             TEXT NOT NULL,
  diff_hash          TEXT NOT NULL,
  base_commit        TEXT NOT NULL,
  head_commit        TEXT NOT NULL,
  decision           TEXT NOT NULL,
  approvals_required INTEGER NOT NULL,
  findings           TEXT NOT NULL,
  created_at         TEXT NOT NULL
);
CREATE TABLE approvals (
  id         INTEGER PRIMARY KEY,
  task_id    TEXT NOT NULL REFERENCES tasks(id),
  diff_hash  TEXT NOT NULL,
  reviewer   TEXT NOT NULL,
  verdict    TEXT NOT NULL,
  reason     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (task_id, diff_hash, reviewer)
);
CREATE TABLE merges (
  task_id    TEXT PRIMARY KEY REFERENCES tasks(id),
  repo_id    TEXT NOT NULL,
  branch     TEXT NOT NULL,
  state      TEXT NOT NULL,
  old_tip    TEXT NOT NULL DEFAULT '',
  new_tip    TEXT NOT NULL DEFAULT '',
  attempts   INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
)sql",
    // 4: routing's inputs: what became of each task, and each repository's tier.
    R"sql(
CREATE TABLE outcomes (
  id      INTEGER PRIMARY KEY,
  repo_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  agent   TEXT NOT NULL,
  kind    TEXT NOT NULL,
  at_ms   INTEGER NOT NULL
);
CREATE INDEX outcomes_by_repo ON outcomes(repo_id, id);
CREATE TABLE repo_tiers (
  repo_id               TEXT PRIMARY KEY,
  tier                  TEXT NOT NULL,
  outcomes_since_change INTEGER NOT NULL,
  rule                  TEXT NOT NULL,
  reason                TEXT NOT NULL,
  changed_at            TEXT NOT NULL
);
)sql",
    // 5: a task's own token and call budget (0: none), under the repository's.
    R"sql(
ALTER TABLE tasks ADD COLUMN budget_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN budget_calls INTEGER NOT NULL DEFAULT 0;
)sql",
    // 6: the queue's order as an index, so a scheduling pass reads its first
    // candidates without sorting the whole queue.
    R"sql(
CREATE INDEX tasks_by_queue_order ON tasks(state, priority DESC, seq);
)sql",
    // 7: web UI sessions (a cookie made by signing in with a token).
    R"sql(
CREATE TABLE sessions (
  hash       TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  csrf       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at   TEXT
);
)sql",
    // 8: a task's children found without reading every link (a stack's view).
    R"sql(
CREATE INDEX task_parents_by_parent ON task_parents(parent_id);
)sql",
    // 9: every version of a repository's settings (settings_history.h).
    R"sql(
CREATE TABLE settings_versions (
  repo_id    TEXT NOT NULL REFERENCES repos(id),
  version    INTEGER NOT NULL,
  settings   TEXT NOT NULL,
  change     TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  reason     TEXT NOT NULL,
  restored   INTEGER NOT NULL DEFAULT 0,
  at         TEXT NOT NULL,
  PRIMARY KEY (repo_id, version)
);
)sql",
    // 10: kill switches (kill_switches.h).
    R"sql(
CREATE TABLE kill_switches (
  scope  TEXT PRIMARY KEY,
  is_on  INTEGER NOT NULL,
  hold_merges INTEGER NOT NULL DEFAULT 0,
  by     TEXT NOT NULL,
  reason TEXT NOT NULL,
  at     TEXT NOT NULL
);
)sql",
    // 11: alerts, the rules' place in the event log, webhook destinations
    // and the outbox of deliveries (alerts.h, alert_outbox.h).
    R"sql(
CREATE TABLE alerts (
  id           TEXT PRIMARY KEY,
  seq          INTEGER NOT NULL,
  rule         TEXT NOT NULL,
  severity     TEXT NOT NULL,
  repo_id      TEXT NOT NULL DEFAULT '',
  task_id      TEXT NOT NULL DEFAULT '',
  agent        TEXT NOT NULL DEFAULT '',
  subject      TEXT NOT NULL,
  summary      TEXT NOT NULL,
  facts        TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'open',
  raised_at    TEXT NOT NULL,
  raised_ms    INTEGER NOT NULL,
  acked_by     TEXT NOT NULL DEFAULT '',
  acked_at     TEXT NOT NULL DEFAULT '',
  ack_note     TEXT NOT NULL DEFAULT '',
  resolved_by  TEXT NOT NULL DEFAULT '',
  resolved_at  TEXT NOT NULL DEFAULT '',
  resolve_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alerts_by_subject ON alerts(rule, subject, seq);
CREATE INDEX alerts_by_seq ON alerts(seq);
CREATE TABLE alert_tools_seen (
  repo_id   TEXT NOT NULL,
  tool      TEXT NOT NULL,
  first_run TEXT NOT NULL,
  PRIMARY KEY (repo_id, tool)
);
CREATE TABLE alert_cursor (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE alert_destinations (
  name         TEXT PRIMARY KEY,
  repo_id      TEXT NOT NULL DEFAULT '',
  format       TEXT NOT NULL,
  url          TEXT NOT NULL,
  secret       TEXT NOT NULL DEFAULT '',
  chat_id      TEXT NOT NULL DEFAULT '',
  rules        TEXT NOT NULL DEFAULT '[]',
  min_severity TEXT NOT NULL DEFAULT 'info',
  healthy      INTEGER NOT NULL DEFAULT 1,
  last_error   TEXT NOT NULL DEFAULT '',
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL
);
CREATE TABLE alert_deliveries (
  id              TEXT PRIMARY KEY,
  alert_id        TEXT NOT NULL REFERENCES alerts(id),
  destination     TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      TEXT NOT NULL,
  finished_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_due ON alert_deliveries(state, next_attempt_ms);
)sql",
    // 12: the merge queue: the diff a reviewer approved, kept when a rebase
    // changed the change and sent it back to them (what the interdiff compares).
    R"sql(
ALTER TABLE reviews ADD COLUMN approved_base TEXT NOT NULL DEFAULT '';
ALTER TABLE reviews ADD COLUMN approved_head TEXT NOT NULL DEFAULT '';
)sql",
};

}  // namespace

Status migrate(Database& db) {
  CORRAL_RETURN_IF_ERROR(db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"));
  return db.in_transaction([&]() -> Status {
    Statement current(db.handle(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!current.ok()) return current.error();
    Status status;
    current.step(&status);
    CORRAL_RETURN_IF_ERROR(status);
    int version = static_cast<int>(current.integer(0));
    if (version > static_cast<int>(kMigrations.size())) {
      return Status::failed_precondition("database schema version " + std::to_string(version) +
                                         " is newer than this corral understands");
    }
    for (size_t i = version; i < kMigrations.size(); ++i) {
      CORRAL_RETURN_IF_ERROR(db.exec(kMigrations[i]).with_context("migration " + std::to_string(i + 1)));
      Statement record(db.handle(), "INSERT INTO schema_migrations(version) VALUES (?)");
      CORRAL_RETURN_IF_ERROR(record.bind(1, static_cast<int64_t>(i + 1)).run());
    }
    db.schema_version_ = static_cast<int>(kMigrations.size());
    return Status::ok();
  });
}

}  // namespace corral::store
