#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <csignal>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <future>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/serve/serving_service.h"
#include "core/serve/status_body.h"
#include "tests/mocks/test_logger.h"
#include "tests/test_common/temp_dir.h"

// The per-connection limits of the HTTPS server (ServingLimits, ServingOptions::max_in_flight), lowered
// so that they trip quickly, driven by a hand-written TLS client that can misbehave: oversized
// headers and bodies, slow-loris headers, idle keep-alive connections, requests held in flight.
// Nothing here asserts a duration beyond "not before the limit" and an ordering: these must hold on
// a loaded machine too.

namespace mpf::core {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Response {
  int status = 0;  // 0: no complete response
  std::string headers;  // lower case
  std::string body;
  bool has_header(const std::string& line) const { return headers.find(line) != std::string::npos; }
};

// A TLS client on a non-blocking socket, every wait bounded by poll(). It verifies nothing: these tests
// are about the server's limits, not its certificate.
class RawTlsClient {
 public:
  RawTlsClient() = default;
  RawTlsClient(const RawTlsClient&) = delete;
  RawTlsClient& operator=(const RawTlsClient&) = delete;
  ~RawTlsClient() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }

  // Connects and completes the handshake; false on any failure.
  bool connect(std::uint16_t port, Clock::duration limit = 10s) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return false;
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    ssl_ = SSL_new(context());
    if (ssl_ == nullptr) return false;
    SSL_set_fd(ssl_, fd_);
    return io(Clock::now() + limit, [this] { return SSL_connect(ssl_); }) > 0;
  }

  bool write(const std::string& data, Clock::duration limit = 10s) {
    std::size_t done = 0;
    const auto deadline = Clock::now() + limit;
    while (done < data.size()) {
      const int n = io(deadline, [&] { return SSL_write(ssl_, data.data() + done, static_cast<int>(data.size() - done)); });
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads one response (header, then a Content-Length body).
  Response read_response(Clock::duration limit = 10s) {
    Response response;
    const auto deadline = Clock::now() + limit;
    std::size_t header_end;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(deadline)) return response;
    }
    std::string header = pending_.substr(0, header_end + 2);
    pending_.erase(0, header_end + 4);
    for (char& c : header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (header.rfind("http/1.1 ", 0) != 0) return response;
    std::size_t length = 0;
    if (const std::size_t at = header.find("\r\ncontent-length: "); at != std::string::npos) {
      length = std::strtoul(header.c_str() + at + 18, nullptr, 10);
    }
    while (pending_.size() < length) {
      if (!read_more(deadline)) return response;
    }
    response.body = pending_.substr(0, length);
    pending_.erase(0, length);
    response.headers = header;
    response.status = std::atoi(header.c_str() + 9);
    return response;
  }

  // Waits up to `limit` for the server to end the connection (close_notify, EOF or reset). Data that
  // arrives meanwhile is kept for read_response.
  bool wait_closed(Clock::duration limit) {
    const auto deadline = Clock::now() + limit;
    while (!closed_ && read_more(deadline)) {
    }
    return closed_;
  }

  // Whether the server has ended the connection by now, without waiting.
  bool closed_now() { return wait_closed(0s); }

 private:
  static SSL_CTX* context() {
    static SSL_CTX* const made = [] {
      SSL_CTX* c = SSL_CTX_new(TLS_client_method());
      SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
      return c;
    }();
    return made;
  }

  // Runs an SSL call until it makes progress, waiting on the socket as OpenSSL asks. <= 0: failed or
  // timed out (timed_out_ says which); closed_ is set when the peer ended the connection.
  template <class Call>
  int io(Clock::time_point deadline, Call call) {
    timed_out_ = false;
    for (;;) {
      ERR_clear_error();
      const int n = call();
      if (n > 0) return n;
      const int error = SSL_get_error(ssl_, n);
      short events = 0;
      if (error == SSL_ERROR_WANT_READ) events = POLLIN;
      else if (error == SSL_ERROR_WANT_WRITE) events = POLLOUT;
      else {
        closed_ = true;  // close_notify, EOF, reset or a broken record: the connection is over
        return -1;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left < 0) {
        timed_out_ = true;
        return -1;
      }
      pollfd p{fd_, events, 0};
      ::poll(&p, 1, static_cast<int>(left));
    }
  }

  bool read_more(Clock::time_point deadline) {
    char buffer[16384];
    const int n = io(deadline, [&] { return SSL_read(ssl_, buffer, sizeof buffer); });
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  std::string pending_;
  bool timed_out_ = false;
  bool closed_ = false;
};

std::string get_request(const std::string& target, bool close = false) {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
}

class ServingLimitsTest : public ::testing::Test {
 protected:
  static ServingServiceOptions service_options() {
    ServingServiceOptions o;
    o.io_threads = 4;  // two may be held by blocking handlers in the in-flight test
    o.limits.handshake_timeout = 10s;
    o.limits.idle_timeout = 1s;
    o.limits.read_header_timeout = 5s;
    o.limits.write_timeout = 10s;
    o.limits.max_header_bytes = 2048;
    o.limits.max_body_bytes = 1024;
    return o;
  }

  // A slow-loris client writing to a connection the server has closed must get EPIPE, not die of
  // SIGPIPE (OpenSSL's socket BIO uses plain write()).
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }
  void TearDown() override { service_.stop(); }

  std::uint16_t serve(std::vector<mpf::Route> routes, std::size_t max_in_flight = 400) {
    mpf::ServingOptions o;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    o.cert_dir = dir_.file("certs");
    o.max_in_flight = max_in_flight;
    auto handle = service_.serve(o, std::move(routes));
    EXPECT_TRUE(handle.is_ok()) << handle.status().to_string();
    return handle.is_ok() ? (*handle)->port() : 0;
  }
  static mpf::Route ok_route(std::string prefix) {
    return mpf::Route{std::move(prefix), [](const mpf::ServerRequest&, mpf::ServerResponse& r) { r.body = "{}"; }};
  }

  test::TempDir dir_;
  test::TestLogger logger_;
  ServingService service_{service_options(), std::shared_ptr<mpf::Logger>(std::shared_ptr<void>(), &logger_)};
};

TEST_F(ServingLimitsTest, OversizedHeaderGets431AndTheConnectionCloses) {
  const std::uint16_t port = serve({ok_route("/")});
  RawTlsClient client;
  ASSERT_TRUE(client.connect(port));
  ASSERT_TRUE(client.write("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(3000, 'a') + "\r\n\r\n"));
  Response r = client.read_response();
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.body, status_body(431, "RequestHeaderFieldsTooLarge", "request header fields too large"));
  EXPECT_TRUE(r.has_header("connection: close")) << r.headers;
  EXPECT_TRUE(client.wait_closed(10s));
  EXPECT_EQ(service_.stats().malformed_requests, 1u);

  // A header just under the limit is served.
  RawTlsClient fine;
  ASSERT_TRUE(fine.connect(port));
  ASSERT_TRUE(fine.write("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(1500, 'a') + "\r\n\r\n"));
  EXPECT_EQ(fine.read_response().status, 200);
}

TEST_F(ServingLimitsTest, OversizedBodyGets413AndTheConnectionCloses) {
  std::atomic<int> handled{0};
  const std::uint16_t port = serve({mpf::Route{"/", [&](const mpf::ServerRequest&, mpf::ServerResponse& r) {
                                      ++handled;
                                      r.body = "{}";
                                    }}});
  RawTlsClient client;
  ASSERT_TRUE(client.connect(port));
  ASSERT_TRUE(client.write("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n" +
                           std::string(4096, 'b')));
  Response r = client.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, status_body(413, "RequestEntityTooLarge", "request body too large"));
  EXPECT_TRUE(client.wait_closed(10s));
  EXPECT_EQ(handled.load(), 0);

  // Within the limit, the request reaches the handler.
  RawTlsClient fine;
  ASSERT_TRUE(fine.connect(port));
  ASSERT_TRUE(fine.write("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'b')));
  EXPECT_EQ(fine.read_response().status, 200);
  EXPECT_EQ(handled.load(), 1);
}

// The client sends all of a large request before reading (as curl or Go's client do with a body they
// already have): the server must not reset the connection under its 413/431 answer by closing with
// unread data (a TCP RST discards the answer on the client's side), as Go's server avoids by reading
// on for a while before it closes.
TEST_F(ServingLimitsTest, LargeRejectedRequestsStillGetTheirAnswer) {
  const std::uint16_t port = serve({ok_route("/")});
  for (int attempt = 0; attempt < 5; ++attempt) {
    RawTlsClient body;
    ASSERT_TRUE(body.connect(port));
    // The write may fail part way (the server stops reading): the answer must be readable anyway.
    body.write("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 262144\r\n\r\n" + std::string(262144, 'b'));
    EXPECT_EQ(body.read_response().status, 413) << "attempt " << attempt;
    RawTlsClient header;
    ASSERT_TRUE(header.connect(port));
    header.write("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(65536, 'a') + "\r\n\r\n");
    EXPECT_EQ(header.read_response().status, 431) << "attempt " << attempt;
  }
}

TEST_F(ServingLimitsTest, SlowLorisConnectionsAreCutWithoutStarvingOthers) {
  const std::uint16_t port = serve({ok_route("/")});
  constexpr int kSlow = 50;
  // Every slow client sends a request line as soon as it is connected, then (below) one header byte
  // per 200 ms, all from one thread.
  std::vector<std::unique_ptr<RawTlsClient>> slow;
  std::vector<Clock::time_point> started(kSlow);
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<RawTlsClient>());
    ASSERT_TRUE(slow.back()->connect(port)) << i;
    started[i] = Clock::now();
    ASSERT_TRUE(slow.back()->write("GET /slow HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")) << i;
  }
  std::atomic<bool> give_up{false};
  std::atomic<int> open{kSlow};
  std::vector<Clock::time_point> cut(kSlow);  // written by the dripper only, read after it is joined
  std::vector<int> drips(kSlow, 0);
  std::thread dripper([&] {
    std::vector<bool> done(kSlow, false);
    while (open.load() > 0 && !give_up.load()) {
      std::this_thread::sleep_for(200ms);
      for (int i = 0; i < kSlow; ++i) {
        if (done[i]) continue;
        if (slow[i]->closed_now() || !slow[i]->write("a", 1s)) {
          done[i] = true;
          cut[i] = Clock::now();
          open.fetch_sub(1);
        } else {
          ++drips[i];
        }
      }
    }
  });

  // Meanwhile, normal requests are answered: each on a new connection, and on one kept-alive
  // connection.
  std::vector<int> statuses;
  RawTlsClient kept;
  EXPECT_TRUE(kept.connect(port));
  for (int i = 0; i < 5; ++i) {
    RawTlsClient normal;
    EXPECT_TRUE(normal.connect(port));
    EXPECT_TRUE(normal.write(get_request("/fast", true)));
    statuses.push_back(normal.read_response().status);
    EXPECT_TRUE(kept.write(get_request("/kept")));
    statuses.push_back(kept.read_response().status);
  }
  const auto normal_done = Clock::now();
  const int open_when_normal_done = open.load();

  // Every slow connection is cut: the header timeout runs from the request's first byte, not from its
  // last one (a timer reset per byte would never fire, and the give-up below would end the test).
  const auto give_up_at = Clock::now() + 40s;
  while (open.load() > 0 && Clock::now() < give_up_at) std::this_thread::sleep_for(100ms);
  give_up = true;
  dripper.join();

  EXPECT_EQ(statuses, std::vector<int>(10, 200));
  EXPECT_EQ(open_when_normal_done, kSlow) << "normal requests were answered only after slow ones were cut";
  for (int i = 0; i < kSlow; ++i) {
    ASSERT_NE(cut[i], Clock::time_point{}) << "slow connection " << i << " was never cut (" << drips[i]
                                           << " bytes dripped)";
    // Never before the limit, and only after every normal request was answered.
    EXPECT_GE(cut[i] - started[i], service_options().limits.read_header_timeout) << i;
    EXPECT_GT(cut[i], normal_done) << i;
    EXPECT_GE(drips[i], 3) << i;
  }
  EXPECT_EQ(service_.stats().responses_in(2), 10u);
  EXPECT_EQ(service_.stats().requests, 10u);  // the slow ones never became requests
}

TEST_F(ServingLimitsTest, IdleKeptAliveConnectionIsClosed) {
  const std::uint16_t port = serve({ok_route("/")});
  RawTlsClient client;
  ASSERT_TRUE(client.connect(port));
  ASSERT_TRUE(client.write(get_request("/a")));
  ASSERT_EQ(client.read_response().status, 200);
  // Used again within the idle time: the connection is kept.
  ASSERT_TRUE(client.write(get_request("/b")));
  const auto sent = Clock::now();
  ASSERT_EQ(client.read_response().status, 200);
  // Then left idle: closed by the server, not before idle_timeout.
  EXPECT_TRUE(client.wait_closed(20s));
  EXPECT_GE(Clock::now() - sent, service_options().limits.idle_timeout);
  EXPECT_EQ(service_.stats().connections, 1u);
}

TEST_F(ServingLimitsTest, RequestsBeyondMaxInFlightGet429WithRetryAfter) {
  std::latch entered(2);
  std::latch release(1);
  const std::uint16_t port = serve({mpf::Route{"/block", [&](const mpf::ServerRequest&, mpf::ServerResponse& r) {
                                      entered.count_down();
                                      release.wait();
                                      r.body = "{}";
                                    }},
                                    ok_route("/free")},
                                   /*max_in_flight=*/2);
  std::vector<std::future<int>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::async(std::launch::async, [port] {
      RawTlsClient client;
      if (!client.connect(port) || !client.write(get_request("/block"))) return -1;
      return client.read_response(60s).status;
    }));
  }
  // Declared after `held`, so destroyed before it: whatever fails below, the handlers are released
  // before anything waits for them.
  struct Releaser {
    std::latch& latch;
    bool done = false;
    void operator()() {
      if (!done) latch.count_down();
      done = true;
    }
    ~Releaser() { (*this)(); }
  } release_handlers{release};
  // Bounded wait for both handlers to be running (a latch has no timed wait).
  const auto give_up = Clock::now() + 20s;
  while (!entered.try_wait() && Clock::now() < give_up) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(entered.try_wait()) << "the two blocking requests never reached their handler";

  // Any path counts against the limit, as the API server's filter runs before routing.
  for (const char* target : {"/free", "/block", "/nowhere"}) {
    RawTlsClient client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(client.write(get_request(target)));
    Response r = client.read_response();
    EXPECT_EQ(r.status, 429) << target;
    EXPECT_TRUE(r.has_header("\r\nretry-after: 1\r\n")) << r.headers;
    EXPECT_TRUE(r.has_header("\r\ncontent-type: application/json\r\n")) << r.headers;
    EXPECT_EQ(r.body, status_body(429, "TooManyRequests", "Too many requests, please try again later.",
                                  R"({"retryAfterSeconds":1})"));
  }
  release_handlers();
  for (auto& f : held) EXPECT_EQ(f.get(), 200);
  EXPECT_EQ(service_.stats().too_many_requests, 3u);

  // The slots are free again.
  RawTlsClient after;
  ASSERT_TRUE(after.connect(port));
  ASSERT_TRUE(after.write(get_request("/free")));
  EXPECT_EQ(after.read_response().status, 200);
}

}  // namespace
}  // namespace mpf::core
