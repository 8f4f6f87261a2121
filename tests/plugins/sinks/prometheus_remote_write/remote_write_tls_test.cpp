// The exporter over real TLS (the host's engine against an in-process HTTPS receiver): the receiver is
// verified with ca_file, an unknown CA fails as a retryable x509 error, and a receiver that requires a
// client certificate gets the one named by client_certificate_file / client_key_file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "mpf/sdk/sink.h"
#include "plugin_options.h"
#include "test_snapshots.h"
#include "tests/test_common/loopback_https_server.h"
#include "tests/test_common/test_context.h"
#include "tests/test_common/test_pki.h"

namespace mpf::sinks::remote_write {
namespace {

using ::testing::HasSubstr;
using test::PluginOptions;

struct OneBatch final : BatchEmitter {
  ExportBatch batch;
  bool emit(ExportBatch&& b) noexcept override {
    batch = std::move(b);
    return true;
  }
};

class RemoteWriteTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = mpf::test::TestPki::make();
    ASSERT_TRUE(pki_.ok());
    ASSERT_TRUE(core::write_pem_files(pki_.ca, dir_.file("ca.crt"), dir_.file("ca.key")).is_ok());
    ASSERT_TRUE(core::write_pem_files(pki_.client, dir_.file("client.crt"), dir_.file("client.key")).is_ok());
  }

  void start_receiver(bool require_client_certificate) {
    mpf::test::LoopbackServerOptions options;
    options.certificate_pem = pki_.server.certificate_pem;
    options.private_key_pem = pki_.server.private_key_pem;
    if (require_client_certificate) options.client_ca_pem = pki_.ca.certificate_pem;
    server_ = std::make_unique<mpf::test::LoopbackServer>(options, [](const mpf::test::LoopbackRequest&) {
      mpf::test::LoopbackResponse response;
      response.status = 204;
      return response;
    });
    ASSERT_TRUE(server_->start().is_ok());
  }

  std::string url() const { return "https://127.0.0.1:" + std::to_string(server_->port()) + "/api/v1/write"; }

  Status send_once(const PluginOptions& options) {
    auto made = test::create_sink(options, ctx_);
    if (!made) return made.status();
    sink_ = std::move(*made);
    Exporter& exporter = *sink_->as_exporter();
    OneBatch emitter;
    EXPECT_TRUE(exporter.encode(test::nodes_only(1), emitter).is_ok());
    return exporter.send(emitter.batch, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }

  mpf::test::TempDir dir_;
  mpf::test::TestPki pki_;
  mpf::test::TestContext ctx_;
  std::unique_ptr<mpf::test::LoopbackServer> server_;
  SinkPtr sink_;
};

TEST_F(RemoteWriteTlsTest, VerifiesTheReceiverWithTheConfiguredCa) {
  start_receiver(false);
  Status status = send_once(PluginOptions().set("url", url()).set("ca_file", dir_.file("ca.crt")));
  ASSERT_TRUE(status.is_ok()) << status.message();
  ASSERT_EQ(server_->request_count(), 1u);
  EXPECT_EQ(server_->last_request().method, "POST");
  EXPECT_EQ(server_->last_request().header("content-encoding"), "snappy");
}

TEST_F(RemoteWriteTlsTest, AnUnknownCaIsARetryableX509Failure) {
  start_receiver(false);
  Status status = send_once(PluginOptions().set("url", url()));  // the system roots do not know test-ca
  EXPECT_EQ(status.code(), StatusCode::kRetryable);
  EXPECT_THAT(status.message(), HasSubstr("x509"));
  EXPECT_THAT(status.message(), HasSubstr("Post \"" + url() + "\""));
  EXPECT_EQ(server_->request_count(), 0u);
}

TEST_F(RemoteWriteTlsTest, InsecureSkipVerifyAcceptsAnyCertificate) {
  start_receiver(false);
  Status status = send_once(PluginOptions().set("url", url()).set("insecure_skip_verify", "true"));
  EXPECT_TRUE(status.is_ok()) << status.message();
}

TEST_F(RemoteWriteTlsTest, PresentsTheClientCertificateWhenTheReceiverRequiresOne) {
  start_receiver(true);
  Status with = send_once(PluginOptions()
                              .set("url", url())
                              .set("ca_file", dir_.file("ca.crt"))
                              .set("client_certificate_file", dir_.file("client.crt"))
                              .set("client_key_file", dir_.file("client.key")));
  EXPECT_TRUE(with.is_ok()) << with.message();
  EXPECT_EQ(server_->request_count(), 1u);

  Status without = send_once(PluginOptions().set("url", url()).set("ca_file", dir_.file("ca.crt")));
  EXPECT_FALSE(without.is_ok());
  EXPECT_EQ(server_->request_count(), 1u);
}

}  // namespace
}  // namespace mpf::sinks::remote_write
