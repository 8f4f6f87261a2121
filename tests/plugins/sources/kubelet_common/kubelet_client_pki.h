#pragma once

// The client side of kubelet mTLS for tests: a client CA (what a kubelet's --client-ca-file holds) and a
// client certificate from it (CN system:metrics-server, clientAuth), written into a test directory as
// client-ca.crt / client-ca.key and client.crt / client.key.

#include <gtest/gtest.h>

#include "core/net/cert_generator.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::test {

inline ::testing::AssertionResult write_kubelet_client_pki(const TempDir& dir) {
  core::CertificateRequest ca_request;
  ca_request.common_name = "client-ca";
  ca_request.is_ca = true;
  auto ca = core::generate_self_signed(ca_request);
  if (!ca) return ::testing::AssertionFailure() << ca.status().message();
  core::CertificateRequest client_request;
  client_request.common_name = "system:metrics-server";
  client_request.server_auth = false;
  client_request.client_auth = true;
  auto client = core::issue_certificate(client_request, *ca);
  if (!client) return ::testing::AssertionFailure() << client.status().message();
  if (Status st = core::write_pem_files(*ca, dir.file("client-ca.crt"), dir.file("client-ca.key")); !st.is_ok()) {
    return ::testing::AssertionFailure() << st.message();
  }
  if (Status st = core::write_pem_files(*client, dir.file("client.crt"), dir.file("client.key")); !st.is_ok()) {
    return ::testing::AssertionFailure() << st.message();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace mpf::test
