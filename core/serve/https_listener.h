#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>  // before Boost.Asio's awaitable.hpp, which uses std::exchange without it
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/auth/access_control.h"
#include "core/serve/route_table.h"
#include "core/serve/serving_certificate.h"
#include "core/serve/serving_limits.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// One HTTPS listener: an acceptor on the service's io_context and one coroutine per connection (TLS
// handshake, then HTTP/1.1 requests until the client closes, asks to, or idles out). Requests go
// through the in-flight limit and the route table (dispatch()). Sessions run on a strand each, so a
// connection's steps never overlap; different connections run in parallel on the service's threads.
class HttpsListener : public std::enable_shared_from_this<HttpsListener> {
 public:
  // `access`: delegated authentication and authorization of every request, or null to serve without.
  HttpsListener(boost::asio::io_context& io, mpf::ServingOptions options, std::unique_ptr<ServingCertificate> certificate,
                const ServingLimits& limits, std::shared_ptr<ServingCounters> counters,
                std::shared_ptr<auth::AccessControl> access = nullptr);

  // Binds options.bind_address:options.port and starts accepting. Errors in Go's wording:
  // "listen tcp 127.0.0.1:443: bind: address already in use".
  Status listen() noexcept;
  // Adds routes for the connections' next requests; all or none (RouteTable::add), naming the listener.
  Status add_routes(std::vector<mpf::Route> routes) noexcept;
  // Closes the acceptor. Call only once the io_context's threads have stopped.
  void close() noexcept;
  // Stops access control: pending reviews complete (refused). Call before the io_context stops.
  void stop_access_control() noexcept;

  // Answers one request without access control: the in-flight limit, then the longest-prefix route,
  // else the 404 Status. Separate from the sockets so that it is the same code whatever the transport.
  void dispatch(const mpf::ServerRequest& request, mpf::ServerResponse& response) noexcept;
  // The API server's max-in-flight filter: false (and `response` set to 429) when the limit is reached.
  // Members of system:masters are never limited, as there. admit() that returned true needs release().
  bool admit(const mpf::RequestUser* user, mpf::ServerResponse& response) noexcept;
  void release() noexcept;
  // The longest-prefix route, else the 404 Status; a throwing handler becomes a 500.
  void route(const mpf::ServerRequest& request, mpf::ServerResponse& response) noexcept;

  std::uint16_t port() const { return port_; }
  const mpf::ServingOptions& options() const { return options_; }
  // "127.0.0.1:8443", "[::]:443": how messages name this listener.
  std::string address() const;
  const ServingCertificate& certificate() const { return *certificate_; }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  // Authentication, the in-flight limit, authorization, then the route.
  boost::asio::awaitable<void> answer_with_access_control(mpf::ServerRequest& request, const auth::PeerCertificates& peer,
                                                          mpf::ServerResponse& response);

  boost::asio::io_context& io_;
  const mpf::ServingOptions options_;
  const std::unique_ptr<ServingCertificate> certificate_;
  const ServingLimits limits_;
  const std::shared_ptr<ServingCounters> counters_;
  const std::shared_ptr<auth::AccessControl> access_;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> in_flight_{0};

  std::mutex routes_mutex_;
  // Replaced, never changed in place: a request keeps the table it started with.
  std::shared_ptr<const RouteTable> routes_ = std::make_shared<RouteTable>();  // guarded by routes_mutex_
};

}  // namespace mpf::core
