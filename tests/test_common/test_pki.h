#pragma once

// Certificates for TLS tests, made with core/net/cert_generator and written to a private temporary
// directory that is removed with the object.

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/net/cert_generator.h"

namespace mpf::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mpf_test_XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

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

  bool ok() const { return !ca.certificate_pem.empty() && !server.certificate_pem.empty() && !client.certificate_pem.empty(); }
};

}  // namespace mpf::test
