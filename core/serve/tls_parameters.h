#pragma once

// The serving flags that choose TLS parameters (--tls-min-version, --tls-cipher-suites,
// --tls-curve-preferences), translated from their Go/Kubernetes spellings into OpenSSL's.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/status.h"

namespace mpf::core {

// OpenSSL's protocol version for a --tls-min-version value, as Kubernetes' cliflag.TLSVersion accepts
// them: "VersionTLS10", "VersionTLS11", "VersionTLS12", "VersionTLS13". Anything else fails with
// invalid_argument quoting it. TLS 1.0 and 1.1 are accepted because Kubernetes accepts them, but
// is_legacy_tls_version() says so and the caller warns; the default (VersionTLS12) refuses both.
Result<int> parse_min_tls_version(std::string_view name) noexcept;

// True for TLS 1.0 and 1.1 (and anything older): versions that only an operator's explicit
// --tls-min-version enables.
bool is_legacy_tls_version(int version) noexcept;

// One cipher suite of Go's crypto/tls, by the name --tls-cipher-suites takes.
struct GoCipherSuite {
  std::string_view go_name;       // "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
  std::string_view openssl_name;  // "ECDHE-RSA-AES128-GCM-SHA256"
  std::uint16_t id;               // IANA value, e.g. 0xC02F
  bool tls13;                     // a TLS 1.3 suite: accepted, but not configurable (always on, as in Go)
  bool insecure;                  // in tls.InsecureCipherSuites(): accepted when named, never a default
  bool is_default;                // in Go's default TLS 1.0-1.2 list
};

// Every suite of tls.CipherSuites() and tls.InsecureCipherSuites(), in Go's server preference order
// (cipherSuitesPreferenceOrder) with the TLS 1.3 suites first. Kubernetes' two deprecated aliases
// (TLS_ECDHE_{RSA,ECDSA}_WITH_CHACHA20_POLY1305, without _SHA256) are found by find_go_cipher_suite but
// not listed here.
std::span<const GoCipherSuite> go_cipher_suites() noexcept;

// The suite called `go_name` (exact, case-sensitive, as Go's lookup); null when there is none.
const GoCipherSuite* find_go_cipher_suite(std::string_view go_name) noexcept;

// Go's default for TLS 1.0-1.2, as an OpenSSL cipher list: ECDHE with AES-GCM, ChaCha20-Poly1305, then
// AES-CBC-SHA; no RSA key exchange, 3DES, RC4 or CBC-SHA256.
std::string default_tls12_cipher_list();

// The OpenSSL cipher list (SSL_CTX_set_cipher_list) for TLS 1.0-1.2 from --tls-cipher-suites values:
// empty gives default_tls12_cipher_list(); otherwise the named suites in Go's preference order (Go
// ignores the order of the flag too), duplicates once. TLS 1.3 names are accepted and leave the
// result unchanged (TLS 1.3 suites are not configurable); a list of TLS 1.3 names only gives "", which
// means no TLS 1.2 suite at all. An unknown name fails with invalid_argument in cliflag's wording:
// "Cipher suite NAME not supported or doesn't exist".
Result<std::string> tls12_cipher_list(const std::vector<std::string>& go_names);

// The OpenSSL group name of a Go CurveID: 23 "P-256", 24 "P-384", 25 "P-521", 29 "X25519",
// 4588 "X25519MLKEM768"; empty for any other.
std::string_view curve_group_name(int curve_id) noexcept;

// Whether this OpenSSL can negotiate the TLS group called `group` (OpenSSL's name).
bool openssl_supports_group(std::string_view group) noexcept;

// Go's default curves as an OpenSSL group list: X25519MLKEM768 (when this OpenSSL has it), X25519,
// P-256, P-384, P-521.
std::string default_tls_group_list();

// The OpenSSL group list (SSL_CTX_set1_groups_list) for --tls-curve-preferences: empty gives
// default_tls_group_list(); otherwise the curves in the given order, duplicates once. An unknown ID,
// or 4588 on an OpenSSL without ML-KEM, fails with invalid_argument naming it.
Result<std::string> tls_group_list(const std::vector<int>& curve_ids);

}  // namespace mpf::core
