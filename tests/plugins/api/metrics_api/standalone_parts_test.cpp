// Standalone mode's parts without a server: the host facts and their parsers, the state directory
// (kubeconfig, token, private files), the inventory built from a snapshot, and the core API's answers
// parsed back the way kubectl decodes them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>

#include "metrics_api/core_api.h"
#include "metrics_api/go_format.h"
#include "metrics_api/local_node.h"
#include "metrics_api/standalone_inventory.h"
#include "metrics_api/standalone_kubeconfig.h"
#include "metrics_api/standalone_token.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::api::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using test::TempDir;

// ---- helpers ----

unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

std::string base64_decode(std::string_view text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const std::size_t value = kAlphabet.find(c);
    if (value == std::string::npos) return "<invalid base64>";
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << rapidjson::GetParseError_En(d.GetParseError()) << " at " << d.GetErrorOffset()
                                  << " in " << text;
  return d;
}

std::string str(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject() || !v.HasMember(key) || !v[key].IsString()) return "<missing " + std::string(key) + ">";
  return v[key].GetString();
}

std::vector<std::string> names_of(const rapidjson::Value& list) {
  std::vector<std::string> names;
  if (!list.IsObject() || !list.HasMember("items") || !list["items"].IsArray()) return {"<no items>"};
  for (const auto& item : list["items"].GetArray()) {
    const std::string ns = str(item["metadata"], "namespace");
    names.push_back(ns.starts_with("<missing") ? str(item["metadata"], "name") : ns + "/" + str(item["metadata"], "name"));
  }
  return names;
}

// ---- local_node ----

TEST(LocalNodeTest, MemTotalParsed) {
  EXPECT_EQ(meminfo_total_bytes("MemTotal:       16318480 kB\nMemFree:         1234 kB\n"), 16318480ULL * 1024);
  EXPECT_EQ(meminfo_total_bytes("MemFree: 1 kB\nMemTotal: 2 kB"), 2048u);  // not the first line, no newline
  EXPECT_EQ(meminfo_total_bytes("MemTotal: 5 kB\r\n"), 5120u);
  EXPECT_EQ(meminfo_total_bytes("MemTotal:0 kB\n"), 0u);
}

TEST(LocalNodeTest, MemTotalMissingOrMalformedIsZero) {
  EXPECT_EQ(meminfo_total_bytes(""), 0u);
  EXPECT_EQ(meminfo_total_bytes("MemFree: 1 kB\nSwapTotal: 2 kB\n"), 0u);
  EXPECT_EQ(meminfo_total_bytes(" MemTotal: 2 kB\n"), 0u);  // the key starts a line
  EXPECT_EQ(meminfo_total_bytes("MemTotal: 2\n"), 0u);      // no unit
  EXPECT_EQ(meminfo_total_bytes("MemTotal: 2 MB\n"), 0u);
  EXPECT_EQ(meminfo_total_bytes("MemTotal: kB\n"), 0u);
  EXPECT_EQ(meminfo_total_bytes("MemTotal: abc kB\n"), 0u);
  EXPECT_EQ(meminfo_total_bytes("MemTotal: -5 kB\n"), 0u);
  EXPECT_EQ(meminfo_total_bytes("MemTotal: 12abc kB\n"), 0u);  // trailing garbage is malformed too
  EXPECT_EQ(meminfo_total_bytes("MemTotal: 1 2 kB\n"), 0u);
}

TEST(LocalNodeTest, MemTotalOverflowIsZero) {
  constexpr std::uint64_t kMaxKib = UINT64_MAX >> 10;
  EXPECT_EQ(meminfo_total_bytes("MemTotal: " + std::to_string(kMaxKib) + " kB\n"), kMaxKib << 10);
  EXPECT_EQ(meminfo_total_bytes("MemTotal: " + std::to_string(kMaxKib + 1) + " kB\n"), 0u);
  EXPECT_EQ(meminfo_total_bytes("MemTotal: 18446744073709551616 kB\n"), 0u);  // 2^64
  EXPECT_EQ(meminfo_total_bytes("MemTotal: 99999999999999999999999999 kB\n"), 0u);
}

TEST(LocalNodeTest, BootTimeParsed) {
  EXPECT_EQ(proc_stat_boot_seconds("cpu  1 2 3 4\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000);
  EXPECT_EQ(proc_stat_boot_seconds("btime 42"), 42);
  EXPECT_EQ(proc_stat_boot_seconds("btime 42\r\n"), 42);
}

TEST(LocalNodeTest, BootTimeMissingMalformedOrOverflowingIsZero) {
  EXPECT_EQ(proc_stat_boot_seconds(""), 0);
  EXPECT_EQ(proc_stat_boot_seconds("cpu 1 2\nprocesses 9\n"), 0);
  EXPECT_EQ(proc_stat_boot_seconds("btimex 5\n"), 0);
  EXPECT_EQ(proc_stat_boot_seconds("btime \n"), 0);
  EXPECT_EQ(proc_stat_boot_seconds("btime abc\n"), 0);
  EXPECT_EQ(proc_stat_boot_seconds("btime 0\n"), 0);
  EXPECT_EQ(proc_stat_boot_seconds("btime -5\n"), 0);
  EXPECT_EQ(proc_stat_boot_seconds("btime 17x\n"), 0);
  EXPECT_EQ(proc_stat_boot_seconds("btime 9223372036854775808\n"), 0);  // 2^63
  EXPECT_EQ(proc_stat_boot_seconds("btime 99999999999999999999999\n"), 0);
}

TEST(LocalNodeTest, PrettyName) {
  EXPECT_EQ(os_release_pretty_name("NAME=\"Ubuntu\"\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nID=ubuntu\n"),
            "Ubuntu 22.04.4 LTS");
  EXPECT_EQ(os_release_pretty_name("PRETTY_NAME='Debian GNU/Linux 12 (bookworm)'"), "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(os_release_pretty_name("PRETTY_NAME=Alpine\n"), "Alpine");
  EXPECT_EQ(os_release_pretty_name("NAME=Fedora\n"), "Linux");
  EXPECT_EQ(os_release_pretty_name(""), "Linux");
  EXPECT_EQ(os_release_pretty_name("PRETTY_NAME=\n"), "Linux");
  EXPECT_EQ(os_release_pretty_name("PRETTY_NAME=\"\"\n"), "Linux");
  EXPECT_EQ(os_release_pretty_name("PRETTY_NAME=\"\n"), "\"");  // one quote is not a quoted value
}

TEST(LocalNodeTest, GoArch) {
  EXPECT_EQ(go_arch("x86_64"), "amd64");
  EXPECT_EQ(go_arch("aarch64"), "arm64");
  EXPECT_EQ(go_arch("arm64"), "arm64");
  EXPECT_EQ(go_arch("i386"), "386");
  EXPECT_EQ(go_arch("i686"), "386");
  EXPECT_EQ(go_arch("armv7l"), "arm");
  EXPECT_EQ(go_arch("armv6l"), "arm");
  EXPECT_EQ(go_arch("ppc64le"), "ppc64le");
  EXPECT_EQ(go_arch("s390x"), "s390x");
  EXPECT_EQ(go_arch("riscv64"), "riscv64");
  EXPECT_EQ(go_arch("mips64"), "mips64");  // unknown: as uname says
  EXPECT_EQ(go_arch(""), "");
}

class LocalNodeTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(proc_ + "/sys/kernel/random");
    std::filesystem::create_directories(etc_);
  }
  TempDir dir_;
  std::string proc_ = dir_.file("proc");
  std::string etc_ = dir_.file("etc");
};

TEST_F(LocalNodeTreeTest, ReadsEveryFact) {
  ASSERT_TRUE(test::write_text(proc_ + "/meminfo", "MemTotal:        8041412 kB\nMemFree:  100 kB\n"));
  ASSERT_TRUE(test::write_text(proc_ + "/stat", "cpu  1 2 3\nbtime 1633253824\n"));
  ASSERT_TRUE(test::write_text(proc_ + "/sys/kernel/random/boot_id", "3f1c2a6e-1111-2222-3333-444455556666\n"));
  ASSERT_TRUE(test::write_text(etc_ + "/os-release", "ID=test\nPRETTY_NAME=\"Test OS 1.0\"\n"));
  ASSERT_TRUE(test::write_text(etc_ + "/machine-id", "  0123456789abcdef0123456789abcdef\n"));
  const LocalNodeFacts facts = read_local_node_facts(proc_, etc_);
  EXPECT_EQ(facts.memory_bytes, 8041412ULL * 1024);
  EXPECT_EQ(facts.boot_time_ns, 1633253824LL * 1'000'000'000);
  EXPECT_EQ(facts.boot_id, "3f1c2a6e-1111-2222-3333-444455556666");
  EXPECT_EQ(facts.os_image, "Test OS 1.0");
  EXPECT_EQ(facts.machine_id, "0123456789abcdef0123456789abcdef");
  EXPECT_GE(facts.cpus, 1);
  EXPECT_EQ(facts.cpus, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));

  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  std::string lower = host;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_EQ(facts.hostname, lower);
  utsname names{};
  ASSERT_EQ(uname(&names), 0);
  EXPECT_EQ(facts.kernel_version, names.release);
  EXPECT_EQ(facts.architecture, go_arch(names.machine));
}

TEST_F(LocalNodeTreeTest, MissingFilesLeaveDefaults) {
  const LocalNodeFacts facts = read_local_node_facts(proc_, etc_);
  EXPECT_EQ(facts.memory_bytes, 0u);
  EXPECT_EQ(facts.boot_time_ns, 0);
  EXPECT_EQ(facts.boot_id, "");
  EXPECT_EQ(facts.machine_id, "");
  EXPECT_EQ(facts.os_image, "Linux");  // not /etc: no fallback to /usr/lib/os-release
  EXPECT_GE(facts.cpus, 1);
  const LocalNodeFacts nowhere = read_local_node_facts(dir_.file("none"), dir_.file("none"));
  EXPECT_EQ(nowhere.memory_bytes, 0u);
  EXPECT_EQ(nowhere.os_image, "Linux");
}

// A btime whose nanoseconds do not fit an int64 is unknown, not a signed overflow.
TEST_F(LocalNodeTreeTest, BootTimeBeyondInt64NanosecondsIsUnknown) {
  ASSERT_TRUE(test::write_text(proc_ + "/stat", "btime 9223372037\n"));  // * 1e9 > INT64_MAX
  EXPECT_EQ(read_local_node_facts(proc_, etc_).boot_time_ns, 0);
  ASSERT_TRUE(test::write_text(proc_ + "/stat", "btime 9223372036\n"));
  EXPECT_EQ(read_local_node_facts(proc_, etc_).boot_time_ns, 9223372036LL * 1'000'000'000);
}

// ---- standalone_kubeconfig ----

constexpr const char* kCertA = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
constexpr const char* kCertB = "-----BEGIN CERTIFICATE-----\nBBBB\nbbbb\n-----END CERTIFICATE-----";

TEST(StandaloneKubeconfigTest, LastPemCertificate) {
  EXPECT_EQ(last_pem_certificate(std::string(kCertA) + kCertB + "\n"), std::string(kCertB) + "\n");
  EXPECT_EQ(last_pem_certificate(kCertA), kCertA);
  EXPECT_EQ(last_pem_certificate(kCertB), std::string(kCertB) + "\n");  // a newline is added
  // A key after the certificate is not part of it.
  EXPECT_EQ(last_pem_certificate(std::string(kCertA) + "-----BEGIN PRIVATE KEY-----\nKKKK\n-----END PRIVATE KEY-----\n"),
            kCertA);
  EXPECT_EQ(last_pem_certificate(""), "");
  EXPECT_EQ(last_pem_certificate("-----BEGIN PRIVATE KEY-----\nKKKK\n-----END PRIVATE KEY-----\n"), "");
  // A truncated last certificate gives none rather than an earlier one or a broken one.
  EXPECT_EQ(last_pem_certificate(std::string(kCertA) + "-----BEGIN CERTIFICATE-----\nBBBB\n"), "");
  EXPECT_EQ(last_pem_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERT"), "");
}

TEST(StandaloneKubeconfigTest, LocalServerUrl) {
  EXPECT_EQ(local_server_url("0.0.0.0", 443), "https://127.0.0.1:443");
  EXPECT_EQ(local_server_url("", 443), "https://127.0.0.1:443");
  EXPECT_EQ(local_server_url("::", 4443), "https://[::1]:4443");
  EXPECT_EQ(local_server_url("[::]", 4443), "https://[::1]:4443");
  EXPECT_EQ(local_server_url("127.0.0.1", 10250), "https://127.0.0.1:10250");
  EXPECT_EQ(local_server_url("::1", 10250), "https://[::1]:10250");
  EXPECT_EQ(local_server_url("[::1]", 10250), "https://[::1]:10250");
  EXPECT_EQ(local_server_url("192.168.1.5", 1), "https://192.168.1.5:1");
  EXPECT_EQ(local_server_url("fe80::1", 443), "https://[fe80::1]:443");
}

TEST(StandaloneKubeconfigTest, DefaultStateDirPrecedence) {
  std::map<std::string, std::string> env;
  const EnvLookup lookup = [&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  EXPECT_EQ(default_state_dir(lookup), "/tmp/mpf-state-" + std::to_string(getuid()));
  env["HOME"] = "/home/u";
  EXPECT_EQ(default_state_dir(lookup), "/home/u/.local/state/mpf");
  env["XDG_STATE_HOME"] = "/xdg";
  EXPECT_EQ(default_state_dir(lookup), "/xdg/mpf");
  env["MPF_STATE_DIR"] = "/explicit";
  EXPECT_EQ(default_state_dir(lookup), "/explicit");
  // Set but empty counts as unset.
  env["MPF_STATE_DIR"] = "";
  EXPECT_EQ(default_state_dir(lookup), "/xdg/mpf");
  env["XDG_STATE_HOME"] = "";
  EXPECT_EQ(default_state_dir(lookup), "/home/u/.local/state/mpf");
  env["HOME"] = "";
  EXPECT_EQ(default_state_dir(lookup), "/tmp/mpf-state-" + std::to_string(getuid()));
}

TEST(StandaloneKubeconfigTest, WritePrivateFileCreatesThePrivateDirectory) {
  TempDir dir;
  const std::string state = dir.file("a/b/state");
  ASSERT_TRUE(write_private_file(state + "/kubeconfig", "one").is_ok());
  EXPECT_EQ(test::read_text(state + "/kubeconfig"), "one");
  EXPECT_EQ(mode_of(state + "/kubeconfig"), 0600u);
  EXPECT_EQ(mode_of(state), 0700u);
  EXPECT_FALSE(std::filesystem::exists(state + "/kubeconfig.tmp"));
}

TEST(StandaloneKubeconfigTest, WritePrivateFileReplacesAtomically) {
  TempDir dir;
  const std::string path = dir.file("kubeconfig");
  ASSERT_TRUE(test::write_text(path, "an older, longer text"));
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  // A reader holding the old file keeps the old text: the new one is renamed over it, not rewritten.
  std::ifstream reader(path);
  ASSERT_TRUE(write_private_file(path, "new").is_ok());
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  EXPECT_EQ(test::read_text(path), "new");
  EXPECT_EQ(mode_of(path), 0600u);
  std::string old((std::istreambuf_iterator<char>(reader)), std::istreambuf_iterator<char>());
  EXPECT_EQ(old, "an older, longer text");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  // An empty text is a file too.
  ASSERT_TRUE(write_private_file(path, "").is_ok());
  EXPECT_EQ(test::read_text(path), "");
}

TEST(StandaloneKubeconfigTest, WritePrivateFileErrorsNameThePath) {
  TempDir dir;
  // A regular file where the directory should be fails even for root.
  ASSERT_TRUE(test::write_text(dir.file("blocker"), "x"));
  const std::string in_file = dir.file("blocker") + "/kubeconfig";
  Status st = write_private_file(in_file, "text");
  EXPECT_FALSE(st.is_ok());
  EXPECT_THAT(st.message(), HasSubstr(in_file));
  const std::string below_file = dir.file("blocker") + "/sub/kubeconfig";
  st = write_private_file(below_file, "text");
  EXPECT_FALSE(st.is_ok());
  EXPECT_THAT(st.message(), HasSubstr(dir.file("blocker") + "/sub"));
  if (geteuid() != 0) {  // root writes into read-only directories
    std::filesystem::create_directories(dir.file("ro"));
    ASSERT_EQ(::chmod(dir.file("ro").c_str(), 0500), 0);
    st = write_private_file(dir.file("ro") + "/kubeconfig", "text");
    EXPECT_FALSE(st.is_ok());
    EXPECT_THAT(st.message(), HasSubstr(dir.file("ro") + "/kubeconfig"));
    ::chmod(dir.file("ro").c_str(), 0700);
  }
}

TEST(StandaloneKubeconfigTest, KubeconfigParsesBack) {
  const std::string ca = std::string(kCertA);
  for (const std::string server : {"https://127.0.0.1:4443", "https://[::1]:10250"}) {
    const std::string text = standalone_kubeconfig("mpf-standalone", server, ca, "0123abcd");
    YAML::Node config = YAML::Load(text);
    EXPECT_EQ(config["apiVersion"].as<std::string>(), "v1");
    EXPECT_EQ(config["kind"].as<std::string>(), "Config");
    EXPECT_EQ(config["current-context"].as<std::string>(), "mpf-standalone");
    ASSERT_EQ(config["clusters"].size(), 1u);
    EXPECT_EQ(config["clusters"][0]["name"].as<std::string>(), "mpf-standalone");
    EXPECT_EQ(config["clusters"][0]["cluster"]["server"].as<std::string>(), server);
    EXPECT_EQ(base64_decode(config["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>()), ca);
    ASSERT_EQ(config["contexts"].size(), 1u);
    EXPECT_EQ(config["contexts"][0]["name"].as<std::string>(), "mpf-standalone");
    EXPECT_EQ(config["contexts"][0]["context"]["cluster"].as<std::string>(), "mpf-standalone");
    EXPECT_EQ(config["contexts"][0]["context"]["user"].as<std::string>(), "mpf-standalone");
    ASSERT_EQ(config["users"].size(), 1u);
    EXPECT_EQ(config["users"][0]["name"].as<std::string>(), "mpf-standalone");
    EXPECT_EQ(config["users"][0]["user"]["token"].as<std::string>(), "0123abcd");
  }
}

// ---- standalone_token ----

TEST(StandaloneTokenTest, CreatesAPrivateRandomTokenOnceAndKeepsIt) {
  TempDir dir;
  const std::string path = dir.file("state/token");
  auto first = load_or_create_token(path);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_TRUE(std::regex_match(*first, std::regex("[0-9a-f]{64}"))) << *first;
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir.file("state")), 0700u);
  EXPECT_EQ(test::read_text(path), *first + "\n");
  auto second = load_or_create_token(path);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(*second, *first);

  auto other = load_or_create_token(dir.file("other/token"));
  ASSERT_TRUE(other.is_ok());
  EXPECT_NE(*other, *first);
}

TEST(StandaloneTokenTest, TrimsAnExistingTokenAndReplacesAnEmptyOne) {
  TempDir dir;
  ASSERT_TRUE(test::write_text(dir.file("token"), " \t my-token \r\n\n"));
  auto token = load_or_create_token(dir.file("token"));
  ASSERT_TRUE(token.is_ok());
  EXPECT_EQ(*token, "my-token");

  ASSERT_TRUE(test::write_text(dir.file("blank"), " \n"));
  auto fresh = load_or_create_token(dir.file("blank"));
  ASSERT_TRUE(fresh.is_ok());
  EXPECT_EQ(fresh->size(), 64u);
  EXPECT_EQ(test::read_text(dir.file("blank")), *fresh + "\n");
}

TEST(StandaloneTokenTest, UnwritablePathIsAnErrorNamingIt) {
  TempDir dir;
  ASSERT_TRUE(test::write_text(dir.file("blocker"), "x"));
  auto token = load_or_create_token(dir.file("blocker") + "/token");
  ASSERT_FALSE(token.is_ok());
  EXPECT_THAT(token.status().message(), HasSubstr(dir.file("blocker") + "/token"));
}

bool matches(std::vector<std::pair<std::string_view, std::string_view>> headers, std::string_view token) {
  ServerRequest request;
  request.headers = std::move(headers);
  return bearer_token_matches(request, token);
}

TEST(StandaloneTokenTest, BearerTokenMatches) {
  const std::string_view token = "0123456789abcdef";
  EXPECT_TRUE(matches({{"Authorization", "Bearer 0123456789abcdef"}}, token));
  EXPECT_TRUE(matches({{"authorization", "bearer 0123456789abcdef"}}, token));  // header and scheme case
  EXPECT_TRUE(matches({{"AUTHORIZATION", "BEARER 0123456789abcdef"}}, token));
  EXPECT_TRUE(matches({{"Authorization", "  Bearer   0123456789abcdef  "}}, token));
  EXPECT_TRUE(matches({{"Accept", "*/*"}, {"Authorization", "Bearer 0123456789abcdef"}}, token));

  EXPECT_FALSE(matches({}, token));  // no header
  EXPECT_FALSE(matches({{"Authorization", ""}}, token));
  EXPECT_FALSE(matches({{"Authorization", "Bearer"}}, token));
  EXPECT_FALSE(matches({{"Authorization", "Bearer "}}, token));
  EXPECT_FALSE(matches({{"Authorization", "Bearer 0123456789abcdeF"}}, token));  // the token's case counts
  EXPECT_FALSE(matches({{"Authorization", "Bearer ffffffffffffffff"}}, token));
  EXPECT_FALSE(matches({{"Authorization", "Bearer 0123456789abcde"}}, token));   // a prefix
  EXPECT_FALSE(matches({{"Authorization", "Bearer 0123456789abcdef0"}}, token)); // longer
  EXPECT_FALSE(matches({{"Authorization", "Bearer0123456789abcdef"}}, token));
  EXPECT_FALSE(matches({{"Authorization", "Basic 0123456789abcdef"}}, token));
  EXPECT_FALSE(matches({{"Authorization", "0123456789abcdef"}}, token));
  EXPECT_FALSE(matches({{"X-Authorization", "Bearer 0123456789abcdef"}}, token));
}

TEST(StandaloneTokenTest, UnauthorizedIsTheApiserversStatus) {
  ServerResponse response;
  response.headers.emplace_back("Content-Encoding", "gzip");
  response.body = "partial";
  answer_unauthorized(response);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_THAT(response.headers, IsEmpty());
  EXPECT_EQ(response.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})"
            "\n");
}

// ---- standalone_inventory ----

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kT = 1633253824 * kSecond;  // 2021-10-03T09:37:04Z

Sample started(std::int64_t at_ns) {
  Sample s;
  s.timestamp_ns = kT + 100 * kSecond;
  s.cpu_usage_core_ns = 1000;
  s.start_time_ns = at_ns;
  s.present = kHasCpu | (at_ns != 0 ? kHasStartTime : 0);
  return s;
}

LocalNodeFacts test_facts() {
  LocalNodeFacts facts;
  facts.hostname = "testhost";
  facts.cpus = 4;
  facts.memory_bytes = 16318480ULL * 1024;
  facts.boot_time_ns = kT - 3600 * kSecond;
  facts.kernel_version = "6.1.0-test";
  facts.os_image = "Test OS 1.0";
  facts.architecture = "amd64";
  facts.machine_id = "0123456789abcdef0123456789abcdef";
  facts.boot_id = "3f1c2a6e-1111-2222-3333-444455556666";
  return facts;
}

// node-a answered with three pods; node-b failed; node-c only has metrics; default/late only has
// metrics (it is on node-a, it had no container in a batch).
SnapshotPtr test_snapshot() {
  auto s = std::make_shared<Snapshot>();
  s->cycle = 7;
  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = "node-a";
  batch->add_container("kube-system", "dns", "coredns", started(kT + 20 * kSecond));
  batch->add_container("default", "web-1", "sidecar", started(kT + 10 * kSecond));
  batch->add_container("default", "web-1", "app", started(kT + 5 * kSecond));
  batch->add_container("default", "web-1", "app", started(kT + 1 * kSecond));  // a restarted twin
  batch->add_container("default", "nostart", "c", started(0));
  Sample without_flag = started(kT + 2 * kSecond);
  without_flag.present = kHasCpu;  // a start time the source did not vouch for is not used
  batch->add_container("default", "nostart", "d", without_flag);
  ScrapeResult ok;
  ok.source = "kubelet";
  ok.target = "node-a";
  ok.batch = batch;
  s->scrapes.push_back(ok);
  ScrapeResult failed;
  failed.source = "kubelet";
  failed.target = "node-b";
  failed.status = Status::invalid_argument("connection refused");
  failed.reason = FailureReason::kConnectionRefused;
  s->scrapes.push_back(failed);

  s->nodes.push_back({s->names.intern("node-a"), {}, {}, 0});
  s->nodes.push_back({s->names.intern("node-c"), {}, {}, 0});
  auto pod = [&](const char* ns, const char* name, const char* node, std::vector<const char*> containers) {
    PodMetrics p;
    p.namespace_name = s->names.intern(ns);
    p.name = s->names.intern(name);
    p.node = s->names.intern(node);
    p.first_container = static_cast<std::uint32_t>(s->containers.size());
    p.container_count = static_cast<std::uint32_t>(containers.size());
    for (const char* c : containers) s->containers.push_back({s->names.intern(c), {}});
    s->pods.push_back(p);
  };
  pod("default", "late", "node-a", {"main"});
  pod("default", "web-1", "node-a", {"app", "sidecar"});
  return s;
}

TEST(StandaloneInventoryTest, NodesPodsAndNamespacesFromTheSnapshot) {
  const LocalNodeFacts facts = test_facts();
  auto inventory = build_standalone_inventory(*test_snapshot(), facts);
  ASSERT_NE(inventory, nullptr);
  EXPECT_EQ(inventory->generation, 7u);
  EXPECT_THAT(inventory->nodes, ElementsAre("node-a", "node-c"));  // node-b failed without a batch

  std::vector<std::string> pods;
  for (const LocalPod& p : inventory->pods) pods.push_back(p.namespace_name + "/" + p.name);
  EXPECT_THAT(pods, ElementsAre("default/late", "default/nostart", "default/web-1", "kube-system/dns"));

  const LocalPod* web = inventory->find_pod("default", "web-1");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->node, "node-a");
  EXPECT_THAT(web->containers, ElementsAre("app", "sidecar"));
  EXPECT_EQ(web->start_ns, kT + 1 * kSecond);  // the earliest container start
  EXPECT_EQ(web->uid, name_based_uid("default/web-1"));

  const LocalPod* late = inventory->find_pod("default", "late");
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->node, "node-a");
  EXPECT_THAT(late->containers, ElementsAre("main"));
  EXPECT_EQ(late->start_ns, 0);

  const LocalPod* nostart = inventory->find_pod("default", "nostart");
  ASSERT_NE(nostart, nullptr);
  EXPECT_THAT(nostart->containers, ElementsAre("c", "d"));
  EXPECT_EQ(nostart->start_ns, 0);

  EXPECT_EQ(inventory->find_pod("kube-system", "dns")->start_ns, kT + 20 * kSecond);
  EXPECT_EQ(inventory->find_pod("default", "nope"), nullptr);
  EXPECT_EQ(inventory->find_pod("nope", "web-1"), nullptr);
  EXPECT_EQ(inventory->find_pod("", ""), nullptr);

  ASSERT_EQ(inventory->namespaces.size(), 2u);
  EXPECT_EQ(inventory->namespaces[0].name, "default");
  EXPECT_EQ(inventory->namespaces[0].start_ns, kT + 1 * kSecond);  // its earliest pod, pods without one ignored
  EXPECT_EQ(inventory->namespaces[1].name, "kube-system");
  EXPECT_EQ(inventory->namespaces[1].start_ns, kT + 20 * kSecond);
}

TEST(StandaloneInventoryTest, ClusterSnapshotForTheMetricsApi) {
  const LocalNodeFacts facts = test_facts();
  auto inventory = build_standalone_inventory(*test_snapshot(), facts);
  const ClusterSnapshot& cluster = *inventory->cluster;
  EXPECT_EQ(cluster.generation, 7u);
  ASSERT_EQ(cluster.nodes.size(), 2u);
  const ClusterNode* a = cluster.find_node("node-a");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->ready);
  EXPECT_EQ(a->labels, local_node_labels("node-a", facts));
  EXPECT_EQ(a->addresses, (std::vector<NodeAddress>{{"InternalIP", "127.0.0.1"}, {"Hostname", "node-a"}}));
  EXPECT_NE(cluster.find_node("node-c"), nullptr);
  EXPECT_EQ(cluster.find_node("node-b"), nullptr);

  ASSERT_EQ(cluster.pods.size(), 4u);
  const ClusterPod* web = cluster.find_pod("default", "web-1");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->uid, name_based_uid("default/web-1"));
  EXPECT_EQ(web->creation_unix_seconds, 1633253825);
  EXPECT_THAT(web->labels, IsEmpty());
  EXPECT_NE(cluster.find_pod("kube-system", "dns"), nullptr);
}

TEST(StandaloneInventoryTest, EmptySnapshot) {
  Snapshot empty;
  auto inventory = build_standalone_inventory(empty, test_facts());
  EXPECT_THAT(inventory->nodes, IsEmpty());
  EXPECT_THAT(inventory->pods, IsEmpty());
  EXPECT_THAT(inventory->namespaces, IsEmpty());
  ASSERT_NE(inventory->cluster, nullptr);
  EXPECT_THAT(inventory->cluster->nodes, IsEmpty());
}

TEST(StandaloneInventoryTest, NodeLabelsAreTheKubeletsSorted) {
  const Labels labels = local_node_labels("node-a", test_facts());
  EXPECT_EQ(labels, (Labels{{"beta.kubernetes.io/arch", "amd64"},
                            {"beta.kubernetes.io/os", "linux"},
                            {"kubernetes.io/arch", "amd64"},
                            {"kubernetes.io/hostname", "node-a"},
                            {"kubernetes.io/os", "linux"}}));
}

TEST(StandaloneInventoryTest, NameBasedUidIsStableAndUuidShaped) {
  const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  for (std::string_view key : {std::string_view(), std::string_view("default/web-1"),
                               std::string_view("node/testhost/0123"), std::string_view("\0\xff", 2)}) {
    const std::string uid = name_based_uid(key);
    EXPECT_TRUE(std::regex_match(uid, kUuid)) << uid;
    EXPECT_EQ(uid, name_based_uid(key));
  }
  EXPECT_NE(name_based_uid("default/web-1"), name_based_uid("default/web-2"));
  EXPECT_NE(name_based_uid("a/bc"), name_based_uid("ab/c"));
  EXPECT_EQ(name_based_uid("default/web-1"), name_based_uid(std::string("default/") + "web-1"));
}

TEST(StandaloneInventoryTest, ClusterViewIsAlwaysSyncedAndSwapsInventories) {
  StandaloneClusterView view;
  EXPECT_TRUE(view.synced());
  EXPECT_TRUE(view.health().is_ok());
  EXPECT_TRUE(view.wait_synced(std::chrono::milliseconds(0)));
  ASSERT_NE(view.snapshot(), nullptr);
  EXPECT_THAT(view.snapshot()->nodes, IsEmpty());
  ASSERT_NE(view.inventory(), nullptr);
  EXPECT_THAT(view.inventory()->nodes, IsEmpty());

  auto inventory = build_standalone_inventory(*test_snapshot(), test_facts());
  view.publish(inventory);
  EXPECT_EQ(view.inventory(), inventory);
  EXPECT_EQ(view.snapshot(), inventory->cluster);
  EXPECT_EQ(view.snapshot()->nodes.size(), 2u);
}

// ---- core_api ----

struct Answer {
  int status = 0;
  std::string content_type;
  std::string body;
  rapidjson::Document json;
};

class CoreApiTest : public ::testing::Test {
 protected:
  Answer call(std::string path, std::string query = "", std::string method = "GET",
              std::vector<std::pair<std::string, std::string>> headers = {}) {
    ServerRequest request;
    request.method = method;
    request.path = path;
    request.query = query;
    const std::string target = query.empty() ? path : path + "?" + query;
    request.target = target;
    for (const auto& [k, v] : headers) request.headers.emplace_back(k, v);
    ServerResponse response;
    api_.handle(request, *inventory_, kNow, response);
    Answer answer;
    answer.status = response.status;
    answer.content_type = response.content_type;
    answer.body = response.body;
    answer.json = parse_json(response.body);
    return answer;
  }

  // A Status body: kind, code and the fields a client shows.
  void expect_status(const Answer& a, int code, const std::string& reason, const std::string& message) {
    EXPECT_EQ(a.status, code) << a.body;
    ASSERT_TRUE(a.json.IsObject()) << a.body;
    EXPECT_EQ(str(a.json, "kind"), "Status");
    EXPECT_EQ(str(a.json, "apiVersion"), "v1");
    EXPECT_EQ(str(a.json, "status"), "Failure");
    EXPECT_EQ(str(a.json, "reason"), reason);
    if (!message.empty()) {
      EXPECT_EQ(str(a.json, "message"), message);
    }
    ASSERT_TRUE(a.json.HasMember("code") && a.json["code"].IsInt());
    EXPECT_EQ(a.json["code"].GetInt(), code);
  }

  static constexpr std::int64_t kNow = kT + 500 * kSecond;
  LocalNodeFacts facts_ = test_facts();
  CoreApi api_{facts_, "127.0.0.1:4443"};
  std::shared_ptr<const StandaloneInventory> inventory_ = build_standalone_inventory(*test_snapshot(), facts_);
};

TEST_F(CoreApiTest, ApiVersions) {
  Answer a = call("/api");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "application/json");
  EXPECT_EQ(str(a.json, "kind"), "APIVersions");
  ASSERT_TRUE(a.json["versions"].IsArray());
  ASSERT_EQ(a.json["versions"].Size(), 1u);
  EXPECT_STREQ(a.json["versions"][0].GetString(), "v1");
  EXPECT_EQ(str(a.json["serverAddressByClientCIDRs"][0], "clientCIDR"), "0.0.0.0/0");
  EXPECT_EQ(str(a.json["serverAddressByClientCIDRs"][0], "serverAddress"), "127.0.0.1:4443");
  EXPECT_TRUE(a.body.ends_with("}\n"));  // compact, with json.Encoder's newline
}

TEST_F(CoreApiTest, ApiResourceList) {
  Answer a = call("/api/v1");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(str(a.json, "kind"), "APIResourceList");
  EXPECT_EQ(str(a.json, "groupVersion"), "v1");
  std::map<std::string, std::pair<std::string, bool>> resources;
  for (const auto& r : a.json["resources"].GetArray()) {
    resources[str(r, "name")] = {str(r, "kind"), r["namespaced"].GetBool()};
    std::vector<std::string> verbs;
    for (const auto& v : r["verbs"].GetArray()) verbs.emplace_back(v.GetString());
    EXPECT_THAT(verbs, ElementsAre("get", "list"));
  }
  EXPECT_EQ(resources, (std::map<std::string, std::pair<std::string, bool>>{
                           {"namespaces", {"Namespace", false}}, {"nodes", {"Node", false}}, {"pods", {"Pod", true}}}));
}

void expect_node(const rapidjson::Value& node, const std::string& name, const LocalNodeFacts& facts) {
  const rapidjson::Value& meta = node["metadata"];
  EXPECT_EQ(str(meta, "name"), name);
  EXPECT_EQ(str(meta, "resourceVersion"), "7");
  EXPECT_EQ(str(meta, "creationTimestamp"), rfc3339_seconds(facts.boot_time_ns));
  EXPECT_TRUE(std::regex_match(str(meta, "uid"), std::regex("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")));
  EXPECT_EQ(str(meta["labels"], "kubernetes.io/hostname"), name);
  EXPECT_EQ(str(meta["labels"], "kubernetes.io/arch"), "amd64");
  EXPECT_EQ(str(meta["labels"], "kubernetes.io/os"), "linux");
  const rapidjson::Value& status = node["status"];
  for (const char* key : {"capacity", "allocatable"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(str(status[key], "cpu"), std::to_string(facts.cpus));
    EXPECT_EQ(str(status[key], "memory"), "16318480Ki");
    EXPECT_EQ(str(status[key], "pods"), "110");
  }
  ASSERT_TRUE(status["conditions"].IsArray());
  EXPECT_EQ(str(status["conditions"][0], "type"), "Ready");
  EXPECT_EQ(str(status["conditions"][0], "status"), "True");
  EXPECT_EQ(str(status["addresses"][0], "type"), "InternalIP");
  EXPECT_EQ(str(status["addresses"][0], "address"), "127.0.0.1");
  EXPECT_EQ(str(status["addresses"][1], "address"), name);
  const rapidjson::Value& info = status["nodeInfo"];
  EXPECT_EQ(str(info, "architecture"), "amd64");
  EXPECT_EQ(str(info, "operatingSystem"), "linux");
  EXPECT_EQ(str(info, "osImage"), "Test OS 1.0");
  EXPECT_EQ(str(info, "kernelVersion"), "6.1.0-test");
  EXPECT_EQ(str(info, "machineID"), facts.machine_id);
  EXPECT_EQ(str(info, "bootID"), facts.boot_id);
}

TEST_F(CoreApiTest, NodeListAndGet) {
  Answer list = call("/api/v1/nodes");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(str(list.json, "kind"), "NodeList");
  EXPECT_EQ(str(list.json, "apiVersion"), "v1");
  EXPECT_EQ(str(list.json["metadata"], "resourceVersion"), "7");
  EXPECT_THAT(names_of(list.json), ElementsAre("node-a", "node-c"));
  expect_node(list.json["items"][0], "node-a", facts_);
  EXPECT_FALSE(list.json["items"][0].HasMember("kind"));  // list items carry no kind, as the apiserver's

  Answer get = call("/api/v1/nodes/node-c");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(str(get.json, "kind"), "Node");
  EXPECT_EQ(str(get.json, "apiVersion"), "v1");
  expect_node(get.json, "node-c", facts_);
  // The node's uid is stable between answers.
  EXPECT_EQ(str(call("/api/v1/nodes/node-c").json["metadata"], "uid"), str(get.json["metadata"], "uid"));
}

TEST_F(CoreApiTest, NodeSelectors) {
  EXPECT_THAT(names_of(call("/api/v1/nodes", "labelSelector=kubernetes.io%2Fhostname%3Dnode-a").json),
              ElementsAre("node-a"));
  EXPECT_THAT(names_of(call("/api/v1/nodes", "labelSelector=kubernetes.io/hostname=other").json), IsEmpty());
  EXPECT_THAT(names_of(call("/api/v1/nodes", "labelSelector=kubernetes.io/os=linux").json),
              ElementsAre("node-a", "node-c"));
  EXPECT_THAT(names_of(call("/api/v1/nodes", "labelSelector=kubernetes.io/hostname!=node-a").json),
              ElementsAre("node-c"));
  EXPECT_THAT(names_of(call("/api/v1/nodes", "fieldSelector=metadata.name%3Dnode-c").json), ElementsAre("node-c"));
  EXPECT_THAT(names_of(call("/api/v1/nodes", "fieldSelector=metadata.name=other").json), IsEmpty());
  EXPECT_THAT(names_of(call("/api/v1/nodes", "fieldSelector=metadata.name!=node-c").json), ElementsAre("node-a"));
}

void expect_pod(const rapidjson::Value& pod, const LocalPod& expected, std::int64_t started_ns) {
  const rapidjson::Value& meta = pod["metadata"];
  EXPECT_EQ(str(meta, "name"), expected.name);
  EXPECT_EQ(str(meta, "namespace"), expected.namespace_name);
  EXPECT_EQ(str(meta, "uid"), expected.uid);
  EXPECT_EQ(str(meta, "resourceVersion"), "7");
  EXPECT_EQ(str(meta, "creationTimestamp"), rfc3339_seconds(started_ns));
  EXPECT_EQ(str(pod["spec"], "nodeName"), expected.node);
  std::vector<std::string> containers;
  for (const auto& c : pod["spec"]["containers"].GetArray()) containers.push_back(str(c, "name"));
  EXPECT_EQ(containers, expected.containers);
  const rapidjson::Value& status = pod["status"];
  EXPECT_EQ(str(status, "phase"), "Running");
  EXPECT_EQ(str(status, "startTime"), rfc3339_seconds(started_ns));
  std::vector<std::string> statuses;
  for (const auto& c : status["containerStatuses"].GetArray()) {
    statuses.push_back(str(c, "name"));
    EXPECT_TRUE(c["ready"].GetBool());
    EXPECT_EQ(c["restartCount"].GetInt(), 0);
    EXPECT_EQ(str(c["state"]["running"], "startedAt"), rfc3339_seconds(started_ns));
  }
  EXPECT_EQ(statuses, expected.containers);
}

TEST_F(CoreApiTest, PodListsAndGet) {
  Answer all = call("/api/v1/pods");
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(str(all.json, "kind"), "PodList");
  EXPECT_EQ(str(all.json, "apiVersion"), "v1");
  EXPECT_EQ(str(all.json["metadata"], "resourceVersion"), "7");
  EXPECT_THAT(names_of(all.json), ElementsAre("default/late", "default/nostart", "default/web-1", "kube-system/dns"));
  expect_pod(all.json["items"][2], *inventory_->find_pod("default", "web-1"), kT + 1 * kSecond);
  // Without a start time a pod started with the machine.
  expect_pod(all.json["items"][0], *inventory_->find_pod("default", "late"), facts_.boot_time_ns);

  EXPECT_THAT(names_of(call("/api/v1/namespaces/kube-system/pods").json), ElementsAre("kube-system/dns"));
  EXPECT_THAT(names_of(call("/api/v1/namespaces/default/pods").json),
              ElementsAre("default/late", "default/nostart", "default/web-1"));
  EXPECT_THAT(names_of(call("/api/v1/namespaces/empty/pods").json), IsEmpty());  // as the apiserver: 200, no items

  Answer get = call("/api/v1/namespaces/default/pods/web-1");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(str(get.json, "kind"), "Pod");
  EXPECT_EQ(str(get.json, "apiVersion"), "v1");
  expect_pod(get.json, *inventory_->find_pod("default", "web-1"), kT + 1 * kSecond);
}

TEST_F(CoreApiTest, PodSelectors) {
  EXPECT_THAT(names_of(call("/api/v1/pods", "fieldSelector=metadata.namespace=kube-system").json),
              ElementsAre("kube-system/dns"));
  EXPECT_THAT(names_of(call("/api/v1/pods", "fieldSelector=metadata.name=web-1").json), ElementsAre("default/web-1"));
  EXPECT_THAT(names_of(call("/api/v1/namespaces/kube-system/pods", "fieldSelector=metadata.name=web-1").json),
              IsEmpty());
  EXPECT_THAT(names_of(call("/api/v1/namespaces/default/pods", "fieldSelector=metadata.name!=web-1,metadata.name!=late")
                           .json),
              ElementsAre("default/nostart"));
  // Pods carry no labels: an equality never matches, a negation always does.
  EXPECT_THAT(names_of(call("/api/v1/pods", "labelSelector=app=web").json), IsEmpty());
  EXPECT_THAT(names_of(call("/api/v1/pods", "labelSelector=!app").json).size(), 4u);
}

TEST_F(CoreApiTest, NamespaceListAndGet) {
  Answer list = call("/api/v1/namespaces");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(str(list.json, "kind"), "NamespaceList");
  EXPECT_THAT(names_of(list.json), ElementsAre("default", "kube-system"));
  const rapidjson::Value& def = list.json["items"][0];
  EXPECT_EQ(str(def["metadata"]["labels"], "kubernetes.io/metadata.name"), "default");
  EXPECT_EQ(str(def["metadata"], "creationTimestamp"), rfc3339_seconds(kT + 1 * kSecond));
  EXPECT_EQ(str(def["status"], "phase"), "Active");

  Answer get = call("/api/v1/namespaces/kube-system");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(str(get.json, "kind"), "Namespace");
  EXPECT_EQ(str(get.json["metadata"], "name"), "kube-system");
  EXPECT_EQ(str(get.json["metadata"], "uid"), name_based_uid("namespace/kube-system"));

  EXPECT_THAT(names_of(call("/api/v1/namespaces", "labelSelector=kubernetes.io/metadata.name=kube-system").json),
              ElementsAre("kube-system"));
  EXPECT_THAT(names_of(call("/api/v1/namespaces", "fieldSelector=metadata.name=default").json),
              ElementsAre("default"));
}

TEST_F(CoreApiTest, NotFound) {
  Answer node = call("/api/v1/nodes/nope");
  expect_status(node, 404, "NotFound", "nodes \"nope\" not found");
  EXPECT_EQ(str(node.json["details"], "name"), "nope");
  EXPECT_EQ(str(node.json["details"], "kind"), "nodes");
  Answer pod = call("/api/v1/namespaces/default/pods/nope");
  expect_status(pod, 404, "NotFound", "pods \"nope\" not found");
  EXPECT_EQ(str(pod.json["details"], "kind"), "pods");
  expect_status(call("/api/v1/namespaces/nope/pods/web-1"), 404, "NotFound", "pods \"web-1\" not found");
  Answer ns = call("/api/v1/namespaces/nope");
  expect_status(ns, 404, "NotFound", "namespaces \"nope\" not found");
  EXPECT_EQ(str(ns.json["details"], "kind"), "namespaces");
  // Go's %q, as the apiserver quotes names.
  expect_status(call("/api/v1/nodes/a\"b"), 404, "NotFound", "nodes \"a\\\"b\" not found");

  for (const char* path : {"/api/", "/api/v2", "/api/v1/", "/api//v1", "/api/v1/services", "/api/v1/nodes/a/b",
                           "/api/v1/namespaces/default/pods/web-1/log", "/api/v1/namespaces/default/services",
                           "/api/v1/nodes/", "/apix", "/api/v1/namespaces//pods", "/"}) {
    SCOPED_TRACE(path);
    Answer a = call(path);
    expect_status(a, 404, "NotFound", "the server could not find the requested resource");
    EXPECT_TRUE(a.json.HasMember("details"));
  }
}

TEST_F(CoreApiTest, OnlyGetAndNoWatch) {
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "HEAD"}) {
    SCOPED_TRACE(method);
    expect_status(call("/api/v1/nodes", "", method), 405, "MethodNotAllowed", "");
    expect_status(call("/api/v1/nodes/node-a", "", method), 405, "MethodNotAllowed", "");
  }
  expect_status(call("/api/v2", "", "POST"), 404, "NotFound", "");  // an unknown path is 404 whatever the verb
  expect_status(call("/api/v1/nodes", "watch=true"), 405, "MethodNotAllowed",
                "watch is not supported in standalone mode");
  expect_status(call("/api/v1/namespaces/default/pods", "watch=1&resourceVersion=7"), 405, "MethodNotAllowed", "");
  EXPECT_EQ(call("/api/v1/nodes", "watch=false").status, 200);
  // What kubectl adds to its lists is accepted and ignored.
  EXPECT_EQ(call("/api/v1/nodes", "limit=500&resourceVersion=0&continue=").status, 200);
}

TEST_F(CoreApiTest, BadSelectorsAre400) {
  Answer bad_labels = call("/api/v1/nodes", "labelSelector=a%20b");
  expect_status(bad_labels, 400, "BadRequest", "");
  EXPECT_THAT(str(bad_labels.json, "message"), HasSubstr("unable to parse requirement"));
  expect_status(call("/api/v1/pods", "labelSelector=%3D%3D"), 400, "BadRequest", "");
  Answer bad_fields = call("/api/v1/pods", "fieldSelector=spec.nodeName%3Dnode-a");
  expect_status(bad_fields, 400, "BadRequest", "");
  EXPECT_THAT(str(bad_fields.json, "message"), HasSubstr("\"spec.nodeName\" is not a known field selector"));
  expect_status(call("/api/v1/nodes", "fieldSelector=metadata.name"), 400, "BadRequest", "");
}

TEST_F(CoreApiTest, PrettyAndAcceptStillJson) {
  Answer pretty = call("/api/v1/nodes/node-a", "pretty=true");
  EXPECT_EQ(pretty.status, 200);
  EXPECT_THAT(pretty.body, HasSubstr("\n  \"kind\": \"Node\""));
  EXPECT_EQ(str(pretty.json, "kind"), "Node");
  Answer curl = call("/api/v1/nodes", "", "GET", {{"User-Agent", "curl/8.5.0"}});
  EXPECT_THAT(curl.body, HasSubstr("\n  \"kind\": \"NodeList\""));
  Answer error = call("/api/v1/nodes/nope", "pretty=1");
  EXPECT_THAT(error.body, HasSubstr("\n  \"kind\": \"Status\""));
  // kubectl asks for protobuf (or a Table) first but takes JSON.
  Answer protobuf = call("/api/v1/nodes", "", "GET",
                         {{"Accept", "application/vnd.kubernetes.protobuf,application/json"}});
  EXPECT_EQ(protobuf.content_type, "application/json");
  EXPECT_EQ(str(protobuf.json, "kind"), "NodeList");
}

TEST_F(CoreApiTest, EmptyInventory) {
  inventory_ = std::make_shared<const StandaloneInventory>();
  for (const char* path : {"/api/v1/nodes", "/api/v1/pods", "/api/v1/namespaces", "/api/v1/namespaces/x/pods"}) {
    Answer a = call(path);
    EXPECT_EQ(a.status, 200);
    ASSERT_TRUE(a.json["items"].IsArray()) << a.body;
    EXPECT_EQ(a.json["items"].Size(), 0u);
  }
  expect_status(call("/api/v1/nodes/node-a"), 404, "NotFound", "");
}

TEST(CoreApiQuantityTest, MemoryCapacity) {
  EXPECT_EQ(memory_capacity_quantity(16318480ULL * 1024), "16318480Ki");
  EXPECT_EQ(memory_capacity_quantity(1024), "1Ki");
  EXPECT_EQ(memory_capacity_quantity(1000), "1000");
  EXPECT_EQ(memory_capacity_quantity(1025), "1025");
  EXPECT_EQ(memory_capacity_quantity(0), "0");
  EXPECT_EQ(memory_capacity_quantity(UINT64_MAX & ~1023ULL), std::to_string(UINT64_MAX >> 10) + "Ki");
}

}  // namespace
}  // namespace mpf::api::metrics
