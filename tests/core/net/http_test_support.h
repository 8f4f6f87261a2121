#pragma once

// Helpers shared by the HTTP engine tests: waiting for a callback without ever letting it touch a dead
// stack frame, and building requests.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mpf/sdk/http_client.h"

namespace mpf::test {

struct Outcome {
  Status status;
  FailureReason reason = FailureReason::kInternal;
  int status_code = 0;
  std::string content_type;
  std::string body;
  int calls = 0;
  std::chrono::steady_clock::time_point completed_at;
};

// One request in flight. The callback writes into shared state, so a test that gives up waiting never
// leaves the engine a dangling reference.
class Pending {
 public:
  Pending() : state_(std::make_shared<State>()) {}

  HttpCallback callback() {
    return [state = state_](const Status& status, FailureReason reason, const HttpResponse& response) {
      std::lock_guard lock(state->mutex);
      Outcome& o = state->outcome;
      o.calls++;
      o.status = status;
      o.reason = reason;
      o.status_code = response.status_code;
      o.content_type = std::string(response.content_type);
      o.body = std::string(response.body);
      o.completed_at = std::chrono::steady_clock::now();
      state->done.notify_all();
    };
  }

  // Generous by default: the machine may be loaded; a hang still ends the test.
  bool wait(std::chrono::steady_clock::duration timeout = std::chrono::seconds(60)) const {
    std::unique_lock lock(state_->mutex);
    return state_->done.wait_for(lock, timeout, [&] { return state_->outcome.calls > 0; });
  }
  bool done() const {
    std::lock_guard lock(state_->mutex);
    return state_->outcome.calls > 0;
  }
  Outcome outcome() const {
    std::lock_guard lock(state_->mutex);
    return state_->outcome;
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable done;
    Outcome outcome;
  };
  std::shared_ptr<State> state_;
};

inline HttpRequest make_request(std::uint16_t port, std::string host = "127.0.0.1",
                                std::chrono::steady_clock::duration timeout = std::chrono::seconds(30),
                                std::string target = "/metrics/resource") {
  HttpRequest request;
  request.host = std::move(host);
  request.port = port;
  request.target = std::move(target);
  request.deadline = std::chrono::steady_clock::now() + timeout;
  return request;
}

inline Pending start_get(HttpClient& client, HttpRequest request) {
  Pending pending;
  client.get(std::move(request), pending.callback());
  return pending;
}

// Sends and waits; a request that never completes shows as calls == 0.
inline Outcome fetch(HttpClient& client, HttpRequest request) {
  Pending pending = start_get(client, std::move(request));
  pending.wait();
  return pending.outcome();
}

}  // namespace mpf::test
