#pragma once

// A watch on the fake apiserver read on its own thread over plain HTTP, collecting the event lines
// (newline-delimited JSON) until the stream ends, for tests that wait on events.

#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace mpf::sim {

// A watch read on its own thread (plain HTTP): collects the event lines until the stream ends.
class WatchReader {
 public:
  WatchReader(uint16_t port, std::string path, std::string accept = "") {
    thread_ = std::thread([this, port, path = std::move(path), accept = std::move(accept)] { read(port, path, accept); });
  }
  // Closes the connection (the reading thread sees an error) and joins.
  ~WatchReader() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    }
    if (thread_.joinable()) thread_.join();
  }

  // Waits until `pred(lines)` holds or the stream ends or `timeout` passes.
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return pred(lines_) || done_; }) && pred(lines_);
  }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  bool wait_done(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done_; });
  }
  unsigned status() {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
  }

 private:
  void read(uint16_t port, const std::string& path, const std::string& accept) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    using tcp = asio::ip::tcp;
    asio::io_context io;
    tcp::socket socket(io);
    beast::error_code ec;
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fd_ = socket.native_handle();
    }
    http::request<http::empty_body> request(http::verb::get, path, 11);
    request.set(http::field::host, "127.0.0.1");
    if (!accept.empty()) request.set(http::field::accept, accept);
    if (!ec) http::write(socket, request, ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    std::string pending;
    auto on_chunk = [&](std::uint64_t, beast::string_view body, beast::error_code&) {
      pending.append(body.data(), body.size());
      std::lock_guard<std::mutex> lock(mutex_);
      for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
        lines_.push_back(pending.substr(0, nl));
        pending.erase(0, nl + 1);
      }
      changed_.notify_all();
      return body.size();
    };
    parser.on_chunk_body(on_chunk);
    if (!ec) http::read_header(socket, buffer, parser, ec);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!ec) status_ = parser.get().result_int();
    }
    while (!ec && !parser.is_done()) http::read_some(socket, buffer, parser, ec);
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    fd_ = -1;
    changed_.notify_all();
  }

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  unsigned status_ = 0;
  bool done_ = false;
  int fd_ = -1;  // The socket while the reader runs.
};

}  // namespace mpf::sim
