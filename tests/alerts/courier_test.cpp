// Delivery over real HTTP to local receivers: each format as its service
// reads it, the HMAC a receiver can check, retries with the same idempotency
// key, giving up and marking the destination unhealthy, a slow destination
// that holds no other, and delivery across a restart of the courier.
#include "alerts/courier.h"

#include <stdlib.h>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "tests/support/test_support.h"
#include "tests/support/webhook_receiver.h"

namespace corral::alerts {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

RetryPolicy quick(int attempts = 4) {
  RetryPolicy policy;
  policy.max_attempts = attempts;
  policy.first_delay = milliseconds(50);
  policy.max_delay = milliseconds(200);
  policy.timeout = milliseconds(5000);
  return policy;
}

class Delivery : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::Store::open(dir_ / "corral.db", clock_));
    ::setenv("ALERT_TEST_HOOK_URL", receiver_.url("/services/T0/B0/secret-path").c_str(), 1);
    ::setenv("ALERT_TEST_SIGNING_KEY", "signing-key-1", 1);
    ::setenv("ALERT_TEST_BOT_TOKEN", "12345:bot-secret", 1);
  }
  void TearDown() override {
    ::unsetenv("ALERT_TEST_HOOK_URL");
    ::unsetenv("ALERT_TEST_SIGNING_KEY");
    ::unsetenv("ALERT_TEST_BOT_TOKEN");
  }

  store::AlertDestination destination(const std::string& name, const std::string& format) {
    store::AlertDestination made;
    made.name = name;
    made.format = format;
    made.url = "env:ALERT_TEST_HOOK_URL";
    if (format == "json") made.secret = "env:ALERT_TEST_SIGNING_KEY";
    if (format == "telegram") {
      made.url = receiver_.url("");
      made.secret = "env:ALERT_TEST_BOT_TOKEN";
      made.chat_id = "-100200";
    }
    EXPECT_TRUE(check_destination(made).is_ok()) << check_destination(made).to_string();
    return made;
  }

  // An alert owed to each of `destinations`; its id.
  std::string owe(const std::vector<store::AlertDestination>& destinations) {
    store::AlertRecord alert;
    alert.id = "alr-" + std::to_string(++alerts_);
    alert.seq = alerts_;
    alert.rule = "repeated_failures";
    alert.severity = "warning";
    alert.repo_id = "repo-1";
    alert.subject = "repo:repo-1";
    alert.summary = "3 tasks of this repository failed within 60 minutes";
    alert.facts = R"({"facts":{"failures":3},"events":[4,5,6]})";
    Status status = store_->with([&](store::Transaction& tx) -> Status {
      CORRAL_RETURN_IF_ERROR(tx.alerts.insert(alert));
      for (const auto& made : destinations) {
        auto known = tx.outbox.destination(made.name);
        if (known.is_ok() && !*known) CORRAL_RETURN_IF_ERROR(tx.outbox.add_destination(made));
        CORRAL_RETURN_IF_ERROR(tx.outbox.enqueue(alert.id, made.name));
      }
      return Status::ok();
    });
    EXPECT_TRUE(status.is_ok()) << status.to_string();
    return alert.id;
  }

  std::vector<store::Delivery> deliveries(const std::string& alert) {
    auto found = store_->with([&](store::Transaction& tx) { return tx.outbox.of_alert(alert); });
    return *found;
  }

  // Steps `courier` until nothing is pending or `seconds` passed.
  void drain(Courier& courier, int seconds = 10) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      ASSERT_TRUE(courier.step(milliseconds(50)).is_ok());
      if (*store_->with([&](store::Transaction& tx) { return tx.outbox.depth(); }) == 0) return;
    }
  }

  std::vector<json> events(const std::string& type) {
    std::vector<json> found;
    auto stored = store_->with([&](store::Transaction& tx) { return tx.events.after(0, {"", "", type}, 100); });
    for (const auto& event : *stored) found.push_back(json::parse(event.event.payload));
    return found;
  }

  testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<store::Store> store_;
  testing::WebhookReceiver receiver_;
  int alerts_ = 0;
};

TEST_F(Delivery, SlackTeamsAndTelegramAsEachServiceReadsThem) {
  std::string alert =
      owe({destination("slack", "slack"), destination("teams", "teams"), destination("tg", "telegram")});
  Courier courier(*store_, quick());
  drain(courier);
  auto got = receiver_.received();
  ASSERT_EQ(got.size(), 3u);
  std::map<std::string, testing::ReceivedRequest> by_kind;
  for (const auto& request : got) {
    json body = json::parse(request.body);
    by_kind[body.contains("blocks") ? "slack" : body.contains("attachments") ? "teams" : "telegram"] = request;
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.headers.at("content-type"), "application/json");
    EXPECT_FALSE(request.headers.at("idempotency-key").empty());
  }
  json slack = json::parse(by_kind.at("slack").body);
  EXPECT_EQ(by_kind.at("slack").path, "/services/T0/B0/secret-path");
  EXPECT_EQ(slack["blocks"][0]["type"], "header");
  EXPECT_NE(slack["text"].get<std::string>().find("repeated_failures"), std::string::npos);
  json teams = json::parse(by_kind.at("teams").body);
  EXPECT_EQ(teams["type"], "message");
  EXPECT_EQ(teams["attachments"][0]["contentType"], "application/vnd.microsoft.card.adaptive");
  EXPECT_EQ(teams["attachments"][0]["content"]["type"], "AdaptiveCard");
  EXPECT_EQ(teams["attachments"][0]["content"]["body"][2]["type"], "FactSet");
  EXPECT_EQ(by_kind.at("telegram").path, "/bot12345:bot-secret/sendMessage");
  json telegram = json::parse(by_kind.at("telegram").body);
  EXPECT_EQ(telegram["chat_id"], "-100200");
  EXPECT_NE(telegram["text"].get<std::string>().find("3 tasks"), std::string::npos);
  for (const auto& delivery : deliveries(alert)) EXPECT_EQ(delivery.state, "delivered");
  EXPECT_EQ(events("alert.delivered").size(), 3u);
}

TEST_F(Delivery, TheGenericJsonIsSignedSoAReceiverCanCheckIt) {
  std::string alert = owe({destination("signed", "json")});
  Courier courier(*store_, quick());
  drain(courier);
  ASSERT_EQ(receiver_.received().size(), 1u);
  auto request = receiver_.received()[0];
  std::string timestamp = request.headers.at("x-corral-timestamp");
  EXPECT_EQ(request.headers.at("x-corral-signature"),
            "sha256=" + hmac_sha256_hex("signing-key-1", timestamp + "." + request.body));
  EXPECT_NE(request.headers.at("x-corral-signature"),
            "sha256=" + hmac_sha256_hex("another-key", timestamp + "." + request.body));
  int64_t sent = std::stoll(timestamp);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  EXPECT_LE(std::abs(now - sent), 5) << "a timestamp the receiver's replay window accepts";
  json body = json::parse(request.body);
  EXPECT_EQ(body["alert"]["id"], alert);
  EXPECT_EQ(body["alert"]["facts"]["failures"], 3);
  EXPECT_EQ(body["delivery"], request.headers.at("x-corral-delivery"));
}

TEST_F(Delivery, AFailingReceiverIsRetriedWithTheSameIdempotencyKeyUntilItAnswers) {
  receiver_.answer_with(503);
  std::string alert = owe({destination("flaky", "json")});
  Courier courier(*store_, quick(6));
  while (receiver_.received().size() < 2) ASSERT_TRUE(courier.step(milliseconds(50)).is_ok());
  EXPECT_EQ(deliveries(alert)[0].state, "pending");
  EXPECT_EQ(deliveries(alert)[0].last_error, "the destination answered HTTP 503");
  receiver_.answer_with(200);
  drain(courier);
  auto got = receiver_.received();
  ASSERT_GE(got.size(), 3u);
  for (const auto& request : got)
    EXPECT_EQ(request.headers.at("idempotency-key"), got[0].headers.at("idempotency-key"));
  EXPECT_EQ(deliveries(alert)[0].state, "delivered");
  ASSERT_EQ(events("alert.delivered").size(), 1u);
  EXPECT_EQ(events("alert.delivered")[0]["attempts"], static_cast<int>(got.size()));
}

TEST_F(Delivery, AfterTheLimitTheDeliveryFailsAndTheDestinationIsUnhealthyUntilItsNextSuccess) {
  receiver_.answer_with(500);
  std::string alert = owe({destination("down", "json")});
  Courier courier(*store_, quick(3));
  drain(courier);
  EXPECT_EQ(receiver_.received().size(), 3u) << "exactly the limit";
  EXPECT_EQ(deliveries(alert)[0].state, "failed");
  auto failed = events("alert.delivery_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["error"], "the destination answered HTTP 500");
  auto down = store_->with([&](store::Transaction& tx) { return tx.outbox.destination("down"); });
  EXPECT_FALSE((*down)->healthy);
  receiver_.answer_with(200);
  owe({destination("down", "json")});
  drain(courier);
  down = store_->with([&](store::Transaction& tx) { return tx.outbox.destination("down"); });
  EXPECT_TRUE((*down)->healthy);
}

TEST_F(Delivery, ASlowDestinationHoldsOnlyItsOwnDeliveries) {
  testing::WebhookReceiver slow;
  slow.delay_answers_by(4000);
  store::AlertDestination stalled = destination("slow", "json");
  stalled.url = slow.url();
  owe({stalled});
  Courier courier(*store_, quick());
  ASSERT_TRUE(courier.step(milliseconds(50)).is_ok());
  ASSERT_TRUE(slow.wait_for(1, 5));
  auto started = std::chrono::steady_clock::now();
  std::string fast = owe({destination("fast", "json")});
  while (deliveries(fast)[0].state != "delivered" &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(3))
    ASSERT_TRUE(courier.step(milliseconds(50)).is_ok());
  EXPECT_EQ(deliveries(fast)[0].state, "delivered") << "delivered while the slow one is still waiting";
  EXPECT_EQ(courier.in_flight(), 1);
}

TEST_F(Delivery, ADeliveryInFlightWhenTheCourierStopsIsMadeAfterItsRestart) {
  receiver_.delay_answers_by(2000);
  std::string alert = owe({destination("hook", "json")});
  {
    Courier courier(*store_, quick());
    ASSERT_TRUE(courier.step(milliseconds(50)).is_ok());
    ASSERT_TRUE(receiver_.wait_for(1, 5));
  }  // gone before the answer: nothing was recorded
  EXPECT_EQ(deliveries(alert)[0].state, "pending");
  receiver_.delay_answers_by(0);
  Courier restarted(*store_, quick());
  drain(restarted);
  EXPECT_EQ(deliveries(alert)[0].state, "delivered");
  auto got = receiver_.received();
  ASSERT_EQ(got.size(), 2u) << "at least once: the receiver sees it twice, with one key";
  EXPECT_EQ(got[0].headers.at("idempotency-key"), got[1].headers.at("idempotency-key"));
}

TEST_F(Delivery, AnUnresolvedReferenceIsAnErrorThatNamesTheReferenceNeverASecret) {
  store::AlertDestination missing = destination("missing", "telegram");
  missing.secret = "env:ALERT_TEST_NOT_SET";
  std::string alert = owe({missing});
  Courier courier(*store_, quick(1));
  drain(courier);
  EXPECT_EQ(deliveries(alert)[0].last_error, "env:ALERT_TEST_NOT_SET is not set in corral's environment");
  receiver_.answer_with(404);
  std::string refused = owe({destination("tg", "telegram")});
  drain(courier);
  EXPECT_EQ(deliveries(refused)[0].last_error, "the destination answered HTTP 404");
  auto stored = store_->with([&](store::Transaction& tx) { return tx.events.after(0, {}, 100); });
  ASSERT_FALSE(stored->empty());
  for (const auto& event : *stored)
    EXPECT_EQ(event.event.payload.find("bot-secret"), std::string::npos) << event.event.payload;
}

TEST(RetryDelay, DoublesUpToTheCapWithJitterBetweenHalfAndWhole) {
  RetryPolicy policy;
  policy.first_delay = milliseconds(1000);
  policy.max_delay = milliseconds(10000);
  EXPECT_EQ(retry_delay(policy, 1, 1.0), milliseconds(1000));
  EXPECT_EQ(retry_delay(policy, 3, 1.0), milliseconds(4000));
  EXPECT_EQ(retry_delay(policy, 3, 0.0), milliseconds(2000));
  EXPECT_EQ(retry_delay(policy, 30, 1.0), milliseconds(10000));
}

TEST(CheckDestination, RefusesWhatCouldLeakOrCouldNotBeSent) {
  struct Case {
    store::AlertDestination destination;
    std::string error;
  };
  auto make = [](std::string format, std::string url, std::string secret = "", std::string chat = "") {
    store::AlertDestination made;
    made.name = "d";
    made.format = std::move(format);
    made.url = std::move(url);
    made.secret = std::move(secret);
    made.chat_id = std::move(chat);
    return made;
  };
  std::vector<Case> cases = {
      {make("email", "env:U"), "format 'email' is not one of slack, teams, telegram, json"},
      {make("slack", "https://hooks.slack.com/services/T/B/x"), "the slack webhook's URL must be a reference"},
      {make("json", "ftp://x", "env:K"), "the URL must start with http:// or https://"},
      {make("json", "https://x.example/hook", "literal-key"), "the signing secret must be a reference"},
      {make("telegram", "", "env:T"), "telegram needs a chat id"},
      {make("teams", "env:U", "env:K"), "a teams destination takes no secret"},
      {make("json", "https://x.example/hook", "env:BAD-NAME"), "'env:' must name an environment variable"},
  };
  for (const Case& c : cases) {
    Status status = check_destination(c.destination);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << c.error;
    EXPECT_NE(status.message().find(c.error), std::string::npos) << status.message();
  }
  EXPECT_TRUE(check_destination(make("telegram", "", "env:T", "42")).is_ok());
  EXPECT_TRUE(check_destination(make("json", "https://x.example/hook", "file:/etc/corral/key")).is_ok());
}

}  // namespace
}  // namespace corral::alerts
