#include "alerts/courier.h"

#include <curl/curl.h>

#include <algorithm>
#include <random>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace corral::alerts {
namespace {

// Deliveries in flight at once, and read per step: bounded work per step.
constexpr int kMaxInFlight = 32;
constexpr std::chrono::milliseconds kIdleWait{60000};

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

// An easy handle set up for `request`; the headers list lives as long as it.
CURL* make_easy(const WebhookRequest& request, curl_slist*& headers, std::chrono::milliseconds timeout) {
  CURL* easy = curl_easy_init();
  for (const std::string& header : request.headers) headers = curl_slist_append(headers, header.c_str());
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would carry the body elsewhere
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "corral-alerts/1");
  return easy;
}

// What an ended transfer says: ok for a 2xx; the failure, without the URL.
Status outcome_of(CURL* easy, CURLcode code) {
  if (code != CURLE_OK) return Status::io(std::string("the request failed: ") + curl_easy_strerror(code));
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return Status::ok();
  return Status::io("the destination answered HTTP " + std::to_string(status));
}

double random_jitter() {
  static thread_local std::mt19937 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int failed_attempts, double jitter) {
  double delay = static_cast<double>(policy.first_delay.count());
  for (int i = 1; i < failed_attempts && delay < static_cast<double>(policy.max_delay.count()); ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(policy.max_delay.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(delay * (0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0))));
}

Status send_webhook(const WebhookRequest& request, std::chrono::milliseconds timeout) {
  curl_slist* headers = nullptr;
  CURL* easy = make_easy(request, headers, timeout);
  Status outcome = outcome_of(easy, curl_easy_perform(easy));
  curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
  return outcome;
}

struct Courier::Attempt {
  store::Delivery delivery;
  store::AlertRecord alert;
  WebhookRequest request;
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;
  ~Attempt() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }
};

Courier::Courier(store::Store& store, RetryPolicy policy) : store_(store), policy_(policy), multi_(curl_multi_init()) {}

Courier::~Courier() {
  for (auto& [id, attempt] : in_flight_) curl_multi_remove_handle(static_cast<CURLM*>(multi_), attempt->easy);
  in_flight_.clear();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

void Courier::wake() { curl_multi_wakeup(static_cast<CURLM*>(multi_)); }

Status Courier::start_due() {
  if (static_cast<int>(in_flight_.size()) >= kMaxInFlight) return Status::ok();
  struct Due {
    store::Delivery delivery;
    std::optional<store::AlertDestination> destination;
    std::optional<store::AlertRecord> alert;
  };
  std::vector<Due> due;
  CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& tx) -> Status {
    CORRAL_ASSIGN_OR_RETURN(auto deliveries, tx.outbox.due(epoch_ms(store_.clock().now()), 2 * kMaxInFlight));
    for (store::Delivery& delivery : deliveries) {
      if (in_flight_.count(delivery.id)) continue;
      if (static_cast<int>(in_flight_.size() + due.size()) >= kMaxInFlight) break;
      CORRAL_ASSIGN_OR_RETURN(auto destination, tx.outbox.destination(delivery.destination));
      CORRAL_ASSIGN_OR_RETURN(auto alert, tx.alerts.find(delivery.alert_id));
      due.push_back({std::move(delivery), std::move(destination), std::move(alert)});
    }
    return Status::ok();
  }));
  for (Due& next : due) {
    auto attempt = std::make_unique<Attempt>();
    attempt->delivery = next.delivery;
    if (next.alert) attempt->alert = *next.alert;
    if (!next.destination || !next.alert) {
      attempt->delivery.attempts = policy_.max_attempts - 1;  // nothing to try again: this is the last
      CORRAL_RETURN_IF_ERROR(
          record(*attempt, Status::not_found(!next.destination ? "the destination was removed" : "the alert is gone")));
      continue;
    }
    auto request = webhook_request(*next.destination, *next.alert, next.delivery.id, store_.clock().now());
    if (!request.is_ok()) {
      CORRAL_RETURN_IF_ERROR(record(*attempt, request.status()));
      continue;
    }
    attempt->request = std::move(*request);
    attempt->easy = make_easy(attempt->request, attempt->headers, policy_.timeout);
    curl_easy_setopt(attempt->easy, CURLOPT_PRIVATE, attempt.get());
    curl_multi_add_handle(static_cast<CURLM*>(multi_), attempt->easy);
    in_flight_.emplace(next.delivery.id, std::move(attempt));
  }
  return Status::ok();
}

Status Courier::step(std::chrono::milliseconds wait) {
  CORRAL_RETURN_IF_ERROR(start_due());
  auto* multi = static_cast<CURLM*>(multi_);
  int running = 0;
  curl_multi_perform(multi, &running);
  if (in_flight_.empty() || running == static_cast<int>(in_flight_.size())) {
    // Wait no longer than until the next delivery falls due.
    auto next = store_.with([&](store::Transaction& tx) { return tx.outbox.next_due_ms(); });
    if (next.is_ok() && *next) {
      int64_t until = **next - epoch_ms(store_.clock().now());
      wait = std::min(wait, std::chrono::milliseconds(std::max<int64_t>(until, 0)));
    }
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(wait.count()), nullptr);
    curl_multi_perform(multi, &running);
  }
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    Attempt* ended = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&ended));
    Status outcome = outcome_of(message->easy_handle, message->data.result);
    curl_multi_remove_handle(multi, message->easy_handle);
    auto owned = std::move(in_flight_.at(ended->delivery.id));
    in_flight_.erase(ended->delivery.id);
    CORRAL_RETURN_IF_ERROR(record(*owned, outcome));
  }
  return Status::ok();
}

Status Courier::record(Attempt& attempt, Status outcome) {
  const store::Delivery& delivery = attempt.delivery;
  int attempts = delivery.attempts + 1;
  bool last = !outcome.is_ok() && attempts >= policy_.max_attempts;
  return store_.with([&](store::Transaction& tx) {
    return tx.atomically([&]() -> Status {
      Event event;
      event.repo_id = attempt.alert.repo_id;
      event.task_id = attempt.alert.task_id;
      event.correlation_id = attempt.alert.task_id;
      nlohmann::json payload = {{"alert", delivery.alert_id},
                                {"destination", delivery.destination},
                                {"delivery", delivery.id},
                                {"attempts", attempts}};
      if (outcome.is_ok()) {
        CORRAL_RETURN_IF_ERROR(tx.outbox.delivered(delivery.id, attempts));
        CORRAL_RETURN_IF_ERROR(tx.outbox.set_health(delivery.destination, true, ""));
        event.type = "alert.delivered";
      } else if (last) {
        CORRAL_RETURN_IF_ERROR(tx.outbox.failed(delivery.id, attempts, outcome.message()));
        CORRAL_RETURN_IF_ERROR(tx.outbox.set_health(delivery.destination, false, outcome.message()));
        event.type = "alert.delivery_failed";
        payload["error"] = outcome.message();
      } else {
        int64_t retry = epoch_ms(store_.clock().now()) + retry_delay(policy_, attempts, random_jitter()).count();
        return tx.outbox.retry_at(delivery.id, attempts, retry, outcome.message());
      }
      set_payload(event, payload);
      return tx.events.record(event);
    });
  });
}

void Courier::run(const std::atomic<bool>& stop) {
  while (!stop) {
    Status status = step(kIdleWait);
    if (!status.is_ok()) {
      spdlog::error("alert deliveries: {}", status.to_string());
      store_.clock().sleep(std::chrono::milliseconds(1000));
    }
  }
}

}  // namespace corral::alerts
