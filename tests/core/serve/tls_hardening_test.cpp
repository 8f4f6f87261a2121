#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "core/net/cert_generator.h"
#include "core/serve/serving_certificate.h"
#include "core/serve/serving_service.h"
#include "core/serve/tls_server_context.h"
#include "tests/mocks/test_logger.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_pki.h"

// What the HTTPS server really negotiates, seen from outside: a ServingService on 127.0.0.1 and the
// openssl command-line client (a separate TLS implementation from the server's point of view: its own
// process and defaults), plus a hand-made ClientHello where the question is what the SERVER does with
// an offer this OpenSSL's client cannot even make (3DES and RC4 are compiled out of many OpenSSL 3
// builds). Every "refused" is paired with a server configured to accept the same offer, so that a
// refusal cannot be the client's own.
//
// The server certificate is RSA: with the default ECDSA one, suites with RSA key exchange could never
// be chosen anyway and their refusal would prove nothing.

namespace mpf::core {
namespace {

bool openssl_cli_available() { return std::system("openssl version > /dev/null 2>&1") == 0; }

// The TLS alerts the tests look for (RFC 8446, 6).
constexpr int kHandshakeFailure = 40;
constexpr int kProtocolVersion = 70;

// What a server answers to one ClientHello: its ServerHello's version and suite, an alert, or nothing.
struct HelloAnswer {
  enum Kind { kServerHello, kAlert, kClosed } kind = kClosed;
  std::uint16_t version = 0;  // ServerHello.legacy_version
  std::uint16_t cipher = 0;   // ServerHello.cipher_suite
  int alert = -1;             // alert description
};

std::ostream& operator<<(std::ostream& out, const HelloAnswer& a) {
  switch (a.kind) {
    case HelloAnswer::kServerHello: return out << "ServerHello(version 0x" << std::hex << a.version << ", cipher 0x" << a.cipher << std::dec << ")";
    case HelloAnswer::kAlert: return out << "alert " << a.alert;
    case HelloAnswer::kClosed: return out << "closed";
  }
  return out;
}

void put16(std::vector<unsigned char>& out, std::size_t v) {
  out.push_back(static_cast<unsigned char>(v >> 8));
  out.push_back(static_cast<unsigned char>(v));
}

// A TLS 1.0-1.2 ClientHello (no supported_versions, so no TLS 1.3) offering exactly `ciphers`, with the
// groups, point formats and signature algorithms any server needs for ECDHE and RSA.
std::vector<unsigned char> client_hello(std::uint16_t version, const std::vector<std::uint16_t>& ciphers) {
  std::vector<unsigned char> extensions;
  const std::vector<unsigned char> groups = {0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18};  // X25519 P-256 P-384
  put16(extensions, 0x000a);
  put16(extensions, groups.size());
  extensions.insert(extensions.end(), groups.begin(), groups.end());
  const std::vector<unsigned char> formats = {0x01, 0x00};  // uncompressed
  put16(extensions, 0x000b);
  put16(extensions, formats.size());
  extensions.insert(extensions.end(), formats.begin(), formats.end());
  const std::vector<std::uint16_t> sigalgs = {0x0804, 0x0401, 0x0403, 0x0805, 0x0501, 0x0201, 0x0203};
  put16(extensions, 0x000d);
  put16(extensions, 2 + 2 * sigalgs.size());
  put16(extensions, 2 * sigalgs.size());
  for (std::uint16_t s : sigalgs) put16(extensions, s);
  put16(extensions, 0xff01);  // renegotiation_info, empty
  put16(extensions, 1);
  extensions.push_back(0);

  std::vector<unsigned char> body;
  put16(body, version);
  for (int i = 0; i < 32; ++i) body.push_back(static_cast<unsigned char>(i * 7 + 1));  // random
  body.push_back(0);  // no session id
  put16(body, 2 * ciphers.size());
  for (std::uint16_t c : ciphers) put16(body, c);
  body.push_back(1);  // compression methods: null only
  body.push_back(0);
  put16(body, extensions.size());
  body.insert(body.end(), extensions.begin(), extensions.end());

  std::vector<unsigned char> record = {0x16, 0x03, 0x01};
  put16(record, body.size() + 4);
  record.push_back(0x01);  // ClientHello
  record.push_back(0);
  put16(record, body.size());
  record.insert(record.end(), body.begin(), body.end());
  return record;
}

bool read_exactly(int fd, unsigned char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::recv(fd, data, size, 0);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Sends one ClientHello over plain TCP and reads the first record of the answer.
HelloAnswer send_hello(std::uint16_t port, std::uint16_t version, const std::vector<std::uint16_t>& ciphers) {
  HelloAnswer answer;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return answer;
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::vector<unsigned char> hello = client_hello(version, ciphers);
  unsigned char header[5];
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, hello.data(), hello.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(hello.size()) &&
      read_exactly(fd, header, sizeof header)) {
    std::vector<unsigned char> payload((header[3] << 8) | header[4]);
    if (read_exactly(fd, payload.data(), payload.size())) {
      if (header[0] == 0x15 && payload.size() >= 2) {
        answer.kind = HelloAnswer::kAlert;
        answer.alert = payload[1];
      } else if (header[0] == 0x16 && payload.size() >= 4 + 2 + 32 + 1 && payload[0] == 0x02) {
        const std::size_t session_id_length = payload[4 + 2 + 32];
        const std::size_t at = 4 + 2 + 32 + 1 + session_id_length;
        if (payload.size() >= at + 2) {
          answer.kind = HelloAnswer::kServerHello;
          answer.version = static_cast<std::uint16_t>((payload[4] << 8) | payload[5]);
          answer.cipher = static_cast<std::uint16_t>((payload[at] << 8) | payload[at + 1]);
        }
      }
    }
  }
  ::close(fd);
  return answer;
}

// One `openssl s_client` run. `input` (printf format) is what it sends once connected; it then reads
// until the server closes (-ign_eof). Without input, stdin is empty and it leaves after the handshake.
struct ClientRun {
  int exit_code = -1;
  std::string output;

  bool handshake_ok() const { return exit_code == 0 && output.find("Cipher is (NONE)") == std::string::npos; }
  bool has(const std::string& text) const { return output.find(text) != std::string::npos; }
  // The negotiated protocol: the SSL-Session block's "Protocol  : TLSv1.1", printed when the session
  // is complete (TLS 1.3 prints it only once a ticket arrived); else "New, TLSv1.3, Cipher is ...",
  // whose version is the suite's, which is the protocol's only for TLS 1.3 suites.
  std::string protocol() const {
    std::size_t at = output.find("    Protocol  : ");
    if (at != std::string::npos) return output.substr(at + 16, output.find('\n', at) - at - 16);
    at = output.find("\nNew, ");
    if (at == std::string::npos) return {};
    return output.substr(at + 6, output.find(',', at + 6) - at - 6);
  }
  // From "New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256", printed after every handshake.
  std::string cipher() const {
    const std::size_t at = output.find(", Cipher is ");
    if (at == std::string::npos) return {};
    return output.substr(at + 12, output.find('\n', at) - at - 12);
  }
  // The server alert that ended the handshake: "alert handshake failure" and the like.
  bool server_alert(const std::string& description) const { return has("alert " + description); }
};

class TlsHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!openssl_cli_available()) {
      GTEST_SKIP() << "the openssl command-line tool is not on PATH (deploy/scripts/install-deps.sh installs it)";
    }
    static const core::PemPair ca = test::TestPki::make_ca("hardening-ca");
    static const core::PemPair rsa_server = [] {
      core::CertificateRequest request;
      request.common_name = "loopback-server";
      request.ip_addresses = {"127.0.0.1"};
      request.dns_names = {"localhost"};
      request.key_algorithm = core::KeyAlgorithm::kRsa2048;
      auto made = core::issue_certificate(request, ca);
      return made.is_ok() ? *made : core::PemPair{};
    }();
    ASSERT_FALSE(rsa_server.certificate_pem.empty());
    ASSERT_TRUE(write_pem_files(rsa_server, dir_.file("tls.crt"), dir_.file("tls.key")).is_ok());
  }
  void TearDown() override { service_.stop(); }

  mpf::ServingOptions options() const {
    mpf::ServingOptions o;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    o.cert_file = dir_.file("tls.crt");
    o.key_file = dir_.file("tls.key");
    return o;
  }
  std::uint16_t serve(const mpf::ServingOptions& o) {
    auto handle = service_.serve(o, {mpf::Route{"/", [](const mpf::ServerRequest&, mpf::ServerResponse& r) {
                                                  r.body = R"({"ok":true})";
                                                }}});
    EXPECT_TRUE(handle.is_ok()) << handle.status().to_string();
    return handle.is_ok() ? (*handle)->port() : 0;
  }

  ClientRun s_client(std::uint16_t port, const std::string& args, const std::string& input = "") const {
    const std::string out = dir_.file("s_client.out");
    std::string command = "openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " " + args;
    command = input.empty() ? command + " < /dev/null" : "printf '" + input + "' | " + command + " -ign_eof";
    const int status = std::system((command + " > '" + out + "' 2>&1").c_str());
    ClientRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.output = test::read_text(out);
    return run;
  }

  test::TempDir dir_;
  test::TestLogger logger_;
  ServingService service_{ServingServiceOptions{}, std::shared_ptr<mpf::Logger>(std::shared_ptr<void>(), &logger_)};
};

const char* const kLegacyClientCiphers = "-cipher 'DEFAULT:@SECLEVEL=0'";  // OpenSSL 3 offers TLS 1.0/1.1 only so

TEST_F(TlsHardeningTest, Tls10And11AreRefusedByDefault) {
  const std::uint16_t port = serve(options());
  for (const char* version : {"-tls1", "-tls1_1"}) {
    ClientRun run = s_client(port, std::string(version) + " " + kLegacyClientCiphers);
    EXPECT_FALSE(run.handshake_ok()) << version << "\n" << run.output;
    EXPECT_TRUE(run.server_alert("protocol version")) << version << "\n" << run.output;
  }
  // The server's own answer to a TLS 1.0 or 1.1 ClientHello offering its favourite suite.
  for (std::uint16_t version : {0x0301, 0x0302}) {
    const HelloAnswer answer = send_hello(port, version, {0xC013, 0xC02F});
    EXPECT_EQ(answer.kind, HelloAnswer::kAlert) << answer;
    EXPECT_EQ(answer.alert, kProtocolVersion) << answer;
  }
  EXPECT_TRUE(logger_.events_with_message("TLS versions below 1.2 are enabled; they are deprecated (RFC 8996)").empty());

  // The same offers succeed against a server an operator configured with VersionTLS10 (warned), so the
  // refusals above were the server's.
  mpf::ServingOptions legacy = options();
  legacy.min_tls_version = "VersionTLS10";
  const std::uint16_t legacy_port = serve(legacy);
  EXPECT_EQ(logger_.events_with_message("TLS versions below 1.2 are enabled; they are deprecated (RFC 8996)").size(), 1u);
  ClientRun tls10 = s_client(legacy_port, std::string("-tls1 ") + kLegacyClientCiphers);
  EXPECT_TRUE(tls10.handshake_ok()) << tls10.output;
  EXPECT_EQ(tls10.protocol(), "TLSv1");
  ClientRun tls11 = s_client(legacy_port, std::string("-tls1_1 ") + kLegacyClientCiphers);
  EXPECT_TRUE(tls11.handshake_ok()) << tls11.output;
  EXPECT_EQ(tls11.protocol(), "TLSv1.1");
  const HelloAnswer answer = send_hello(legacy_port, 0x0301, {0xC013, 0xC02F});
  EXPECT_EQ(answer.kind, HelloAnswer::kServerHello) << answer;
  EXPECT_EQ(answer.version, 0x0301);
  EXPECT_EQ(answer.cipher, 0xC013);  // ECDHE-RSA-AES128-SHA: GCM does not exist before TLS 1.2
  // Still only the default suites: no RSA key exchange even for an old client.
  EXPECT_EQ(send_hello(legacy_port, 0x0301, {0x002F, 0x0035}).alert, kHandshakeFailure);
}

TEST_F(TlsHardeningTest, Tls12AndTls13Succeed) {
  const std::uint16_t port = serve(options());
  ClientRun tls12 = s_client(port, "-tls1_2");
  ASSERT_TRUE(tls12.handshake_ok()) << tls12.output;
  EXPECT_EQ(tls12.protocol(), "TLSv1.2");
  // The server's order: AES-128-GCM first, whatever the client prefers (its default starts with AES-256).
  EXPECT_EQ(tls12.cipher(), "ECDHE-RSA-AES128-GCM-SHA256");
  EXPECT_TRUE(tls12.has("Compression: NONE")) << tls12.output;
  EXPECT_TRUE(tls12.has("Secure Renegotiation IS supported")) << tls12.output;

  ClientRun tls13 = s_client(port, "-tls1_3");
  ASSERT_TRUE(tls13.handshake_ok()) << tls13.output;
  EXPECT_EQ(tls13.protocol(), "TLSv1.3");
  // All three TLS 1.3 suites, as Go.
  for (const char* suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
    ClientRun run = s_client(port, std::string("-tls1_3 -ciphersuites ") + suite);
    EXPECT_TRUE(run.handshake_ok()) << suite << "\n" << run.output;
    EXPECT_EQ(run.cipher(), suite);
  }
  // A whole request, ALPN http/1.1.
  ClientRun request = s_client(port, "-alpn h2,http/1.1", "GET /x HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n");
  EXPECT_TRUE(request.has("ALPN protocol: http/1.1")) << request.output;
  EXPECT_TRUE(request.has("HTTP/1.1 200 OK")) << request.output;
  EXPECT_TRUE(request.has(R"({"ok":true})")) << request.output;
}

TEST_F(TlsHardeningTest, WeakCipherSuitesAreRefusedByDefault) {
  const std::uint16_t port = serve(options());
  // Offered one at a time in a TLS 1.2 ClientHello: the server answers handshake_failure to each.
  const std::vector<std::pair<std::uint16_t, const char*>> weak = {
      {0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},          {0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
      {0x0005, "TLS_RSA_WITH_RC4_128_SHA"},               {0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"},
      {0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"},        {0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
      {0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"},        {0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
      {0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"},           {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"},
      {0x0004, "TLS_RSA_WITH_RC4_128_MD5"},               {0x0009, "TLS_RSA_WITH_DES_CBC_SHA"},
      {0x0001, "TLS_RSA_WITH_NULL_MD5"},                  {0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA"},
      {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},       {0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
  };
  for (const auto& [id, name] : weak) {
    const HelloAnswer answer = send_hello(port, 0x0303, {id});
    EXPECT_EQ(answer.kind, HelloAnswer::kAlert) << name << ": " << answer;
    EXPECT_EQ(answer.alert, kHandshakeFailure) << name << ": " << answer;
  }
  // The same hand-made hello with a good suite gets a ServerHello: the hello itself is fine.
  HelloAnswer good = send_hello(port, 0x0303, {0x009C, 0xC02F});
  EXPECT_EQ(good.kind, HelloAnswer::kServerHello) << good;
  EXPECT_EQ(good.cipher, 0xC02F);

  // And with openssl s_client. 3DES and RC4 may be compiled out of its OpenSSL; then it cannot offer
  // them at all ("no cipher match") and the hand-made hellos above are the proof.
  for (const char* cipher : {"DES-CBC3-SHA", "RC4", "AES128-SHA256", "AES128-GCM-SHA256", "AES256-SHA"}) {
    ClientRun run = s_client(port, std::string("-tls1_2 -cipher '") + cipher + ":@SECLEVEL=0'");
    EXPECT_FALSE(run.handshake_ok()) << cipher << "\n" << run.output;
    if (run.has("no cipher match")) continue;
    EXPECT_TRUE(run.server_alert("handshake failure")) << cipher << "\n" << run.output;
  }
}

TEST_F(TlsHardeningTest, CipherSuitesFlagRestrictsTls12) {
  mpf::ServingOptions o = options();
  o.cipher_suites = {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256"};
  const std::uint16_t port = serve(o);
  // An insecure suite named by the operator is served, and warned about.
  auto warned = logger_.events_with_message("Use of insecure cipher detected");
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_EQ(warned[0].field("cipher"), "TLS_RSA_WITH_AES_128_GCM_SHA256");

  ClientRun listed = s_client(port, "-tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384");
  EXPECT_TRUE(listed.handshake_ok()) << listed.output;
  EXPECT_EQ(listed.cipher(), "ECDHE-RSA-AES256-GCM-SHA384");
  ClientRun insecure = s_client(port, "-tls1_2 -cipher AES128-GCM-SHA256");
  EXPECT_TRUE(insecure.handshake_ok()) << insecure.output;  // the same command the default server refuses
  EXPECT_EQ(insecure.cipher(), "AES128-GCM-SHA256");
  for (const char* unlisted : {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-RSA-AES128-SHA"}) {
    ClientRun run = s_client(port, std::string("-tls1_2 -cipher ") + unlisted);
    EXPECT_FALSE(run.handshake_ok()) << unlisted << "\n" << run.output;
    EXPECT_TRUE(run.server_alert("handshake failure")) << unlisted << "\n" << run.output;
  }
  // A client offering everything gets the best listed suite.
  ClientRun any = s_client(port, "-tls1_2");
  EXPECT_EQ(any.cipher(), "ECDHE-RSA-AES256-GCM-SHA384") << any.output;
  // TLS 1.3 is not restricted (Go's suites there are fixed).
  ClientRun tls13 = s_client(port, "-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_TRUE(tls13.handshake_ok()) << tls13.output;

  // Only TLS 1.3 names: TLS 1.2 has no suite left, TLS 1.3 works.
  mpf::ServingOptions only13 = options();
  only13.cipher_suites = {"TLS_AES_128_GCM_SHA256"};
  const std::uint16_t port13 = serve(only13);
  EXPECT_FALSE(s_client(port13, "-tls1_2").handshake_ok());
  EXPECT_TRUE(s_client(port13, "-tls1_3").handshake_ok());

  // Bad values fail serve() naming the flag.
  mpf::ServingOptions bad = options();
  bad.cipher_suites = {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_EXPORT_WITH_RC4_40_MD5"};
  auto refused = service_.serve(bad, {});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(),
            "--tls-cipher-suites: Cipher suite TLS_RSA_EXPORT_WITH_RC4_40_MD5 not supported or doesn't exist");
  // A known suite this OpenSSL cannot serve, alone: refused at serve(), not at the first handshake.
  SSL_CTX* probe = SSL_CTX_new(TLS_server_method());
  const bool has_rc4 = SSL_CTX_set_cipher_list(probe, "RC4-SHA:@SECLEVEL=0") == 1;
  SSL_CTX_free(probe);
  if (!has_rc4) {
    bad.cipher_suites = {"TLS_RSA_WITH_RC4_128_SHA"};
    refused = service_.serve(bad, {});
    ASSERT_FALSE(refused.is_ok());
    EXPECT_EQ(refused.status().message().rfind("--tls-cipher-suites: none of the TLS 1.2 suites (RC4-SHA)", 0), 0u)
        << refused.status().message();
  }
}

TEST_F(TlsHardeningTest, CurvePreferencesRestrictGroups) {
  const std::uint16_t defaults = serve(options());
  for (const char* group : {"X25519", "P-256", "P-384", "P-521"}) {
    EXPECT_TRUE(s_client(defaults, std::string("-tls1_2 -groups ") + group).handshake_ok()) << group;
    EXPECT_TRUE(s_client(defaults, std::string("-tls1_3 -groups ") + group).handshake_ok()) << group;
  }
  EXPECT_TRUE(s_client(defaults, "-tls1_3").has("Server Temp Key: X25519")) << "X25519 is the default's first choice";

  mpf::ServingOptions o = options();
  o.curve_preferences = {24};  // P-384 only
  const std::uint16_t port = serve(o);
  ClientRun p384 = s_client(port, "-tls1_2 -groups P-384");
  EXPECT_TRUE(p384.handshake_ok()) << p384.output;
  EXPECT_TRUE(p384.has("384 bits")) << p384.output;
  EXPECT_TRUE(s_client(port, "-tls1_3 -groups P-384").handshake_ok());
  for (const char* args : {"-tls1_2 -groups P-256", "-tls1_2 -groups X25519", "-tls1_3 -groups X25519:P-256"}) {
    ClientRun run = s_client(port, args);
    EXPECT_FALSE(run.handshake_ok()) << args << "\n" << run.output;
    EXPECT_TRUE(run.server_alert("handshake failure")) << args << "\n" << run.output;
  }
  // A TLS 1.3 client that guessed X25519 but also supports P-384 is asked to retry with it.
  ClientRun retry = s_client(port, "-tls1_3 -groups X25519:P-384");
  EXPECT_TRUE(retry.handshake_ok()) << retry.output;
  EXPECT_TRUE(retry.has("384 bits")) << retry.output;

  mpf::ServingOptions bad = options();
  bad.curve_preferences = {29, 30};
  auto refused = service_.serve(bad, {});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().message().rfind("--tls-curve-preferences: unsupported curve ID 30 (", 0), 0u)
      << refused.status().message();
}

// A minimal HTTPS server on one context from make_tls_server_context: it answers each connection's
// request with the subject of the client certificate it received ("none" without one), then closes.
// For what the context alone decides (the ServingService needs a whole access control for auth.enabled,
// which is not what is under test here).
class ContextServer {
 public:
  explicit ContextServer(std::shared_ptr<boost::asio::ssl::context> context)
      : context_(std::move(context)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this] { run(); }) {}
  ~ContextServer() {
    stopping_ = true;
    boost::system::error_code ignored;
    boost::asio::ip::tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ignored);  // unblocks accept()
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void run() {
    while (!stopping_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(std::move(socket), *context_);
      stream.handshake(boost::asio::ssl::stream_base::server, ec);
      if (ec) continue;
      boost::asio::streambuf request;
      boost::asio::read_until(stream, request, "\r\n\r\n", ec);
      if (ec) continue;
      std::string peer = "none";
      if (X509* cert = SSL_get1_peer_certificate(stream.native_handle())) {
        char name[256];
        X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name);
        peer = name;
        X509_free(cert);
      }
      const std::string body = "peer=" + peer;
      const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                                   "\r\nConnection: close\r\n\r\n" + body;
      boost::asio::write(stream, boost::asio::buffer(response), ec);
      stream.shutdown(ec);
    }
  }

  std::shared_ptr<boost::asio::ssl::context> context_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

TEST_F(TlsHardeningTest, ClientCertificateIsRequestedNotRequiredWithAuthentication) {
  // auth.enabled is what turns request_client_certificate on.
  mpf::ServingOptions o = options();
  EXPECT_FALSE(ServingCertificate::tls_settings_for(o, logger_)->request_client_certificate);
  o.auth.enabled = true;
  auto settings = ServingCertificate::tls_settings_for(o, logger_);
  ASSERT_TRUE(settings.is_ok()) << settings.status().to_string();
  ASSERT_TRUE(settings->request_client_certificate);

  const ServingPem pem{test::read_text(dir_.file("tls.crt")), "tls.crt", test::read_text(dir_.file("tls.key")), "tls.key"};
  auto requesting = make_tls_server_context(pem, *settings);
  ASSERT_TRUE(requesting.is_ok()) << requesting.status().to_string();
  settings->request_client_certificate = false;
  auto plain_context = make_tls_server_context(pem, *settings);
  ASSERT_TRUE(plain_context.is_ok()) << plain_context.status().to_string();
  ContextServer plain(*plain_context);
  ContextServer server(*requesting);
  const std::string request = "GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n";

  // Without it, no CertificateRequest.
  for (const char* version : {"-tls1_2", "-tls1_3"}) {
    ClientRun run = s_client(plain.port(), std::string(version) + " -msg", request);
    EXPECT_TRUE(run.has("peer=none")) << version << "\n" << run.output;
    EXPECT_FALSE(run.has("CertificateRequest")) << version << "\n" << run.output;
  }
  for (const char* version : {"-tls1_2", "-tls1_3"}) {
    // Requested, with no CA names (so a Go client sends its certificate whoever issued it)...
    ClientRun run = s_client(server.port(), std::string(version) + " -msg", request);
    EXPECT_TRUE(run.has("CertificateRequest")) << version << "\n" << run.output;
    EXPECT_TRUE(run.has("No client certificate CA names sent")) << version << "\n" << run.output;
    EXPECT_FALSE(run.has("Acceptable client certificate CA names")) << version << "\n" << run.output;
    // ...not required: the handshake succeeds without one and the request is answered.
    EXPECT_TRUE(run.has("peer=none")) << version << "\n" << run.output;
  }

  // A client certificate from a CA the server knows nothing about passes the TLS layer (the
  // authenticator checks chains against its own CAs later) and reaches the server.
  test::TestPki stranger = test::TestPki::make();
  ASSERT_TRUE(stranger.ok());
  ASSERT_TRUE(write_pem_files(stranger.client, dir_.file("client.crt"), dir_.file("client.key")).is_ok());
  const std::string with_cert = " -cert '" + dir_.file("client.crt") + "' -key '" + dir_.file("client.key") + "'";
  for (const char* version : {"-tls1_2", "-tls1_3"}) {
    ClientRun run = s_client(server.port(), version + with_cert, request);
    EXPECT_TRUE(run.has("peer=/CN=system:metrics-server")) << version << "\n" << run.output;
    EXPECT_FALSE(run.has("alert")) << version << "\n" << run.output;
  }
  // The same certificate is not even asked for without auth.
  EXPECT_TRUE(s_client(plain.port(), "-tls1_3" + with_cert, request).has("peer=none"));

  // Resumption still works with client certificates requested (it needs a session id context).
  const std::string session = dir_.file("session.pem");
  ClientRun first = s_client(server.port(), "-tls1_2 -sess_out '" + session + "'", request);
  ASSERT_TRUE(first.has("peer=none")) << first.output;
  ClientRun resumed = s_client(server.port(), "-tls1_2 -sess_in '" + session + "'", request);
  EXPECT_TRUE(resumed.has("Reused, TLSv1.2")) << resumed.output;
  EXPECT_TRUE(resumed.has("peer=none")) << resumed.output;
}

TEST_F(TlsHardeningTest, RenegotiationIsRefused) {
  const std::uint16_t port = serve(options());
  // "R" asks s_client to renegotiate; the server declines with a no_renegotiation alert. The pause
  // keeps stdin open long enough for the answer to arrive.
  const std::string out = dir_.file("reneg.out");
  const std::string command = "(printf 'R\\n'; sleep 1) | openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                              " -tls1_2 -msg > '" + out + "' 2>&1";
  std::system(command.c_str());
  const std::string output = test::read_text(out);
  EXPECT_NE(output.find("RENEGOTIATING"), std::string::npos) << output;
  EXPECT_NE(output.find("no_renegotiation"), std::string::npos) << output;
}

}  // namespace
}  // namespace mpf::core
