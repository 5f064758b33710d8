#include "tests/support/webhook_receiver.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "tests/support/loopback_http.h"

namespace corral::testing {

WebhookReceiver::WebhookReceiver() {
  listener_ = listen_on_loopback(&port_);
  thread_ = std::thread([this] {
    for (;;) {
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      serve(client);
      ::close(client);
    }
  });
}

WebhookReceiver::~WebhookReceiver() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  thread_.join();
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookReceiver::serve(int client) {
  std::string data;
  char buffer[8192];
  size_t head_end = std::string::npos;
  size_t length = 0;
  for (;;) {
    if (head_end != std::string::npos && data.size() >= head_end + 4 + length) break;
    ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
    if (got <= 0) return;
    data.append(buffer, static_cast<size_t>(got));
    if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
      std::string head = data.substr(0, head_end);
      std::string lower = head;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      size_t at = lower.find("content-length:");
      if (at != std::string::npos) length = std::stoul(head.substr(at + 15));
    }
  }
  ReceivedRequest request;
  std::istringstream head(data.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  std::istringstream first(line);
  first >> request.method >> request.path;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    request.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
  }
  request.body = data.substr(head_end + 4, length);
  {
    std::lock_guard lock(mutex_);
    received_.push_back(std::move(request));
  }
  for (int waited = 0; waited < delay_ms_ && !stopping_; waited += 10)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::string reply =
      "HTTP/1.1 " + std::to_string(status_.load()) + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
  (void)!::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
}

std::vector<ReceivedRequest> WebhookReceiver::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

bool WebhookReceiver::wait_for(size_t count, int seconds) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (received().size() >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return received().size() >= count;
}

}  // namespace corral::testing
