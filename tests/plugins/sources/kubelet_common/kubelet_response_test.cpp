#include "kubelet_common/kubelet_response.h"

#include <gtest/gtest.h>

namespace mpf::sources::kubelet {
namespace {

HttpResponse with_status(int code) {
  HttpResponse r;
  r.status_code = code;
  return r;
}

TEST(KubeletResponseTest, OkIsSuccess) {
  EXPECT_TRUE(classify_response(Status::ok(), FailureReason::kNone, with_status(200)).status.is_ok());
}

TEST(KubeletResponseTest, StatusCodesBecomeReasonsWithMetricsServersMessage) {
  auto forbidden = classify_response(Status::ok(), FailureReason::kNone, with_status(403));
  EXPECT_EQ(forbidden.reason, FailureReason::kForbidden);
  EXPECT_EQ(forbidden.status.message(), "request failed, status: \"403 Forbidden\"");
  EXPECT_EQ(forbidden.status.code(), StatusCode::kPermanent);
  auto unauthorized = classify_response(Status::ok(), FailureReason::kNone, with_status(401));
  EXPECT_EQ(unauthorized.reason, FailureReason::kUnauthorized);
  auto broken = classify_response(Status::ok(), FailureReason::kNone, with_status(500));
  EXPECT_EQ(broken.reason, FailureReason::kHttpStatus);
  EXPECT_TRUE(broken.status.is_retryable());
  EXPECT_EQ(broken.status.message(), "request failed, status: \"500 Internal Server Error\"");
  EXPECT_EQ(http_status_text(418), "418");
}

TEST(KubeletResponseTest, TransportFailuresKeepTheirReason) {
  auto timeout = classify_response(Status::retryable("context deadline exceeded"), FailureReason::kTimeout, {});
  EXPECT_EQ(timeout.reason, FailureReason::kTimeout);
  EXPECT_EQ(timeout.status.message(), "context deadline exceeded");
  // A transport failure without a reason is still a failure, never a success.
  auto unknown = classify_response(Status::retryable("x"), FailureReason::kNone, {});
  EXPECT_EQ(unknown.reason, FailureReason::kInternal);
}

}  // namespace
}  // namespace mpf::sources::kubelet
