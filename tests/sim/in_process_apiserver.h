#pragma once

// A FakeApiServer in the test's own process, serving on a thread of its own until destruction. Tests
// derive from it to add their own ways of calling it.

#include <memory>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "tests/sim/fake_apiserver.h"

namespace mpf::sim {

class InProcessApiServer {
 public:
  explicit InProcessApiServer(ApiServerOptions options) {
    options.handle_signals = false;
    auto created = FakeApiServer::create(options);
    if (!created) {
      ADD_FAILURE() << created.status().message();
      return;
    }
    server_ = std::move(*created);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~InProcessApiServer() {
    if (!server_) return;
    server_->stop();
    thread_.join();
  }
  InProcessApiServer(const InProcessApiServer&) = delete;
  InProcessApiServer& operator=(const InProcessApiServer&) = delete;

  FakeApiServer& operator*() { return *server_; }
  FakeApiServer* operator->() { return server_.get(); }
  explicit operator bool() const { return server_ != nullptr; }

 protected:
  const FakeApiServer& server() const { return *server_; }

 private:
  std::unique_ptr<FakeApiServer> server_;
  std::thread thread_;
};

}  // namespace mpf::sim
