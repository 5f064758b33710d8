#include "store/event_log.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace corral::store {
namespace {

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_ / "corral.db");
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    db_ = std::move(*opened);
    log_ = std::make_unique<EventLog>(*db_, clock_);
  }

  void append_events(int count, const std::string& task = "t-1") {
    for (int i = 0; i < count; ++i) {
      Event event{"task.started", task, "r-1", "repo-1", "agent", "c-1", "{}"};
      set_payload(event, nlohmann::json{{"i", i}});
      ASSERT_TRUE(log_->record(event).is_ok());
    }
  }

  // Tampering needs raw SQL, as an attacker with the file would use.
  void tamper(const std::string& sql) {
    ASSERT_TRUE(db_->exec("DROP TRIGGER IF EXISTS events_are_append_only_update").is_ok());
    ASSERT_TRUE(db_->exec("DROP TRIGGER IF EXISTS events_are_append_only_delete").is_ok());
    Status status = db_->exec(sql);
    ASSERT_TRUE(status.is_ok()) << status.to_string();
  }

  ChainReport verify() {
    auto report = log_->verify();
    EXPECT_TRUE(report.is_ok());
    return *report;
  }

  testing::TempDir dir_;
  corral::testing::FakeClock clock_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<EventLog> log_;
};

TEST_F(EventLogTest, MigrationsApplyOnceAndReopenCleanly) {
  EXPECT_EQ(db_->schema_version(), 12);
  append_events(2);
  db_.reset();
  auto reopened = Database::open(dir_ / "corral.db");
  ASSERT_TRUE(reopened.is_ok());
  EXPECT_EQ((*reopened)->schema_version(), 12);
  EventLog log(**reopened, clock_);
  EXPECT_EQ(log.for_task("t-1")->size(), 2u);
}

TEST_F(EventLogTest, UsesWriteAheadLogging) {
  append_events(1);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "corral.db-wal"));
}

TEST_F(EventLogTest, ChainsEachEventToTheOneBefore) {
  append_events(3);
  auto events = log_->for_task("t-1");
  ASSERT_TRUE(events.is_ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].prev_hash, std::string(64, '0'));
  EXPECT_EQ((*events)[1].prev_hash, (*events)[0].hash);
  EXPECT_EQ((*events)[2].prev_hash, (*events)[1].hash);
  for (const auto& stored : *events) EXPECT_EQ(chain_hash(stored), stored.hash);
  ChainReport report = verify();
  EXPECT_TRUE(report.intact);
  EXPECT_EQ(report.events_checked, 3);
  EXPECT_EQ(report.head_hash, (*events)[2].hash);
}

TEST_F(EventLogTest, KeepsEventsOfEachTaskApartAndInOrder) {
  append_events(2, "t-a");
  append_events(1, "t-b");
  append_events(1, "t-a");
  auto a = log_->for_task("t-a");
  ASSERT_EQ(a->size(), 3u);
  EXPECT_LT((*a)[1].seq, (*a)[2].seq);
  EXPECT_EQ(log_->for_task("t-b")->size(), 1u);
}

TEST_F(EventLogTest, RefusesUpdatesAndDeletesThroughSql) {
  append_events(1);
  EXPECT_FALSE(db_->exec("UPDATE events SET type = 'x'").is_ok());
  EXPECT_FALSE(db_->exec("DELETE FROM events").is_ok());
  EXPECT_TRUE(verify().intact);
}

TEST_F(EventLogTest, VerifyNamesAnAlteredPayload) {
  append_events(5);
  tamper("UPDATE events SET payload = '{\"i\":99}' WHERE seq = 3");
  ChainReport report = verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_NE(report.problem.find("altered"), std::string::npos);
}

TEST_F(EventLogTest, VerifyNamesARecomputedHashAsABrokenLink) {
  append_events(5);
  // The attacker alters row 2 and fixes its own hash: row 3 no longer links to it.
  tamper("UPDATE events SET type = 'task.finished' WHERE seq = 2");
  auto events = log_->for_task("t-1");
  StoredEvent altered = (*events)[1];
  std::string fixed = chain_hash(altered);
  tamper("UPDATE events SET hash = '" + fixed + "' WHERE seq = 2");
  ChainReport report = verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_broken_seq, 3);
}

TEST_F(EventLogTest, VerifyNamesADeletedRow) {
  append_events(5);
  tamper("DELETE FROM events WHERE seq = 4");
  ChainReport report = verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_broken_seq, 5);
  EXPECT_NE(report.problem.find("sequence"), std::string::npos);
}

TEST_F(EventLogTest, VerifyNamesAnInsertedRow) {
  append_events(3);
  tamper("UPDATE events SET seq = seq + 10 WHERE seq >= 2");
  tamper(
      "INSERT INTO events(seq, id, time, type, payload, prev_hash, hash) "
      "SELECT 2, 'e-forged', time, 'task.finished', '{}', hash, hash FROM events WHERE seq = 1");
  ChainReport report = verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_broken_seq, 2);
}

TEST_F(EventLogTest, RejectsAPayloadThatIsNotAnObject) {
  Event event{"task.started", "t-1", "", "", "", "", "[1,2]"};
  auto stored = log_->append(event);
  ASSERT_FALSE(stored.is_ok());
  EXPECT_EQ(stored.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(verify().events_checked, 0);
}

TEST_F(EventLogTest, InvalidUtf8InOutputIsStoredReplacedNotLost) {
  Event event{"agent.output", "t-1", "", "", "", "", "{}"};
  set_payload(event, nlohmann::json{{"text", std::string("bad \xff\xfe bytes")}});
  ASSERT_TRUE(log_->record(event).is_ok());
  auto events = log_->for_task("t-1");
  EXPECT_NE((*events)[0].event.payload.find("bytes"), std::string::npos);
  EXPECT_TRUE(verify().intact);
}

TEST(Database, ReportsAnUnopenableFileClearly) {
  testing::TempDir dir;
  testing::write_file(dir / "not-a-db", std::string(4096, 'x'));
  auto db = Database::open(dir / "not-a-db");
  ASSERT_FALSE(db.is_ok());
  EXPECT_NE(db.status().message().find("not-a-db"), std::string::npos);
}

}  // namespace
}  // namespace corral::store
