#include "core/net/tls_client_stream.h"

#include <optional>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "tests/test_common/loopback_https_server.h"
#include "tests/test_common/test_pki.h"

namespace mpf::core {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using test::LoopbackRequest;
using test::LoopbackResponse;
using test::LoopbackServer;
using test::LoopbackServerOptions;

// Different bytes at every position, so a reordered or repeated piece cannot pass for the original.
std::string patterned(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return out;
}

class TlsClientStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = test::TestPki::make();
    ASSERT_TRUE(pki_.ok());
    boost::system::error_code ec;
    client_context_.add_certificate_authority(asio::buffer(pki_.ca.certificate_pem), ec);
    ASSERT_FALSE(ec) << ec.message();
  }

  void start_server(LoopbackServer::Handler handler) {
    LoopbackServerOptions options;
    options.certificate_pem = pki_.server.certificate_pem;
    options.private_key_pem = pki_.server.private_key_pem;
    server_ = std::make_unique<LoopbackServer>(options, std::move(handler));
    ASSERT_TRUE(server_->start().is_ok());
  }

  // A stream connected to the server, verifying its certificate for 127.0.0.1, handshake done.
  std::unique_ptr<TlsClientStream> connect_and_handshake() {
    auto stream = std::make_unique<TlsClientStream>(io_.get_executor(), client_context_);
    stream->next_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    SSL* ssl = stream->native_handle();
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
    SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    boost::system::error_code result = asio::error::would_block;
    stream->async_handshake([&](const boost::system::error_code& ec, std::size_t) { result = ec; });
    run();
    EXPECT_FALSE(result) << result.message();
    return stream;
  }

  struct Exchange {
    boost::system::error_code error;
    http::response<http::string_body> response;
  };

  Exchange exchange(TlsClientStream& stream, http::request<http::string_body> request) {
    Exchange out;
    request.set(http::field::host, "127.0.0.1");
    request.prepare_payload();
    beast::flat_buffer buffer;
    http::async_write(stream, request, [&](const boost::system::error_code& ec, std::size_t) {
      if (ec) {
        out.error = ec;
        return;
      }
      http::async_read(stream, buffer, out.response,
                       [&](const boost::system::error_code& read_error, std::size_t) { out.error = read_error; });
    });
    run();
    return out;
  }

  void run() {
    io_.restart();
    io_.run();
  }

  test::TestPki pki_;
  asio::io_context io_;
  asio::ssl::context client_context_{asio::ssl::context::tls_client};
  std::unique_ptr<LoopbackServer> server_;
};

TEST_F(TlsClientStreamTest, CarriesALargeResponseAndHoldsNoBuffersOnceReleased) {
  const std::string body = patterned(300 * 1024);  // many TLS records, many socket reads
  start_server([&](const LoopbackRequest&) {
    LoopbackResponse response;
    response.body = body;
    return response;
  });
  auto stream = connect_and_handshake();
  for (int round = 0; round < 2; ++round) {  // the second use gets its buffers back
    Exchange out = exchange(*stream, http::request<http::string_body>(http::verb::get, "/metrics/resource", 11));
    ASSERT_FALSE(out.error) << out.error.message();
    EXPECT_EQ(out.response.result_int(), 200);
    EXPECT_EQ(out.response.body(), body);
    EXPECT_GT(stream->buffer_capacity(), 0u);
    stream->release_buffers();
    EXPECT_EQ(stream->buffer_capacity(), 0u);
  }
  EXPECT_EQ(server_->accepted_connections(), 1u);
}

TEST_F(TlsClientStreamTest, SendsALargeBodyIntactInBoundedWrites) {
  // Header and body pieces are gathered, then sent 64 KiB at a time. (The test server takes up to 1 MiB.)
  const std::string body = patterned(900 * 1024 + 17);
  start_server([](const LoopbackRequest& r) {
    LoopbackResponse response;
    response.body = std::to_string(r.body.size());
    return response;
  });
  auto stream = connect_and_handshake();
  http::request<http::string_body> request(http::verb::post, "/api/v1/write", 11);
  request.body() = body;
  Exchange out = exchange(*stream, std::move(request));
  ASSERT_FALSE(out.error) << out.error.message();
  EXPECT_EQ(out.response.body(), std::to_string(body.size()));
  EXPECT_EQ(server_->last_request().body, body);
  EXPECT_LE(stream->buffer_capacity(), 256u * 1024u);  // a few records' worth, never the whole body
}

TEST_F(TlsClientStreamTest, ABodyEndedByCloseNotifyIsComplete) {
  start_server([](const LoopbackRequest&) {
    LoopbackResponse response;
    response.pieces.resize(2);
    response.pieces[0].data = "first part, ";
    response.pieces[1].data = "second part";
    response.until_eof = true;  // no length: the body ends with the server's close_notify
    return response;
  });
  auto stream = connect_and_handshake();
  Exchange out = exchange(*stream, http::request<http::string_body>(http::verb::get, "/", 11));
  ASSERT_FALSE(out.error) << out.error.message();
  EXPECT_EQ(out.response.body(), "first part, second part");
}

TEST_F(TlsClientStreamTest, AConnectionClosedWithoutCloseNotifyIsTruncated) {
  start_server([](const LoopbackRequest&) {
    LoopbackResponse response;
    response.close_without_response = true;
    return response;
  });
  auto stream = connect_and_handshake();
  Exchange out = exchange(*stream, http::request<http::string_body>(http::verb::get, "/", 11));
  EXPECT_EQ(out.error, asio::ssl::error::stream_truncated) << out.error.message();
}

TEST_F(TlsClientStreamTest, AnUnknownAuthorityFailsTheHandshakeWithAnOpenSslError) {
  const test::TestPki other = test::TestPki::make();
  LoopbackServerOptions options;
  options.certificate_pem = other.server.certificate_pem;
  options.private_key_pem = other.server.private_key_pem;
  server_ = std::make_unique<LoopbackServer>(options, [](const LoopbackRequest&) { return LoopbackResponse{}; });
  ASSERT_TRUE(server_->start().is_ok());
  TlsClientStream stream(io_.get_executor(), client_context_);
  stream.next_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
  SSL_set_verify(stream.native_handle(), SSL_VERIFY_PEER, nullptr);
  boost::system::error_code result;
  stream.async_handshake([&](const boost::system::error_code& ec, std::size_t) { result = ec; });
  run();
  EXPECT_EQ(result.category(), asio::error::get_ssl_category()) << result.message();
  EXPECT_EQ(SSL_get_verify_result(stream.native_handle()), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_F(TlsClientStreamTest, AReadServedFromDecryptedDataStillCompletesOutsideTheCall) {
  start_server([](const LoopbackRequest&) {
    LoopbackResponse response;
    response.body = "0123456789";
    return response;
  });
  auto stream = connect_and_handshake();
  // Read the response one byte at a time: after the first byte, OpenSSL holds the rest of the record
  // decrypted, so every later read finishes without waiting for the socket.
  http::request<http::string_body> again(http::verb::get, "/", 11);
  again.set(http::field::host, "127.0.0.1");
  boost::system::error_code write_error;
  http::async_write(*stream, again, [&](const boost::system::error_code& ec, std::size_t) { write_error = ec; });
  run();
  ASSERT_FALSE(write_error);
  std::string received;
  for (int i = 0; i < 20; ++i) {
    char byte = 0;
    bool initiated = false;
    bool called_inside = false;
    std::size_t got = 0;
    stream->async_read_some(asio::buffer(&byte, 1), [&](const boost::system::error_code& ec, std::size_t n) {
      called_inside = !initiated;
      EXPECT_FALSE(ec) << ec.message();
      got = n;
    });
    initiated = true;
    run();
    EXPECT_FALSE(called_inside) << "read " << i << " completed inside async_read_some";
    received.append(&byte, got);
  }
  EXPECT_EQ(received.substr(0, 15), "HTTP/1.1 200 OK");
}

}  // namespace
}  // namespace mpf::core
