// Start-up of delegated authentication: what stops it, in the API server's words. (Requests through it
// are exercised end to end by tests/integration/delegated_auth_test.sh against fake-apiserver.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/auth/access_control.h"
#include "core/status/self_metrics_registry.h"
#include "tests/mocks/test_logger.h"

namespace mpf::core::auth {
namespace {

using ::testing::HasSubstr;

EnvLookup no_environment() {
  return [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
}

TEST(AccessControlTest, OutOfAClusterWithoutAKubeconfigItCannotStart) {
  test::TestLogger logger;
  SelfMetricsRegistry metrics;
  mpf::DelegatedAuthOptions options;
  options.enabled = true;
  auto control = AccessControl::create(options, no_environment(), logger, metrics);
  ASSERT_FALSE(control.is_ok());
  EXPECT_EQ(control.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(control.status().message(),
              HasSubstr("failed to get delegated authentication kubeconfig: unable to load in-cluster configuration, "
                        "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"));
}

TEST(AccessControlTest, UnreadableFilesNameTheirFlag) {
  test::TestLogger logger;
  SelfMetricsRegistry metrics;
  mpf::DelegatedAuthOptions options;
  options.enabled = true;
  options.fallback_kubeconfig = "/nonexistent/kubeconfig";
  options.client_ca_file = "/nonexistent/client-ca.crt";
  EXPECT_THAT(AccessControl::create(options, no_environment(), logger, metrics).status().message(),
              HasSubstr("--client-ca-file: cannot read \"/nonexistent/client-ca.crt\""));
  options.client_ca_file.clear();
  EXPECT_THAT(AccessControl::create(options, no_environment(), logger, metrics).status().message(),
              HasSubstr("failed to get delegated authentication kubeconfig: kubeconfig \"/nonexistent/kubeconfig\""));
}

}  // namespace
}  // namespace mpf::core::auth
