// A webhook receiver on 127.0.0.1 for the alert delivery tests: keeps each
// request (method, path, headers, body), answers with the status it is told
// to, after the delay it is told to. One connection at a time, each closed
// after its answer. Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace corral::testing {

struct ReceivedRequest {
  std::string method, path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url(const std::string& path = "/hook") const;
  void answer_with(int status) { status_ = status; }
  void delay_answers_by(int milliseconds) { delay_ms_ = milliseconds; }
  std::vector<ReceivedRequest> received() const;
  // Waits up to `seconds` for at least `count` requests.
  bool wait_for(size_t count, int seconds) const;

 private:
  void serve(int client);

  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> status_{200};
  std::atomic<int> delay_ms_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> received_;
  std::thread thread_;
};

}  // namespace corral::testing
