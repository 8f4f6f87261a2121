#include "core/net/http_engine.h"

#include <cstdio>
#include <fstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/net/cert_generator.h"
#include "tests/core/net/http_test_support.h"
#include "tests/test_common/loopback_https_server.h"
#include "tests/test_common/test_pki.h"

namespace mpf::core {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using test::fetch;
using test::LoopbackRequest;
using test::LoopbackResponse;
using test::LoopbackServer;
using test::LoopbackServerOptions;
using test::make_request;
using test::Outcome;
using test::Pending;
using test::start_get;

LoopbackResponse ok_response(std::string body = "node_cpu_usage_seconds_total 357.35 1633253809720\n") {
  LoopbackResponse response;
  response.body = std::move(body);
  return response;
}

LoopbackServer::Handler always_ok() {
  return [](const LoopbackRequest&) { return ok_response(); };
}

class HttpEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = test::TestPki::make();
    ASSERT_TRUE(pki_.ok());
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_TRUE(write_pem_files(pki_.ca, dir_.file("ca.crt"), dir_.file("ca.key")).is_ok());
    ASSERT_TRUE(write_pem_files(pki_.client, dir_.file("client.crt"), dir_.file("client.key")).is_ok());
    HttpEngineOptions options;
    options.token_recheck_interval = std::chrono::seconds(0);  // rotation is seen by the next request
    engine_ = std::make_unique<HttpEngine>(options);
    ASSERT_TRUE(engine_->start().is_ok());
  }

  void TearDown() override { engine_->stop(); }

  LoopbackServerOptions tls_server_options(const PemPair& identity) const {
    LoopbackServerOptions options;
    options.certificate_pem = identity.certificate_pem;
    options.private_key_pem = identity.private_key_pem;
    return options;
  }

  std::unique_ptr<LoopbackServer> start_server(LoopbackServerOptions options, LoopbackServer::Handler handler) {
    auto server = std::make_unique<LoopbackServer>(std::move(options), std::move(handler));
    Status st = server->start();
    EXPECT_TRUE(st.is_ok()) << st.message();
    return server;
  }
  std::unique_ptr<LoopbackServer> start_tls_server(LoopbackServer::Handler handler = always_ok()) {
    return start_server(tls_server_options(pki_.server), std::move(handler));
  }

  HttpClientOptions verified_options() const {
    HttpClientOptions options;
    options.ca_file = dir_.file("ca.crt");
    return options;
  }

  std::shared_ptr<HttpClient> client(const HttpClientOptions& options) {
    auto made = engine_->make_client(options);
    EXPECT_TRUE(made.is_ok()) << made.status().message();
    return made.is_ok() ? *made : nullptr;
  }

  test::TempDir dir_;
  test::TestPki pki_;
  std::unique_ptr<HttpEngine> engine_;
};

// A port nothing listens on: bound, then closed.
std::uint16_t unused_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

TEST_F(HttpEngineTest, GetsOverTlsWithCaVerification) {
  auto server = start_tls_server();
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(server->port()));
  ASSERT_EQ(out.calls, 1);
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(out.reason, FailureReason::kNone);
  EXPECT_EQ(out.status_code, 200);
  EXPECT_EQ(out.content_type, "text/plain; version=0.0.4");
  EXPECT_THAT(out.body, HasSubstr("node_cpu_usage_seconds_total"));

  LoopbackRequest seen = server->last_request();
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.target, "/metrics/resource");
  EXPECT_EQ(seen.header("host"), "127.0.0.1:" + std::to_string(server->port()));
  EXPECT_EQ(seen.header("user-agent"), "metrics-server");
  EXPECT_EQ(seen.header("authorization"), "");  // no credentials configured
  EXPECT_EQ(engine_->stats().responses, 1u);
}

TEST_F(HttpEngineTest, ReusesOneKeptAliveConnectionForSequentialRequests) {
  auto server = start_tls_server();
  auto c = client(verified_options());
  for (int i = 0; i < 3; ++i) {
    Outcome out = fetch(*c, make_request(server->port()));
    ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  }
  EXPECT_EQ(server->accepted_connections(), 1u);
  EXPECT_EQ(engine_->stats().connections_opened, 1u);
  EXPECT_EQ(engine_->stats().connections_reused, 2u);
}

TEST_F(HttpEngineTest, ReplacesAKeptAliveConnectionTheServerClosedWhileIdle) {
  LoopbackServerOptions options = tls_server_options(pki_.server);
  options.idle_close_after = std::chrono::milliseconds(100);
  auto server = start_server(options, always_ok());
  auto c = client(verified_options());
  ASSERT_TRUE(fetch(*c, make_request(server->port())).status.is_ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the server has closed it by now
  Outcome out = fetch(*c, make_request(server->port()));
  EXPECT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(server->accepted_connections(), 2u);
}

TEST_F(HttpEngineTest, RetriesOnceWhenAReusedConnectionDiesBeforeAnyResponse) {
  // The server drops the second request on the first connection, as one racing its idle timeout does.
  auto server = start_tls_server([](const LoopbackRequest& r) {
    LoopbackResponse response = ok_response();
    response.close_without_response = r.connection == 1 && r.sequence == 2;
    return response;
  });
  auto c = client(verified_options());
  ASSERT_TRUE(fetch(*c, make_request(server->port())).status.is_ok());
  Outcome out = fetch(*c, make_request(server->port()));
  EXPECT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(out.status_code, 200);
  EXPECT_EQ(server->accepted_connections(), 2u);
  EXPECT_EQ(engine_->stats().retries, 1u);
}

TEST_F(HttpEngineTest, DoesNotRetryOnAFreshConnection) {
  auto server = start_tls_server([](const LoopbackRequest&) {
    LoopbackResponse response;
    response.close_without_response = true;
    return response;
  });
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(server->port()));
  ASSERT_EQ(out.calls, 1);
  EXPECT_EQ(out.reason, FailureReason::kConnectionRefused);
  EXPECT_TRUE(out.status.is_retryable());
  EXPECT_THAT(out.status.message(), HasSubstr("EOF"));
  EXPECT_EQ(server->accepted_connections(), 1u);
  EXPECT_EQ(engine_->stats().retries, 0u);
}

TEST_F(HttpEngineTest, TimesOutOnAServerThatNeverAnswersWithoutHoldingBackOthers) {
  auto hanging = start_tls_server([](const LoopbackRequest&) {
    LoopbackResponse response;
    response.hang = true;
    return response;
  });
  auto healthy = start_tls_server();
  auto c = client(verified_options());  // one client, one engine thread: both go through the same I/O thread

  const auto started = std::chrono::steady_clock::now();
  Pending slow = start_get(*c, make_request(hanging->port(), "127.0.0.1", std::chrono::seconds(3)));
  Pending fast = start_get(*c, make_request(healthy->port()));
  ASSERT_TRUE(fast.wait());
  EXPECT_TRUE(fast.outcome().status.is_ok()) << fast.outcome().status.message();
  EXPECT_FALSE(slow.done()) << "the healthy request should not have waited for the hanging one";

  ASSERT_TRUE(slow.wait());
  Outcome out = slow.outcome();
  EXPECT_EQ(out.calls, 1);
  EXPECT_EQ(out.reason, FailureReason::kTimeout);
  EXPECT_TRUE(out.status.is_retryable());
  EXPECT_THAT(out.status.message(),
              AllOf(HasSubstr("context deadline exceeded"), HasSubstr("awaiting response headers"),
                    HasSubstr("https://127.0.0.1:" + std::to_string(hanging->port()))));
  EXPECT_GE(out.completed_at - started, std::chrono::milliseconds(2900));
  EXPECT_EQ(engine_->stats().failures_at(HttpStage::kRead), 1u);
}

TEST_F(HttpEngineTest, TimeoutNamesTheTlsHandshake) {
  LoopbackServerOptions options = tls_server_options(pki_.server);
  options.stall_after_accept = true;
  auto server = start_server(options, always_ok());
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(server->port(), "127.0.0.1", std::chrono::milliseconds(500)));
  EXPECT_EQ(out.reason, FailureReason::kTimeout);
  EXPECT_THAT(out.status.message(), HasSubstr("context deadline exceeded (during the TLS handshake with 127.0.0.1:"));
  EXPECT_EQ(engine_->stats().failures_at(HttpStage::kHandshake), 1u);
}

TEST_F(HttpEngineTest, ReportsARefusedConnectionTheWayGoDoes) {
  const std::uint16_t port = unused_port();
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(port));
  EXPECT_EQ(out.reason, FailureReason::kConnectionRefused);
  EXPECT_TRUE(out.status.is_retryable());
  EXPECT_THAT(out.status.message(),
              HasSubstr("dial tcp 127.0.0.1:" + std::to_string(port) + ": connect: connection refused"));
  EXPECT_EQ(engine_->stats().failures_at(HttpStage::kConnect), 1u);
  EXPECT_EQ(engine_->stats().failures_for(FailureReason::kConnectionRefused), 1u);
}

TEST_F(HttpEngineTest, ReportsAnUnresolvableName) {
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(10250, "node-1.invalid", std::chrono::seconds(30)));
  ASSERT_EQ(out.calls, 1);
  // A resolver that cannot be reached at all times out instead; both name the lookup.
  if (out.reason == FailureReason::kTimeout) {
    EXPECT_THAT(out.status.message(), HasSubstr("while resolving node-1.invalid"));
  } else {
    EXPECT_EQ(out.reason, FailureReason::kDns);
    EXPECT_THAT(out.status.message(), HasSubstr("dial tcp: lookup node-1.invalid: "));
  }
}

TEST_F(HttpEngineTest, RejectsAServerCertificateFromAnUnknownAuthority) {
  const PemPair other_ca = test::TestPki::make_ca("someone-else");
  auto server = start_server(tls_server_options(test::TestPki::issue_server(other_ca, {"127.0.0.1"}, {})), always_ok());
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(server->port()));
  EXPECT_EQ(out.reason, FailureReason::kTls);
  EXPECT_EQ(out.status.code(), StatusCode::kPermanent);
  EXPECT_THAT(out.status.message(), AllOf(HasSubstr("tls: failed to verify certificate: x509: certificate signed by "
                                                    "unknown authority"),
                                          HasSubstr("openssl: unable to get local issuer certificate")));
  EXPECT_EQ(engine_->stats().failures_at(HttpStage::kHandshake), 1u);
}

TEST_F(HttpEngineTest, RejectsACertificateWithoutTheDialledIp) {
  // The most common metrics-server failure: kubelet serving certificates with DNS names only.
  auto dns_only = start_server(tls_server_options(test::TestPki::issue_server(pki_.ca, {}, {"node-1"})), always_ok());
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(dns_only->port()));
  EXPECT_EQ(out.reason, FailureReason::kTls);
  EXPECT_THAT(out.status.message(),
              HasSubstr("x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs"));

  auto other_ip =
      start_server(tls_server_options(test::TestPki::issue_server(pki_.ca, {"127.0.0.2"}, {})), always_ok());
  out = fetch(*c, make_request(other_ip->port()));
  EXPECT_EQ(out.reason, FailureReason::kTls);
  EXPECT_THAT(out.status.message(), HasSubstr("x509: certificate is valid for 127.0.0.2, not 127.0.0.1"));
}

TEST_F(HttpEngineTest, VerifiesDnsNamesAgainstTheName) {
  auto good = start_tls_server();  // SANs include localhost
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(good->port(), "localhost"));
  EXPECT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(good->last_request().header("host"), "localhost:" + std::to_string(good->port()));

  auto wrong = start_server(tls_server_options(test::TestPki::issue_server(pki_.ca, {"127.0.0.1"}, {"node-2"})),
                            always_ok());
  out = fetch(*c, make_request(wrong->port(), "localhost"));
  EXPECT_EQ(out.reason, FailureReason::kTls);
  EXPECT_THAT(out.status.message(), HasSubstr("x509: certificate is valid for node-2, not localhost"));
}

TEST_F(HttpEngineTest, InsecureSkipVerifyAcceptsAnyCertificate) {
  const PemPair other_ca = test::TestPki::make_ca("someone-else");
  auto server = start_server(tls_server_options(test::TestPki::issue_server(other_ca, {}, {"node-1"})), always_ok());
  HttpClientOptions options;
  options.insecure_skip_verify = true;
  options.ca_file = dir_.file("ca.crt");  // ignored, as with --kubelet-insecure-tls
  auto c = client(options);
  Outcome out = fetch(*c, make_request(server->port()));
  EXPECT_TRUE(out.status.is_ok()) << out.status.message();
}

TEST_F(HttpEngineTest, PresentsTheClientCertificateWhenTheServerRequiresOne) {
  LoopbackServerOptions options = tls_server_options(pki_.server);
  options.client_ca_pem = pki_.ca.certificate_pem;
  auto server = start_server(options, always_ok());

  auto anonymous = client(verified_options());
  Outcome out = fetch(*anonymous, make_request(server->port()));
  EXPECT_EQ(out.reason, FailureReason::kTls) << out.status.message();
  EXPECT_THAT(out.status.message(), HasSubstr("remote error: tls:"));

  HttpClientOptions with_cert = verified_options();
  with_cert.client_certificate_file = dir_.file("client.crt");
  with_cert.client_key_file = dir_.file("client.key");
  auto identified = client(with_cert);
  out = fetch(*identified, make_request(server->port()));
  EXPECT_TRUE(out.status.is_ok()) << out.status.message();
}

TEST_F(HttpEngineTest, SendsTheBearerTokenAndFollowsFileRotation) {
  auto server = start_tls_server();
  const std::string token_path = dir_.file("token");
  auto write_token = [&](const std::string& token) {
    // Rotation the way the kubelet does it: a new file renamed over the old one.
    const std::string temporary = token_path + ".new";
    std::ofstream(temporary) << token << "\n";
    std::rename(temporary.c_str(), token_path.c_str());
  };
  write_token("token-1");
  HttpClientOptions options = verified_options();
  options.bearer_token_file = token_path;
  options.bearer_token = "ignored-when-a-file-is-given";
  options.user_agent = "metrics-server/v0.7.2 (linux/amd64)";
  auto c = client(options);

  ASSERT_TRUE(fetch(*c, make_request(server->port())).status.is_ok());
  EXPECT_EQ(server->last_request().header("authorization"), "Bearer token-1");
  EXPECT_EQ(server->last_request().header("user-agent"), "metrics-server/v0.7.2 (linux/amd64)");

  write_token("token-2");
  ASSERT_TRUE(fetch(*c, make_request(server->port())).status.is_ok());
  EXPECT_EQ(server->last_request().header("authorization"), "Bearer token-2");

  HttpClientOptions fixed = verified_options();
  fixed.bearer_token = "from-kubeconfig";
  auto c2 = client(fixed);
  ASSERT_TRUE(fetch(*c2, make_request(server->port())).status.is_ok());
  EXPECT_EQ(server->last_request().header("authorization"), "Bearer from-kubeconfig");
}

TEST_F(HttpEngineTest, PassesHttpErrorStatusesThrough) {
  auto server = start_tls_server([](const LoopbackRequest& r) {
    LoopbackResponse response;
    response.status = std::stoi(r.target.substr(1));
    response.body = "status " + r.target.substr(1);
    return response;
  });
  auto c = client(verified_options());
  for (int code : {401, 403, 500}) {
    const std::string target = "/" + std::to_string(code);
    Outcome out = fetch(*c, make_request(server->port(), "127.0.0.1", std::chrono::seconds(30), target));
    ASSERT_TRUE(out.status.is_ok()) << out.status.message();
    EXPECT_EQ(out.reason, FailureReason::kNone);
    EXPECT_EQ(out.status_code, code);
    EXPECT_EQ(out.body, "status " + std::to_string(code));
    EXPECT_EQ(failure_reason_for_status(out.status_code),
              code == 401 ? FailureReason::kUnauthorized : code == 403 ? FailureReason::kForbidden
                                                                       : FailureReason::kHttpStatus);
  }
  EXPECT_EQ(server->accepted_connections(), 1u);  // error statuses keep the connection
}

TEST_F(HttpEngineTest, FailsABodyOverTheCap) {
  auto server = start_tls_server([](const LoopbackRequest& r) {
    LoopbackResponse response = ok_response(std::string(4096, 'x'));
    response.chunked = r.target == "/chunked";
    // A length no buffer could hold: must fail on the header, never reach an allocation.
    if (r.target == "/announced") response.raw = "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999\r\n\r\nabc";
    return response;
  });
  HttpClientOptions options = verified_options();
  options.max_response_bytes = 1024;
  auto c = client(options);
  for (const char* target : {"/plain", "/chunked", "/announced"}) {
    Outcome out = fetch(*c, make_request(server->port(), "127.0.0.1", std::chrono::seconds(30), target));
    EXPECT_EQ(out.reason, FailureReason::kTooLarge) << target << ": " << out.status.message();
    EXPECT_THAT(out.status.message(), HasSubstr("exceeds the limit of 1024 bytes"));
  }
  options.max_response_bytes = 4096;  // exactly at the cap is fine
  auto roomy = client(options);
  EXPECT_TRUE(fetch(*roomy, make_request(server->port())).status.is_ok());
}

TEST_F(HttpEngineTest, ReadsChunkedBodies) {
  auto server = start_tls_server([](const LoopbackRequest& r) {
    LoopbackResponse response;
    if (r.target == "/beast") {
      response = ok_response("one chunk from beast\n");
      response.chunked = true;
    } else {
      response.raw =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
          "6\r\nhello \r\n6;ext=1\r\nchunky\r\n1\r\n\n\r\n0\r\nTrailer: x\r\n\r\n";
    }
    return response;
  });
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(server->port(), "127.0.0.1", std::chrono::seconds(30), "/beast"));
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(out.body, "one chunk from beast\n");
  out = fetch(*c, make_request(server->port(), "127.0.0.1", std::chrono::seconds(30), "/raw"));
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(out.body, "hello chunky\n");
  EXPECT_EQ(server->accepted_connections(), 1u);
}

TEST_F(HttpEngineTest, ClassifiesTruncatedAndMalformedResponsesAsParseErrors) {
  auto server = start_tls_server([](const LoopbackRequest& r) {
    LoopbackResponse response;
    response.close = true;
    response.raw = r.target == "/truncated" ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it"
                                            : "HTTP/1.1 two hundred\r\n\r\n";
    return response;
  });
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(server->port(), "127.0.0.1", std::chrono::seconds(30), "/truncated"));
  EXPECT_EQ(out.reason, FailureReason::kParse) << out.status.message();
  EXPECT_THAT(out.status.message(), HasSubstr("unexpected EOF"));
  out = fetch(*c, make_request(server->port(), "127.0.0.1", std::chrono::seconds(30), "/malformed"));
  EXPECT_EQ(out.reason, FailureReason::kParse) << out.status.message();
  EXPECT_THAT(out.status.message(), HasSubstr("malformed HTTP response"));
}

TEST_F(HttpEngineTest, SpeaksPlainHttpWhenTlsIsOff) {
  LoopbackServerOptions options;
  options.tls = false;
  auto server = start_server(options, always_ok());
  HttpClientOptions plain;
  plain.tls = false;
  auto c = client(plain);
  Outcome out = fetch(*c, make_request(server->port()));
  EXPECT_TRUE(out.status.is_ok()) << out.status.message();

  // And TLS against a plain server says what is wrong.
  auto tls = client(verified_options());
  out = fetch(*tls, make_request(server->port()));
  EXPECT_EQ(out.reason, FailureReason::kTls);
  EXPECT_THAT(out.status.message(), HasSubstr("does not look like a TLS handshake"));
}

TEST_F(HttpEngineTest, WorksOverIpv6Loopback) {
  LoopbackServerOptions options = tls_server_options(pki_.server);
  options.address = "::1";
  LoopbackServer server(options, always_ok());
  if (!server.start().is_ok()) GTEST_SKIP() << "no IPv6 loopback here";
  auto c = client(verified_options());
  Outcome out = fetch(*c, make_request(server.port(), "::1"));
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(server.last_request().header("host"), "[::1]:" + std::to_string(server.port()));

  // The IPv6 SAN is checked too.
  LoopbackServerOptions v4_only = tls_server_options(test::TestPki::issue_server(pki_.ca, {"127.0.0.1"}, {}));
  v4_only.address = "::1";
  LoopbackServer wrong(v4_only, always_ok());
  ASSERT_TRUE(wrong.start().is_ok());
  out = fetch(*c, make_request(wrong.port(), "::1"));
  EXPECT_EQ(out.reason, FailureReason::kTls);
  EXPECT_THAT(out.status.message(), AllOf(HasSubstr("https://[::1]:"), HasSubstr("not ::1")));
}

TEST_F(HttpEngineTest, StopFailsRequestsInFlightExactlyOnce) {
  auto server = start_tls_server([](const LoopbackRequest&) {
    LoopbackResponse response;
    response.hang = true;
    return response;
  });
  auto c = client(verified_options());
  std::vector<Pending> pending;
  for (int i = 0; i < 20; ++i) pending.push_back(start_get(*c, make_request(server->port())));
  // Let some of them reach the server; the rest are still connecting or handshaking.
  for (int i = 0; i < 200 && server->request_count() < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  engine_->stop();
  for (auto& p : pending) {
    ASSERT_TRUE(p.done()) << "stop() returned before every callback ran";
    Outcome out = p.outcome();
    EXPECT_EQ(out.calls, 1);
    EXPECT_TRUE(out.status.is_retryable());
    EXPECT_THAT(out.status.message(), HasSubstr("shutting down"));
  }
  EXPECT_EQ(engine_->stats().shutdown_aborts, 20u);
  EXPECT_EQ(engine_->stats().in_flight, 0u);

  // Later requests fail at once, on the caller's thread.
  Pending late = start_get(*c, make_request(server->port()));
  ASSERT_TRUE(late.done());
  EXPECT_THAT(late.outcome().status.message(), HasSubstr("shutting down"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (auto& p : pending) EXPECT_EQ(p.outcome().calls, 1);
}

TEST_F(HttpEngineTest, ClientDestroyedWithRequestsInFlightStillCompletesThem) {
  auto server = start_tls_server([](const LoopbackRequest&) {
    LoopbackResponse response = ok_response();
    response.delay = std::chrono::milliseconds(200);
    return response;
  });
  std::vector<Pending> pending;
  {
    auto c = client(verified_options());
    for (int i = 0; i < 10; ++i) pending.push_back(start_get(*c, make_request(server->port())));
  }
  for (auto& p : pending) {
    ASSERT_TRUE(p.wait());
    EXPECT_TRUE(p.outcome().status.is_ok()) << p.outcome().status.message();
    EXPECT_EQ(p.outcome().calls, 1);
  }
}

TEST_F(HttpEngineTest, EngineObjectDestroyedBeforeItsClients) {
  auto server = start_tls_server();
  auto c = client(verified_options());
  ASSERT_TRUE(fetch(*c, make_request(server->port())).status.is_ok());
  engine_.reset();  // the client keeps what it needs; it only fails from now on
  Outcome out = fetch(*c, make_request(server->port()));
  EXPECT_EQ(out.calls, 1);
  EXPECT_THAT(out.status.message(), HasSubstr("shutting down"));
  engine_ = std::make_unique<HttpEngine>();  // for TearDown
}

TEST_F(HttpEngineTest, HandlesThousandsOfConcurrentRequests) {
  // 5000 nodes scraped at once: one connection each (plain HTTP keeps a loaded CI machine in budget).
  LoopbackServerOptions options;
  options.tls = false;
  auto server = start_server(options, [](const LoopbackRequest&) {
    LoopbackResponse response = ok_response();
    response.close = true;  // one connection per request, as with 5000 distinct kubelets
    return response;
  });
  HttpClientOptions plain;
  plain.tls = false;
  auto c = client(plain);
  constexpr int kRequests = 5000;
  std::vector<Pending> pending;
  pending.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    pending.push_back(start_get(*c, make_request(server->port(), "127.0.0.1", std::chrono::seconds(90))));
  }
  int ok = 0;
  for (auto& p : pending) {
    ASSERT_TRUE(p.wait(std::chrono::seconds(120)));
    EXPECT_EQ(p.outcome().calls, 1);
    if (p.outcome().status.is_ok()) ++ok;
  }
  EXPECT_EQ(ok, kRequests) << pending.front().outcome().status.message();
  EXPECT_EQ(engine_->stats().in_flight, 0u);
}

TEST_F(HttpEngineTest, RejectsMalformedRequests) {
  auto c = client(verified_options());
  HttpRequest no_deadline = make_request(10250);
  no_deadline.deadline = {};
  Outcome out = fetch(*c, no_deadline);
  EXPECT_EQ(out.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(out.status.message(), HasSubstr("no deadline"));

  HttpRequest smuggling = make_request(10250);
  smuggling.target = "/x HTTP/1.1\r\nHost: evil\r\n\r\nGET /y";
  EXPECT_EQ(fetch(*c, smuggling).status.code(), StatusCode::kInvalidArgument);
}

TEST_F(HttpEngineTest, InvalidClientOptionsNameTheFile) {
  HttpClientOptions missing_ca;
  missing_ca.ca_file = dir_.file("nope.crt");
  auto made = engine_->make_client(missing_ca);
  ASSERT_FALSE(made.is_ok());
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr(dir_.file("nope.crt")));

  HttpClientOptions garbage_ca;
  garbage_ca.ca_file = dir_.file("ca.key");  // a key, not a certificate
  made = engine_->make_client(garbage_ca);
  EXPECT_THAT(made.status().message(), AllOf(HasSubstr(dir_.file("ca.key")), HasSubstr("no PEM certificate")));

  HttpClientOptions half_identity = verified_options();
  half_identity.client_certificate_file = dir_.file("client.crt");
  made = engine_->make_client(half_identity);
  EXPECT_THAT(made.status().message(), HasSubstr("together"));

  HttpClientOptions mismatched = verified_options();
  mismatched.client_certificate_file = dir_.file("client.crt");
  mismatched.client_key_file = dir_.file("ca.key");
  made = engine_->make_client(mismatched);
  EXPECT_THAT(made.status().message(), AllOf(HasSubstr("does not match"), HasSubstr(dir_.file("ca.key"))));

  HttpClientOptions no_token = verified_options();
  no_token.bearer_token_file = dir_.file("token-missing");
  made = engine_->make_client(no_token);
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr(dir_.file("token-missing")));
}

TEST(HttpEngineLifecycleTest, StartStopWithoutRequestsAndRestartRefused) {
  HttpEngine engine;
  ASSERT_TRUE(engine.start().is_ok());
  ASSERT_TRUE(engine.start().is_ok());  // idempotent
  engine.stop();
  engine.stop();
  EXPECT_FALSE(engine.start().is_ok());
}

TEST(HttpEngineLifecycleTest, MultipleIoThreads) {
  auto pki = test::TestPki::make();
  test::TempDir dir;
  ASSERT_TRUE(write_pem_files(pki.ca, dir.file("ca.crt"), dir.file("ca.key")).is_ok());
  LoopbackServerOptions server_options;
  server_options.certificate_pem = pki.server.certificate_pem;
  server_options.private_key_pem = pki.server.private_key_pem;
  server_options.threads = 2;
  LoopbackServer server(server_options, always_ok());
  ASSERT_TRUE(server.start().is_ok());
  HttpEngineOptions options;
  options.io_threads = 4;
  HttpEngine engine(options);
  ASSERT_TRUE(engine.start().is_ok());
  HttpClientOptions client_options;
  client_options.ca_file = dir.file("ca.crt");
  auto c = engine.make_client(client_options);
  ASSERT_TRUE(c.is_ok());
  std::vector<Pending> pending;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 40; ++i) pending.push_back(start_get(**c, make_request(server.port())));
  }
  for (auto& p : pending) {
    ASSERT_TRUE(p.wait());
    EXPECT_TRUE(p.outcome().status.is_ok()) << p.outcome().status.message();
  }
  EXPECT_EQ(engine.stats().responses, 200u);
}

}  // namespace
}  // namespace mpf::core
