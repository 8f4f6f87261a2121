#include "core/serve/tls_parameters.h"

#include <algorithm>
#include <array>
#include <memory>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace mpf::core {
namespace {

// Go's cipherSuitesPreferenceOrder (crypto/tls, with AES hardware), TLS 1.3 first. `insecure` marks
// RC4, 3DES, CBC-SHA256 and RSA key exchange: Go's InsecureCipherSuites() plus the suites Go dropped
// from its defaults; Kubernetes accepts them all by name.
constexpr std::array<GoCipherSuite, 25> kSuites{{
    // TLS 1.3: always enabled, in OpenSSL as in Go.
    {"TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", 0x1301, true, false, false},
    {"TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", 0x1302, true, false, false},
    {"TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", 0x1303, true, false, false},
    // AEADs with ECDHE.
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", 0xC02B, false, false, true},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", 0xC02F, false, false, true},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", 0xC02C, false, false, true},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", 0xC030, false, false, true},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", 0xCCA9, false, false, true},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", 0xCCA8, false, false, true},
    // CBC with ECDHE.
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", 0xC009, false, false, true},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA", 0xC013, false, false, true},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", 0xC00A, false, false, true},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA", 0xC014, false, false, true},
    // RSA key exchange (no forward secrecy).
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", 0x009C, false, true, false},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", 0x009D, false, true, false},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", 0x002F, false, true, false},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", 0x0035, false, true, false},
    // 3DES (Sweet32).
    {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA", 0xC012, false, true, false},
    {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA", 0x000A, false, true, false},
    // CBC-SHA256 (no Lucky13 countermeasures in Go).
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", 0xC023, false, true, false},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256", 0xC027, false, true, false},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", 0x003C, false, true, false},
    // RC4 (most OpenSSL 3 builds cannot negotiate it at all: it lives in the legacy provider).
    {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA", 0xC007, false, true, false},
    {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA", 0xC011, false, true, false},
    {"TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA", 0x0005, false, true, false},
}};

struct Curve {
  int id;
  std::string_view group;
};
constexpr std::array<Curve, 5> kCurves{{
    {23, "P-256"},
    {24, "P-384"},
    {25, "P-521"},
    {29, "X25519"},
    {4588, "X25519MLKEM768"},
}};

void append(std::string& list, std::string_view item) {
  if (!list.empty()) list += ':';
  list += item;
}

}  // namespace

Result<int> parse_min_tls_version(std::string_view name) noexcept {
  if (name == "VersionTLS10") return TLS1_VERSION;
  if (name == "VersionTLS11") return TLS1_1_VERSION;
  if (name == "VersionTLS12") return TLS1_2_VERSION;
  if (name == "VersionTLS13") return TLS1_3_VERSION;
  return Status::invalid_argument("unsupported TLS minimum version \"" + std::string(name) +
                                  "\" (want VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13)");
}

bool is_legacy_tls_version(int version) noexcept { return version < TLS1_2_VERSION; }

std::span<const GoCipherSuite> go_cipher_suites() noexcept { return kSuites; }

const GoCipherSuite* find_go_cipher_suite(std::string_view go_name) noexcept {
  // cliflag keeps these two names of Go 1.12 and before working.
  if (go_name == "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305") go_name = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
  if (go_name == "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305") go_name = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
  for (const GoCipherSuite& suite : kSuites) {
    if (suite.go_name == go_name) return &suite;
  }
  return nullptr;
}

std::string default_tls12_cipher_list() {
  std::string list;
  for (const GoCipherSuite& suite : kSuites) {
    if (suite.is_default) append(list, suite.openssl_name);
  }
  return list;
}

Result<std::string> tls12_cipher_list(const std::vector<std::string>& go_names) {
  if (go_names.empty()) return default_tls12_cipher_list();
  std::vector<bool> chosen(kSuites.size(), false);
  for (const std::string& name : go_names) {
    const GoCipherSuite* suite = find_go_cipher_suite(name);
    if (suite == nullptr) return Status::invalid_argument("Cipher suite " + name + " not supported or doesn't exist");
    chosen[static_cast<std::size_t>(suite - kSuites.data())] = true;
  }
  std::string list;
  for (std::size_t i = 0; i < kSuites.size(); ++i) {
    if (chosen[i] && !kSuites[i].tls13) append(list, kSuites[i].openssl_name);
  }
  return list;
}

std::string_view curve_group_name(int curve_id) noexcept {
  for (const Curve& curve : kCurves) {
    if (curve.id == curve_id) return curve.group;
  }
  return {};
}

bool openssl_supports_group(std::string_view group) noexcept {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_server_method()), &SSL_CTX_free);
  if (!context) {
    ERR_clear_error();
    return false;
  }
  const bool ok = SSL_CTX_set1_groups_list(context.get(), std::string(group).c_str()) == 1;
  ERR_clear_error();
  return ok;
}

std::string default_tls_group_list() {
  static const bool mlkem = openssl_supports_group("X25519MLKEM768");
  return mlkem ? "X25519MLKEM768:X25519:P-256:P-384:P-521" : "X25519:P-256:P-384:P-521";
}

Result<std::string> tls_group_list(const std::vector<int>& curve_ids) {
  if (curve_ids.empty()) return default_tls_group_list();
  std::string list;
  std::vector<int> seen;
  for (int id : curve_ids) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    const std::string_view group = curve_group_name(id);
    if (group.empty()) {
      return Status::invalid_argument("unsupported curve ID " + std::to_string(id) +
                                      " (want 23 (P-256), 24 (P-384), 25 (P-521), 29 (X25519) or 4588 (X25519MLKEM768))");
    }
    if (!openssl_supports_group(group)) {
      return Status::invalid_argument("curve ID " + std::to_string(id) + " (" + std::string(group) +
                                      ") is not supported by this OpenSSL (" + OpenSSL_version(OPENSSL_VERSION) + ")");
    }
    append(list, group);
  }
  return list;
}

}  // namespace mpf::core
