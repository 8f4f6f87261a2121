#pragma once

// Certificates for TLS tests, made with core/net/cert_generator.

#include <string>
#include <vector>

#include "core/net/cert_generator.h"
#include "tests/test_common/temp_dir.h"  // TempDir, used with these in most TLS tests

namespace mpf::test {

// A CA, a server certificate for the loopback addresses it is given, and a client certificate.
struct TestPki {
  core::PemPair ca;
  core::PemPair server;
  core::PemPair client;

  // Issues a server certificate from `ca` for the given SANs.
  static core::PemPair issue_server(const core::PemPair& ca, std::vector<std::string> ip_addresses,
                                    std::vector<std::string> dns_names) {
    core::CertificateRequest request;
    request.common_name = "loopback-server";
    request.ip_addresses = std::move(ip_addresses);
    request.dns_names = std::move(dns_names);
    auto made = core::issue_certificate(request, ca);
    return made.is_ok() ? *made : core::PemPair{};
  }

  static core::PemPair make_ca(const std::string& name) {
    core::CertificateRequest request;
    request.common_name = name;
    request.is_ca = true;
    auto made = core::generate_self_signed(request);
    return made.is_ok() ? *made : core::PemPair{};
  }

  // Server SANs default to what loopback tests dial: 127.0.0.1, ::1 and localhost.
  static TestPki make(std::vector<std::string> server_ips = {"127.0.0.1", "::1"},
                      std::vector<std::string> server_dns = {"localhost"}) {
    TestPki pki;
    pki.ca = make_ca("test-ca");
    pki.server = issue_server(pki.ca, std::move(server_ips), std::move(server_dns));
    core::CertificateRequest client;
    client.common_name = "system:metrics-server";
    client.server_auth = false;
    client.client_auth = true;
    auto made = core::issue_certificate(client, pki.ca);
    if (made.is_ok()) pki.client = *made;
    return pki;
  }

  bool ok() const {
    return !ca.certificate_pem.empty() && !server.certificate_pem.empty() && !client.certificate_pem.empty();
  }
};

}  // namespace mpf::test
