// The courier: delivers what the outbox owes, on its own thread, every due
// delivery at once (libcurl's multi interface), so a slow or dead
// destination holds only its own deliveries, never another's nor the
// daemon. Each attempt ends as delivered (a 2xx answer), or failed and tried
// again after an exponential backoff with jitter, until the limit: then the
// delivery has failed for good and its destination is marked unhealthy
// (healthy again at its next success). alert.delivered and
// alert.delivery_failed record both ends.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "alerts/webhook_request.h"
#include "store/store.h"

namespace corral::alerts {

struct RetryPolicy {
  int max_attempts = 8;
  std::chrono::milliseconds first_delay{5000};
  std::chrono::milliseconds max_delay{std::chrono::minutes(30)};
  std::chrono::milliseconds timeout{10000};  // one attempt, from connecting to the answer's end
};

// How long after `failed_attempts` failures the next attempt waits:
// first_delay doubled each time up to max_delay, times a jitter factor in
// [0.5, 1] (`jitter` in [0, 1]), so that retries of one outage spread out.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int failed_attempts, double jitter);

// Sends one request and waits for its answer: ok for a 2xx; otherwise
// unavailable-like errors naming the status or the failure (never the URL,
// which may hold a secret).
Status send_webhook(const WebhookRequest& request, std::chrono::milliseconds timeout);

class Courier {
 public:
  Courier(store::Store& store, RetryPolicy policy);
  ~Courier();
  Courier(const Courier&) = delete;
  Courier& operator=(const Courier&) = delete;

  // Starts the due deliveries not in flight, waits at most `wait` (less if
  // woken) for any to end, and records those that ended.
  Status step(std::chrono::milliseconds wait);
  // Steps until `stop`.
  void run(const std::atomic<bool>& stop);
  // A delivery was queued (or stop was asked): the waiting step returns. Thread-safe.
  void wake();
  int in_flight() const { return static_cast<int>(in_flight_.size()); }

 private:
  struct Attempt;
  Status start_due();
  Status record(Attempt& attempt, Status outcome);

  store::Store& store_;
  RetryPolicy policy_;
  void* multi_;                                                // CURLM*, kept out of this header
  std::map<std::string, std::unique_ptr<Attempt>> in_flight_;  // by delivery id; the courier's thread only
};

}  // namespace corral::alerts
