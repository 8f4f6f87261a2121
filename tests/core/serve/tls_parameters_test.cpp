#include "core/serve/tls_parameters.h"

#include <openssl/ssl.h>

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/serve/serving_certificate.h"
#include "core/serve/tls_server_context.h"
#include "tests/mocks/test_logger.h"

// The translation of --tls-min-version, --tls-cipher-suites and --tls-curve-preferences from Go's and
// Kubernetes' spellings into OpenSSL's. What the server then really negotiates is in
// tls_hardening_test.cpp.

namespace mpf::core {
namespace {

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size() && !list.empty()) {
    const std::size_t colon = list.find(':', start);
    out.push_back(list.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

TEST(TlsParametersTest, MinVersionTakesKubernetesNames) {
  EXPECT_EQ(*parse_min_tls_version("VersionTLS12"), TLS1_2_VERSION);
  EXPECT_EQ(*parse_min_tls_version("VersionTLS13"), TLS1_3_VERSION);
  // Accepted as cliflag.TLSVersion does, but flagged as legacy (the caller warns).
  EXPECT_EQ(*parse_min_tls_version("VersionTLS10"), TLS1_VERSION);
  EXPECT_EQ(*parse_min_tls_version("VersionTLS11"), TLS1_1_VERSION);
  EXPECT_TRUE(is_legacy_tls_version(TLS1_VERSION));
  EXPECT_TRUE(is_legacy_tls_version(TLS1_1_VERSION));
  EXPECT_FALSE(is_legacy_tls_version(TLS1_2_VERSION));
  EXPECT_FALSE(is_legacy_tls_version(TLS1_3_VERSION));
  for (const char* bad : {"", "VersionTLS14", "TLS12", "versiontls12", "VersionSSL30", "1.2"}) {
    auto parsed = parse_min_tls_version(bad);
    ASSERT_FALSE(parsed.is_ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), "unsupported TLS minimum version \"" + std::string(bad) +
                                             "\" (want VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13)");
  }
}

TEST(TlsParametersTest, MapsEveryGoSuiteToAnOpenSslName) {
  // tls.CipherSuites() and tls.InsecureCipherSuites(), by IANA value.
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"},
      {"TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"},
      {"TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
      {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
      {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
      {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
      {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
      {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
      {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
      {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
      {"TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA"},
      {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"},
      {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
      {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
      {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
      {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
      {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
      {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA"},
      {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA"},
      {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
      {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
  };
  EXPECT_EQ(go_cipher_suites().size(), expected.size());
  for (const auto& [go, openssl] : expected) {
    const GoCipherSuite* suite = find_go_cipher_suite(go);
    ASSERT_NE(suite, nullptr) << go;
    EXPECT_EQ(suite->openssl_name, openssl) << go;
  }
  // The IDs agree with OpenSSL's own table, wherever this OpenSSL knows the suite.
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  ASSERT_NE(context, nullptr);
  ASSERT_EQ(SSL_CTX_set_cipher_list(context, "ALL:COMPLEMENTOFALL:@SECLEVEL=0"), 1);
  SSL* ssl = SSL_new(context);
  ASSERT_NE(ssl, nullptr);
  int known = 0;
  for (const GoCipherSuite& suite : go_cipher_suites()) {
    const unsigned char bytes[2] = {static_cast<unsigned char>(suite.id >> 8), static_cast<unsigned char>(suite.id)};
    const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, bytes);
    if (cipher == nullptr) continue;  // e.g. RC4 where only the legacy provider has it
    ++known;
    EXPECT_EQ(std::string(SSL_CIPHER_get_name(cipher)), suite.openssl_name) << suite.go_name;
    EXPECT_EQ(std::string(SSL_CIPHER_standard_name(cipher)), suite.go_name);  // IANA names, as Go's
  }
  EXPECT_GE(known, 19);
  SSL_free(ssl);
  SSL_CTX_free(context);

  // cliflag's deprecated aliases.
  EXPECT_EQ(find_go_cipher_suite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"),
            find_go_cipher_suite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
  EXPECT_EQ(find_go_cipher_suite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"),
            find_go_cipher_suite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
  // Names are exact, as Go's map lookup.
  EXPECT_EQ(find_go_cipher_suite("tls_ecdhe_rsa_with_aes_128_gcm_sha256"), nullptr);
  EXPECT_EQ(find_go_cipher_suite("ECDHE-RSA-AES128-GCM-SHA256"), nullptr);
}

TEST(TlsParametersTest, DefaultIsGosModernTls12List) {
  const std::string list = default_tls12_cipher_list();
  EXPECT_EQ(list,
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
            "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA");
  EXPECT_EQ(*tls12_cipher_list({}), list);
  const std::vector<std::string> names = split(list);
  const std::set<std::string> in_default(names.begin(), names.end());
  for (const std::string& name : names) {
    EXPECT_EQ(name.rfind("ECDHE-", 0), 0u) << name << ": every default suite has forward secrecy";
    EXPECT_EQ(name.find("RC4"), std::string::npos) << name;
    EXPECT_EQ(name.find("DES"), std::string::npos) << name;
    const bool aead = name.find("GCM") != std::string::npos || name.find("POLY1305") != std::string::npos;
    EXPECT_TRUE(aead || name.size() < 7 || name.compare(name.size() - 7, 7, "-SHA256") != 0) << name << ": CBC-SHA256";
  }
  // No insecure (or TLS 1.3) suite is in the list.
  for (const GoCipherSuite& suite : go_cipher_suites()) {
    EXPECT_EQ(in_default.count(std::string(suite.openssl_name)), suite.is_default ? 1u : 0u) << suite.go_name;
    if (suite.insecure || suite.tls13) EXPECT_FALSE(suite.is_default) << suite.go_name;
  }
  // What OpenSSL makes of the default list: exactly those ten suites, none without ECDHE.
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  ASSERT_NE(context, nullptr);
  ASSERT_EQ(SSL_CTX_set_cipher_list(context, list.c_str()), 1);
  int tls12 = 0;
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(context);
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
    if (std::string(SSL_CIPHER_get_name(cipher)).rfind("TLS_", 0) == 0) continue;  // TLS 1.3 suites
    ++tls12;
    EXPECT_EQ(SSL_CIPHER_get_kx_nid(cipher), NID_kx_ecdhe) << SSL_CIPHER_get_name(cipher);
  }
  EXPECT_EQ(tls12, 10);
  SSL_CTX_free(context);
}

TEST(TlsParametersTest, WeakSuitesAreMarkedInsecure) {
  for (const char* weak : {"TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
                           "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256",
                           "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
                           "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
                           "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                           "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}) {
    const GoCipherSuite* suite = find_go_cipher_suite(weak);
    ASSERT_NE(suite, nullptr) << weak;
    EXPECT_TRUE(suite->insecure) << weak;
    EXPECT_FALSE(suite->is_default) << weak;
  }
  int defaults = 0;
  for (const GoCipherSuite& suite : go_cipher_suites()) defaults += suite.is_default ? 1 : 0;
  EXPECT_EQ(defaults, 10);
}

TEST(TlsParametersTest, NamedSuitesFollowGosPreferenceOrderAndSkipTls13) {
  // The flag's order does not matter (Go orders by its own preference); duplicates count once.
  auto list = tls12_cipher_list({"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_AES_128_GCM_SHA256",
                                 "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"});
  ASSERT_TRUE(list.is_ok()) << list.status().to_string();
  EXPECT_EQ(*list, "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA");
  // Insecure suites are accepted when named, as Kubernetes accepts them.
  list = tls12_cipher_list({"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"});
  ASSERT_TRUE(list.is_ok());
  EXPECT_EQ(*list, "AES128-GCM-SHA256:DES-CBC3-SHA");
  // The deprecated alias names the same suite.
  EXPECT_EQ(*tls12_cipher_list({"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"}), "ECDHE-ECDSA-CHACHA20-POLY1305");
  // Only TLS 1.3 names: no TLS 1.2 suite at all.
  EXPECT_EQ(*tls12_cipher_list({"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}), "");
}

TEST(TlsParametersTest, UnknownSuiteFailsInKubernetesWording) {
  for (const char* bad : {"TLS_RSA_WITH_NULL_SHA", "ECDHE-RSA-AES128-GCM-SHA256", "", "tls_aes_128_gcm_sha256"}) {
    auto list = tls12_cipher_list({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", bad});
    ASSERT_FALSE(list.is_ok()) << bad;
    EXPECT_EQ(list.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(list.status().message(), "Cipher suite " + std::string(bad) + " not supported or doesn't exist");
  }
}

TEST(TlsParametersTest, CurveIdsBecomeOpenSslGroups) {
  EXPECT_EQ(curve_group_name(23), "P-256");
  EXPECT_EQ(curve_group_name(24), "P-384");
  EXPECT_EQ(curve_group_name(25), "P-521");
  EXPECT_EQ(curve_group_name(29), "X25519");
  EXPECT_EQ(curve_group_name(4588), "X25519MLKEM768");
  EXPECT_EQ(curve_group_name(30), "");  // X448: not a Go curve
  EXPECT_EQ(*tls_group_list({29, 23}), "X25519:P-256");
  EXPECT_EQ(*tls_group_list({24, 24, 25}), "P-384:P-521");

  const bool mlkem = openssl_supports_group("X25519MLKEM768");
  EXPECT_EQ(*tls_group_list({}), mlkem ? "X25519MLKEM768:X25519:P-256:P-384:P-521" : "X25519:P-256:P-384:P-521");
  EXPECT_EQ(default_tls_group_list(), *tls_group_list({}));
  auto hybrid = tls_group_list({4588, 29});
  if (mlkem) {
    EXPECT_EQ(*hybrid, "X25519MLKEM768:X25519");
  } else {
    ASSERT_FALSE(hybrid.is_ok());
    EXPECT_EQ(hybrid.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(hybrid.status().message().rfind("curve ID 4588 (X25519MLKEM768) is not supported by this OpenSSL (", 0),
              0u)
        << hybrid.status().message();
  }
  for (int bad : {0, 22, 30, 256, -1, 65535}) {
    auto list = tls_group_list({23, bad});
    ASSERT_FALSE(list.is_ok()) << bad;
    EXPECT_EQ(list.status().message(),
              "unsupported curve ID " + std::to_string(bad) +
                  " (want 23 (P-256), 24 (P-384), 25 (P-521), 29 (X25519) or 4588 (X25519MLKEM768))");
  }
}

TEST(TlsParametersTest, SettingsFromServingOptionsNameTheFlag) {
  test::TestLogger log;
  mpf::ServingOptions options;
  auto settings = ServingCertificate::tls_settings_for(options, log);
  ASSERT_TRUE(settings.is_ok()) << settings.status().to_string();
  EXPECT_EQ(settings->min_version, TLS1_2_VERSION);
  EXPECT_EQ(settings->cipher_list, default_tls12_cipher_list());
  EXPECT_EQ(settings->groups, default_tls_group_list());
  EXPECT_FALSE(settings->request_client_certificate);
  EXPECT_TRUE(log.events().empty());
  // A default-constructed TlsServerSettings is the same safe default.
  const TlsServerSettings plain;
  EXPECT_EQ(plain.min_version, TLS1_2_VERSION);
  EXPECT_EQ(plain.cipher_list, default_tls12_cipher_list());
  EXPECT_EQ(plain.groups, default_tls_group_list());
  EXPECT_FALSE(plain.request_client_certificate);

  options.auth.enabled = true;
  options.cipher_suites = {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA256"};
  options.curve_preferences = {24};
  options.min_tls_version = "VersionTLS11";
  settings = ServingCertificate::tls_settings_for(options, log);
  ASSERT_TRUE(settings.is_ok()) << settings.status().to_string();
  EXPECT_EQ(settings->min_version, TLS1_1_VERSION);
  EXPECT_EQ(settings->cipher_list, "ECDHE-ECDSA-AES256-GCM-SHA384:AES128-SHA256");
  EXPECT_EQ(settings->groups, "P-384");
  EXPECT_TRUE(settings->request_client_certificate);
  // Warned: the legacy minimum and the insecure suite (not the secure one).
  ASSERT_EQ(log.events_with_message("TLS versions below 1.2 are enabled; they are deprecated (RFC 8996)").size(), 1u);
  auto insecure = log.events_with_message("Use of insecure cipher detected");
  ASSERT_EQ(insecure.size(), 1u);
  EXPECT_EQ(insecure[0].field("cipher"), "TLS_RSA_WITH_AES_128_CBC_SHA256");
  EXPECT_EQ(insecure[0].severity, mpf::Severity::kWarning);

  mpf::ServingOptions bad_cipher;
  bad_cipher.cipher_suites = {"TLS_FANCY"};
  auto refused = ServingCertificate::tls_settings_for(bad_cipher, log);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().message(), "--tls-cipher-suites: Cipher suite TLS_FANCY not supported or doesn't exist");
  mpf::ServingOptions bad_curve;
  bad_curve.curve_preferences = {29, 31};
  refused = ServingCertificate::tls_settings_for(bad_curve, log);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().message().rfind("--tls-curve-preferences: unsupported curve ID 31 (", 0), 0u)
      << refused.status().message();
  mpf::ServingOptions bad_version;
  bad_version.min_tls_version = "VersionTLS14";
  refused = ServingCertificate::tls_settings_for(bad_version, log);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("\"VersionTLS14\""), std::string::npos);
}

}  // namespace
}  // namespace mpf::core
