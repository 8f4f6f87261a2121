#include "core/discovery/api_connection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "core/discovery/base64.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::core {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kOrigin = "/home/me/.kube/config";
constexpr std::string_view kDirectory = "/home/me/.kube";

// PEM-shaped text and its base64, as kubectl --embed-certs writes it (the key's encoding is padded).
constexpr std::string_view kCaPem = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
constexpr std::string_view kCaBase64 = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNBCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K";
constexpr std::string_view kCertPem = "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n";
constexpr std::string_view kCertBase64 =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNMSUVOVAotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==";
constexpr std::string_view kKeyPem = "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n";
constexpr std::string_view kKeyBase64 = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCktFWQotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==";

Result<ApiServerConnection> parse(std::string_view text, std::string_view context = {}) {
  return parse_kubeconfig(text, kOrigin, kDirectory, context);
}

// The message of a parse that must fail with invalid_argument.
std::string error_of(std::string_view text, std::string_view context = {}) {
  Result<ApiServerConnection> result = parse(text, context);
  EXPECT_FALSE(result.is_ok()) << "expected an error for:\n" << text;
  if (result.is_ok()) return "";
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), StartsWith("kubeconfig \"/home/me/.kube/config\": "));
  return result.status().message();
}

// One context "c" on cluster "c" (with `cluster` lines) and user "u" (with `user` lines); each line is
// indented under its mapping.
std::string single(std::string_view cluster, std::string_view user = "token: t") {
  return "clusters:\n- name: c\n  cluster:\n    " + std::string(cluster) + "\nusers:\n- name: u\n  user:\n    " +
         std::string(user) + "\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\n";
}

std::string with_server(std::string_view server) { return single("server: " + std::string(server)); }

EnvGetter fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// Several clusters, users and contexts, in the shapes kubectl writes.
const std::string kMulti = std::string(R"(apiVersion: v1
kind: Config
preferences: {}
clusters:
- name: prod
  cluster:
    server: https://prod.example.com:6443
    certificate-authority: certs/prod-ca.crt
- name: dev
  cluster:
    server: https://[fd00::1]:8443/k8s/
    certificate-authority-data: )") + std::string(kCaBase64) + R"(
- name: local
  cluster:
    server: http://127.0.0.1:8080
users:
- name: admin
  user:
    client-certificate: /etc/kubernetes/admin.crt
    client-key: keys/admin.key
- name: robot
  user:
    token: abc.def
- name: rotating
  user:
    token: fixed
    tokenFile: ../tokens/robot
- name: embedded
  user:
    client-certificate-data: )" + std::string(kCertBase64) + R"(
    client-key-data: )" + std::string(kKeyBase64) + R"(
contexts:
- name: prod-admin
  context:
    cluster: prod
    user: admin
    namespace: kube-system
- name: dev-robot
  context: {cluster: dev, user: robot}
- name: dev-rotating
  context: {cluster: dev, user: rotating}
- name: prod-embedded
  context: {cluster: prod, user: embedded}
- name: local-anonymous
  context:
    cluster: local
current-context: prod-admin
)";

// ---- Selection and fields --------------------------------------------------------------------------

TEST(KubeconfigTest, CurrentContextSelectsItsClusterAndUser) {
  Result<ApiServerConnection> c = parse(kMulti);
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->host, "prod.example.com");
  EXPECT_EQ(c->port, 6443);
  EXPECT_EQ(c->path_prefix, "");
  EXPECT_TRUE(c->http.tls);
  EXPECT_FALSE(c->http.insecure_skip_verify);
  EXPECT_EQ(c->http.ca_file, "/home/me/.kube/certs/prod-ca.crt");  // relative: against the file's directory
  EXPECT_EQ(c->http.ca_pem, "");
  EXPECT_EQ(c->http.client_certificate_file, "/etc/kubernetes/admin.crt");  // absolute: kept
  EXPECT_EQ(c->http.client_key_file, "/home/me/.kube/keys/admin.key");
  EXPECT_EQ(c->http.bearer_token, "");
  EXPECT_EQ(c->http.bearer_token_file, "");
  EXPECT_EQ(c->http.user_agent, "metrics-server");
  EXPECT_EQ(c->description,
            "kubeconfig \"/home/me/.kube/config\" (context \"prod-admin\", server https://prod.example.com:6443)");
  EXPECT_TRUE(c->warnings.empty());
}

TEST(KubeconfigTest, ContextArgumentOverridesCurrentContext) {
  Result<ApiServerConnection> c = parse(kMulti, "dev-robot");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->host, "fd00::1");  // brackets dropped, as HttpRequest::host wants
  EXPECT_EQ(c->port, 8443);
  EXPECT_EQ(c->path_prefix, "/k8s");  // trailing slash dropped
  EXPECT_EQ(c->http.ca_pem, kCaPem);
  EXPECT_EQ(c->http.ca_file, "");
  EXPECT_EQ(c->http.bearer_token, "abc.def");
  EXPECT_EQ(c->http.client_certificate_file, "");
  EXPECT_EQ(c->description,
            "kubeconfig \"/home/me/.kube/config\" (context \"dev-robot\", server https://[fd00::1]:8443/k8s/)");
}

TEST(KubeconfigTest, TokenFileWinsOverTokenAndIsResolved) {
  Result<ApiServerConnection> c = parse(kMulti, "dev-rotating");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->http.bearer_token_file, "/home/me/tokens/robot");
  EXPECT_EQ(c->http.bearer_token, "");
}

TEST(KubeconfigTest, EmbeddedClientCertificateIsDecoded) {
  Result<ApiServerConnection> c = parse(kMulti, "prod-embedded");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->http.client_certificate_pem, kCertPem);
  EXPECT_EQ(c->http.client_key_pem, kKeyPem);
  EXPECT_EQ(c->http.client_certificate_file, "");
  EXPECT_EQ(c->http.client_key_file, "");
  EXPECT_EQ(c->http.ca_file, "/home/me/.kube/certs/prod-ca.crt");
}

TEST(KubeconfigTest, ContextWithoutUserIsAnonymousOverPlainHttp) {
  Result<ApiServerConnection> c = parse(kMulti, "local-anonymous");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_FALSE(c->http.tls);
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->http.bearer_token, "");
  EXPECT_EQ(c->http.bearer_token_file, "");
  EXPECT_EQ(c->http.client_certificate_file, "");
}

TEST(KubeconfigTest, RelativePathsStayRelativeWithoutDirectory) {
  Result<ApiServerConnection> c = parse_kubeconfig(kMulti, "inline", "", "dev-rotating");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->http.bearer_token_file, "../tokens/robot");
}

TEST(KubeconfigTest, InsecureSkipTlsVerifyWithoutCa) {
  Result<ApiServerConnection> c = parse(single("server: https://h\n    insecure-skip-tls-verify: true"));
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_TRUE(c->http.insecure_skip_verify);
  EXPECT_EQ(c->port, 443);
}

TEST(KubeconfigTest, IgnoresFieldsThatDoNotAffectTheConnection) {
  Result<ApiServerConnection> c = parse(single(
      "server: https://h\n    disable-compression: true\n    extensions:\n    - name: x\n      extension: {a: 1}",
      "token: t\n    extensions: []\n    exec: null\n    as-groups: []\n    username: \"\""));
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->http.bearer_token, "t");
}

TEST(KubeconfigTest, NoVariableExpansion) {
  // core/config's loader expands ${VAR}; a kubeconfig is taken literally, as client-go does.
  Result<ApiServerConnection> c = parse(single("server: https://h", "token: ${HOME}"));
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->http.bearer_token, "${HOME}");
}

TEST(KubeconfigTest, JsonKubeconfig) {
  Result<ApiServerConnection> c = parse(R"({"apiVersion": "v1", "kind": "Config",
    "clusters": [{"name": "c", "cluster": {"server": "https://10.0.0.1:6443"}}],
    "users": [{"name": "u", "user": {"token": "j"}}],
    "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
    "current-context": "x"})");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->host, "10.0.0.1");
  EXPECT_EQ(c->http.bearer_token, "j");
}

// What tests/sim/kubeconfig_writer.cpp (render_kubeconfig) writes; mpf_core_tests does not link the sim.
TEST(KubeconfigTest, SimulatorKubeconfig) {
  const std::string text = std::string(R"(apiVersion: v1
kind: Config
preferences: {}
clusters:
- name: "sim"
  cluster:
    server: "https://127.0.0.1:34567"
    certificate-authority-data: )") + std::string(kCaBase64) + R"(
users:
- name: "sim-admin"
  user:
    token: "sim-token"
    client-certificate-data: )" + std::string(kCertBase64) + R"(
    client-key-data: )" + std::string(kKeyBase64) + R"(
contexts:
- name: "sim"
  context:
    cluster: "sim"
    user: "sim-admin"
    namespace: "kube-system"
current-context: "sim"
)";
  Result<ApiServerConnection> c = parse_kubeconfig(text, "/tmp/sim/kubeconfig", "/tmp/sim");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 34567);
  EXPECT_EQ(c->http.ca_pem, kCaPem);
  EXPECT_EQ(c->http.bearer_token, "sim-token");
  EXPECT_EQ(c->http.client_certificate_pem, kCertPem);
  EXPECT_EQ(c->http.client_key_pem, kKeyPem);
  EXPECT_EQ(c->description, "kubeconfig \"/tmp/sim/kubeconfig\" (context \"sim\", server https://127.0.0.1:34567)");
}

TEST(KubeconfigTest, SimulatorKubeconfigForPlainHttpWithoutCredentials) {
  Result<ApiServerConnection> c = parse(R"(apiVersion: v1
kind: Config
preferences: {}
clusters:
- name: "sim"
  cluster:
    server: "http://127.0.0.1:8080"
    insecure-skip-tls-verify: true
users:
- name: "sim-admin"
  user: {}
contexts:
- name: "sim"
  context:
    cluster: "sim"
    user: "sim-admin"
current-context: "sim"
)");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_FALSE(c->http.tls);
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->http.bearer_token, "");
}

// ---- Server URLs -----------------------------------------------------------------------------------

TEST(KubeconfigServerTest, AcceptedForms) {
  struct Case {
    std::string server;
    bool tls;
    std::string host;
    std::uint16_t port;
    std::string prefix;
  };
  const Case cases[] = {
      {"https://api.example.com", true, "api.example.com", 443, ""},
      {"http://api.example.com", false, "api.example.com", 80, ""},
      {"HTTPS://Api.Example.com:6443/", true, "Api.Example.com", 6443, ""},
      {"https://10.96.0.1:443", true, "10.96.0.1", 443, ""},
      {"https://[::1]", true, "::1", 443, ""},
      {"https://[2001:db8::5]:6443/a/b//", true, "2001:db8::5", 6443, "/a/b"},
      {"https://h:65535/k8s/clusters/c-m-1%2Fx", true, "h", 65535, "/k8s/clusters/c-m-1%2Fx"},
  };
  for (const Case& c : cases) {
    Result<ApiServerConnection> r = parse(with_server(c.server));
    ASSERT_TRUE(r.is_ok()) << c.server << ": " << r.status().to_string();
    EXPECT_EQ(r->http.tls, c.tls) << c.server;
    EXPECT_EQ(r->host, c.host) << c.server;
    EXPECT_EQ(r->port, c.port) << c.server;
    EXPECT_EQ(r->path_prefix, c.prefix) << c.server;
  }
}

TEST(KubeconfigServerTest, RejectedFormsNameTheServer) {
  struct Case {
    std::string server;
    std::string why;
  };
  const Case cases[] = {
      {"api.example.com:6443", "is not a URL"},
      {"ftp://h", "unsupported scheme \"ftp\""},
      {"https://h:6443/?timeout=1s", "query or fragment"},
      {"https://h#x", "query or fragment"},
      {"https://admin@h", "user info"},
      {"https://", "has no host"},
      {"https:///k8s", "has no host"},
      {"https://::1:6443", "must be in brackets"},
      {"https://[fd00::zz]:6443", "is not an IPv6 address"},
      {"https://[::1", "unterminated"},
      {"https://[::1]6443", "after the IPv6 address"},
      {"https://h:0", "invalid port \"0\""},
      {"https://h:65536", "invalid port \"65536\""},
      {"https://h:https", "invalid port \"https\""},
      {"'https://h:'", "invalid port \"\""},
      {"'https://h h'", "invalid host \"h h\""},
      {"https://h/a%zz", "invalid character in the path"},
      {"https://h/a\\\"b", "invalid character in the path"},
  };
  for (const Case& c : cases) {
    const std::string message = error_of(with_server(c.server));
    EXPECT_THAT(message, HasSubstr("cluster \"c\": server \"")) << c.server;
    EXPECT_THAT(message, HasSubstr(c.why)) << c.server;
  }
}

// ---- Errors ----------------------------------------------------------------------------------------

TEST(KubeconfigErrorTest, ContextNotFound) {
  EXPECT_EQ(error_of(kMulti, "foo"),
            "kubeconfig \"/home/me/.kube/config\": context \"foo\" not found (contexts in the file: "
            "\"prod-admin\", \"dev-robot\", \"dev-rotating\", \"prod-embedded\", \"local-anonymous\")");
  EXPECT_THAT(error_of("current-context: gone\n"), HasSubstr("context \"gone\" not found (the file defines no contexts)"));
}

TEST(KubeconfigErrorTest, NoCurrentContext) {
  EXPECT_EQ(error_of("clusters: []\ncontexts: []\n"), "kubeconfig \"/home/me/.kube/config\": no current-context set");
  EXPECT_THAT(error_of("current-context: \"\"\n"), HasSubstr("no current-context set"));
}

TEST(KubeconfigErrorTest, MissingClusterOrUser) {
  EXPECT_THAT(error_of(single("insecure-skip-tls-verify: false")), HasSubstr(": cluster \"c\" has no server"));
  EXPECT_THAT(error_of("contexts:\n- name: x\n  context: {user: u}\ncurrent-context: x\n"),
              HasSubstr("context \"x\" names no cluster"));
  EXPECT_THAT(error_of("contexts:\n- name: x\n  context: {cluster: nope}\ncurrent-context: x\n"),
              HasSubstr("cluster \"nope\" (of context \"x\") not found (the file defines no clusters)"));
  std::string text = with_server("https://h");
  text.replace(text.find("user: u"), 7, "user: typo");
  EXPECT_THAT(error_of(text), HasSubstr("user \"typo\" (of context \"c\") not found (users in the file: \"u\")"));
}

TEST(KubeconfigErrorTest, UnsupportedCredentials) {
  const std::string hint = "; use a token, token file or client certificate";
  EXPECT_EQ(error_of(single("server: https://h",
                            "exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws")),
            "kubeconfig \"/home/me/.kube/config\": user \"u\": exec credential plugins are not supported by this "
            "build" + hint);
  EXPECT_THAT(error_of(single("server: https://h", "auth-provider:\n      name: oidc")),
              HasSubstr("user \"u\": auth-provider plugins are not supported by this build" + hint));
  EXPECT_THAT(error_of(single("server: https://h", "username: admin\n    password: secret")),
              HasSubstr("user \"u\": username/password (basic) authentication is not supported by this build" + hint));
  EXPECT_THAT(error_of(single("server: https://h", "password: secret")), HasSubstr("basic"));
  EXPECT_THAT(error_of(single("server: https://h", "token: t\n    as: someone")),
              HasSubstr("user \"u\": impersonation (as) is not supported"));
  EXPECT_THAT(error_of(single("server: https://h", "token: t\n    as-groups: [\"system:masters\"]")),
              HasSubstr("impersonation (as-groups)"));
}

TEST(KubeconfigErrorTest, UnsupportedClusterSettings) {
  EXPECT_THAT(error_of(single("server: https://h\n    proxy-url: http://proxy:3128")),
              HasSubstr("cluster \"c\": proxy-url is not supported by this build"));
  EXPECT_THAT(error_of(single("server: https://10.0.0.1\n    tls-server-name: kubernetes")),
              HasSubstr("cluster \"c\": tls-server-name is not supported by this build"));
}

TEST(KubeconfigErrorTest, MalformedBase64NamesTheField) {
  EXPECT_THAT(error_of(single("server: https://h\n    certificate-authority-data: not*base64")),
              HasSubstr("cluster \"c\": certificate-authority-data is not valid base64"));
  EXPECT_THAT(error_of(single("server: https://h", "client-certificate-data: abcde\n    client-key-data: YWI=")),
              HasSubstr("user \"u\": client-certificate-data is not valid base64"));
  EXPECT_THAT(error_of(single("server: https://h", "client-certificate-data: YWI=\n    client-key-data: YW=I")),
              HasSubstr("user \"u\": client-key-data is not valid base64"));
}

TEST(KubeconfigErrorTest, InsecureWithCertificateAuthority) {
  EXPECT_THAT(error_of(single("server: https://h\n    insecure-skip-tls-verify: true\n    certificate-authority: ca.crt")),
              HasSubstr("cluster \"c\": insecure-skip-tls-verify cannot be combined with a certificate authority"));
  EXPECT_THAT(error_of(single("server: https://h\n    insecure-skip-tls-verify: true\n    certificate-authority-data: " +
                              std::string(kCaBase64))),
              HasSubstr("insecure-skip-tls-verify cannot be combined"));
  EXPECT_THAT(error_of(single("server: https://h\n    insecure-skip-tls-verify: maybe")),
              HasSubstr("insecure-skip-tls-verify must be true or false"));
}

TEST(KubeconfigErrorTest, FileAndDataBothSetOrHalfACertificate) {
  EXPECT_THAT(error_of(single("server: https://h\n    certificate-authority: ca.crt\n    certificate-authority-data: YWI=")),
              HasSubstr("certificate-authority and certificate-authority-data are both set"));
  EXPECT_THAT(error_of(single("server: https://h",
                              "client-certificate: c.crt\n    client-certificate-data: YWI=\n    client-key: k")),
              HasSubstr("client-certificate and client-certificate-data are both set"));
  EXPECT_THAT(error_of(single("server: https://h", "client-certificate: c.crt\n    client-key: k\n    client-key-data: YWI=")),
              HasSubstr("client-key and client-key-data are both set"));
  EXPECT_THAT(error_of(single("server: https://h", "client-certificate: c.crt")),
              HasSubstr("user \"u\": client-certificate needs client-key or client-key-data"));
  EXPECT_THAT(error_of(single("server: https://h", "client-key-data: YWI=")),
              HasSubstr("user \"u\": client-key needs client-certificate or client-certificate-data"));
}

TEST(KubeconfigErrorTest, TokenWithLineBreak) {
  EXPECT_THAT(error_of(single("server: https://h", "token: |\n      abc")),
              HasSubstr("user \"u\": token contains a control character"));
}

TEST(KubeconfigErrorTest, MalformedStructure) {
  EXPECT_THAT(error_of(""), HasSubstr("the file is empty"));
  EXPECT_THAT(error_of("# only a comment\n"), HasSubstr("the file is empty"));
  EXPECT_THAT(error_of("- a\n- b\n"), HasSubstr("the top level must be a mapping"));
  EXPECT_THAT(error_of("clusters: {a: 1}\n"), HasSubstr("clusters must be a list"));
  EXPECT_THAT(error_of("users: [3]\n"), HasSubstr("users[0] must be a mapping"));
  EXPECT_THAT(error_of("contexts:\n- name: [x]\n"), HasSubstr("contexts[0]: name must be a string"));
  EXPECT_THAT(error_of("clusters:\n- name: a\n- name: a\n"), HasSubstr("clusters: duplicate name \"a\""));
  EXPECT_THAT(error_of("current-context: a\ncurrent-context: b\n"), HasSubstr("duplicate key \"current-context\""));
  EXPECT_THAT(error_of("kind: Pod\n"), HasSubstr("kind is \"Pod\", not \"Config\""));
  EXPECT_THAT(error_of("apiVersion: v2\n"), HasSubstr("apiVersion is \"v2\", not \"v1\""));
  EXPECT_THAT(error_of(single("server: [https://h]")), HasSubstr("cluster \"c\": server must be a string"));
  EXPECT_THAT(error_of("contexts:\n- name: x\n  context: [a]\ncurrent-context: x\n"),
              HasSubstr("context \"x\" must be a mapping"));
}

TEST(KubeconfigErrorTest, YamlSyntaxErrorHasAPosition) {
  EXPECT_THAT(error_of("clusters:\n- name: a\n  cluster: {server: \"https://h\"\n"), HasSubstr(": line "));
  EXPECT_THAT(error_of("a: [\n"), StartsWith("kubeconfig \"/home/me/.kube/config\": line "));
}

TEST(KubeconfigErrorTest, OddYamlDoesNotCrash) {
  // Self-referential aliases, deep nesting, tags, anchors on keys: errors or results, never a crash.
  const std::string odd[] = {
      "clusters: &a [*a]\n",
      "contexts: &a\n- name: x\n  context: *a\ncurrent-context: x\n",
      std::string(5000, '[') + std::string(5000, ']'),
      "? [a, b]\n: c\n",
      "clusters: !!str x\n",
      "current-context: !!binary YWI=\n",
      "\xff\xfe\x00garbage",
  };
  for (const std::string& text : odd) {
    Result<ApiServerConnection> r = parse(text);
    EXPECT_FALSE(r.is_ok());
  }
}

// ---- Base64 ----------------------------------------------------------------------------------------

TEST(KubeconfigBase64Test, DecodesWithAndWithoutPaddingAndWhitespace) {
  EXPECT_EQ(decode_base64(""), std::string());
  EXPECT_EQ(decode_base64("YQ=="), "a");
  EXPECT_EQ(decode_base64("YQ"), "a");
  EXPECT_EQ(decode_base64("YWI="), "ab");
  EXPECT_EQ(decode_base64("YWI"), "ab");
  EXPECT_EQ(decode_base64("YWJj"), "abc");
  EXPECT_EQ(decode_base64(" YW\r\n Jj\t"), "abc");
  EXPECT_EQ(decode_base64("+/+/"), std::string("\xfb\xff\xbf", 3));
  EXPECT_EQ(decode_base64(std::string(kCaBase64.substr(0, 40)) + "\n" + std::string(kCaBase64.substr(40))), kCaPem);
}

TEST(KubeconfigBase64Test, RejectsWhatNoEncoderWrites) {
  EXPECT_EQ(decode_base64("Y"), std::nullopt);         // one character left over
  EXPECT_EQ(decode_base64("YWJjZ"), std::nullopt);     // same, after a full group
  EXPECT_EQ(decode_base64("YW=I"), std::nullopt);      // data after padding
  EXPECT_EQ(decode_base64("YQ===="), std::nullopt);    // too much padding
  EXPECT_EQ(decode_base64("YWJj="), std::nullopt);     // padding after a full group
  EXPECT_EQ(decode_base64("=="), std::nullopt);
  EXPECT_EQ(decode_base64("YW-_"), std::nullopt);      // URL alphabet
  EXPECT_EQ(decode_base64("YW*j"), std::nullopt);
}

// ---- Files -----------------------------------------------------------------------------------------

TEST(KubeconfigFileTest, RelativePathsResolveAgainstTheFilesDirectory) {
  test::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::filesystem::create_directory(dir.file("kube"));
  const std::string path = dir.file("kube/config");
  ASSERT_TRUE(test::write_text(path, single("server: https://h\n    certificate-authority: ca.crt",
                                            "tokenFile: ../token\n    client-certificate: /abs/c.crt\n"
                                            "    client-key: keys/k.key")));
  Result<ApiServerConnection> c = load_kubeconfig(path);
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->http.ca_file, dir.file("kube/ca.crt"));
  EXPECT_EQ(c->http.bearer_token_file, dir.file("token"));
  EXPECT_EQ(c->http.client_certificate_file, "/abs/c.crt");
  EXPECT_EQ(c->http.client_key_file, dir.file("kube/keys/k.key"));
  EXPECT_THAT(c->description, StartsWith("kubeconfig \"" + path + "\" (context \"c\""));
}

TEST(KubeconfigFileTest, ContextArgument) {
  test::TempDir dir;
  const std::string path = dir.file("config");
  ASSERT_TRUE(test::write_text(path, kMulti));
  Result<ApiServerConnection> c = load_kubeconfig(path, "dev-robot");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->host, "fd00::1");
  EXPECT_THAT(load_kubeconfig(path, "nope").status().message(),
              StartsWith("kubeconfig \"" + path + "\": context \"nope\" not found"));
}

TEST(KubeconfigFileTest, UnreadableFileIsNamed) {
  test::TempDir dir;
  Result<ApiServerConnection> missing = load_kubeconfig(dir.file("absent"));
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(),
            "kubeconfig \"" + dir.file("absent") + "\": cannot open the file: No such file or directory");
  Result<ApiServerConnection> directory = load_kubeconfig(dir.path());
  ASSERT_FALSE(directory.is_ok());
  EXPECT_THAT(directory.status().message(), StartsWith("kubeconfig \"" + dir.path() + "\": cannot read the file"));
}

// ---- In-cluster ------------------------------------------------------------------------------------

class ApiConnectionInClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_TRUE(test::write_text(dir_.file("token"), "jwt"));
    ASSERT_TRUE(test::write_text(dir_.file("ca.crt"), std::string(kCaPem)));
  }
  test::TempDir dir_;
};

TEST_F(ApiConnectionInClusterTest, ServiceEnvironmentAndAccountFiles) {
  Result<ApiServerConnection> c = in_cluster_connection(
      fake_env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}), dir_.path());
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->host, "10.96.0.1");
  EXPECT_EQ(c->port, 443);
  EXPECT_EQ(c->path_prefix, "");
  EXPECT_TRUE(c->http.tls);
  EXPECT_FALSE(c->http.insecure_skip_verify);
  EXPECT_EQ(c->http.bearer_token_file, dir_.file("token"));
  EXPECT_EQ(c->http.bearer_token, "");  // the file, so that rotation is seen
  EXPECT_EQ(c->http.ca_file, dir_.file("ca.crt"));
  EXPECT_EQ(c->http.user_agent, "metrics-server");
  EXPECT_EQ(c->description, "in-cluster (https://10.96.0.1:443)");
  EXPECT_TRUE(c->warnings.empty());
}

TEST_F(ApiConnectionInClusterTest, Ipv6ServiceHost) {
  Result<ApiServerConnection> c = in_cluster_connection(
      fake_env({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}}), dir_.path());
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->host, "fd00::1");
  EXPECT_EQ(c->port, 6443);
  EXPECT_EQ(c->description, "in-cluster (https://[fd00::1]:6443)");
}

TEST_F(ApiConnectionInClusterTest, MissingEnvironmentUsesClientGoWording) {
  const std::string expected =
      "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined";
  const std::map<std::string, std::string> envs[] = {
      {},
      {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}},
      {{"KUBERNETES_SERVICE_PORT", "443"}},
      {{"KUBERNETES_SERVICE_HOST", ""}, {"KUBERNETES_SERVICE_PORT", "443"}},
  };
  for (const auto& env : envs) {
    Result<ApiServerConnection> c = in_cluster_connection(fake_env(env), dir_.path());
    ASSERT_FALSE(c.is_ok());
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(c.status().message(), expected);
  }
}

TEST_F(ApiConnectionInClusterTest, BadHostOrPort) {
  EXPECT_THAT(in_cluster_connection(
                  fake_env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "https"}}), dir_.path())
                  .status()
                  .message(),
              HasSubstr("KUBERNETES_SERVICE_PORT \"https\" is not a port number"));
  EXPECT_THAT(in_cluster_connection(
                  fake_env({{"KUBERNETES_SERVICE_HOST", "a b"}, {"KUBERNETES_SERVICE_PORT", "443"}}), dir_.path())
                  .status()
                  .message(),
              HasSubstr("KUBERNETES_SERVICE_HOST \"a b\" is not a host name or IP address"));
}

TEST_F(ApiConnectionInClusterTest, MissingTokenIsAnError) {
  std::filesystem::remove(dir_.file("token"));
  Result<ApiServerConnection> c = in_cluster_connection(
      fake_env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}), dir_.path());
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "in-cluster configuration: cannot read the service account token \"" +
                                      dir_.file("token") + "\": No such file or directory");
}

TEST_F(ApiConnectionInClusterTest, MissingCaFallsBackToSystemRootsWithAWarning) {
  std::filesystem::remove(dir_.file("ca.crt"));
  Result<ApiServerConnection> c = in_cluster_connection(
      fake_env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}), dir_.path());
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->http.ca_file, "");
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_THAT(c->warnings[0], HasSubstr("cannot read the service account CA \"" + dir_.file("ca.crt") + "\""));
}

TEST(ApiConnectionResolveTest, KubeconfigWhenGivenElseInCluster) {
  test::TempDir dir;
  const std::string path = dir.file("config");
  ASSERT_TRUE(test::write_text(path, kMulti));
  Result<ApiServerConnection> from_file = resolve_api_connection(path, fake_env({}));
  ASSERT_TRUE(from_file.is_ok()) << from_file.status().to_string();
  EXPECT_EQ(from_file->host, "prod.example.com");
  Result<ApiServerConnection> in_cluster = resolve_api_connection("", fake_env({}));
  ASSERT_FALSE(in_cluster.is_ok());
  EXPECT_THAT(in_cluster.status().message(), StartsWith("unable to load in-cluster configuration"));
}

}  // namespace
}  // namespace mpf::core
