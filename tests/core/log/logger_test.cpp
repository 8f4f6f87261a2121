#include "core/log/logger.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace mpf::core {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

// 2024-11-24 10:06:00.123456 UTC, the example of the klog and component-base formats.
system_clock::time_point example_time() {
  return system_clock::time_point(
      std::chrono::duration_cast<system_clock::duration>(seconds(1732442760) + microseconds(123456)));
}

class LogWriterTest : public ::testing::Test {
 protected:
  // Deterministic options: example_time(), UTC, pid 12345, output captured in out_.
  LogWriter::Options options(LogFormat format = LogFormat::kText, int verbosity = 0) {
    LogWriter::Options o;
    o.format = format;
    o.verbosity = verbosity;
    o.out = &out_;
    o.clock = [] { return example_time(); };
    o.local_time = false;
    o.pid = 12345;
    return o;
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }

  std::ostringstream out_;
};

TEST_F(LogWriterTest, TextMatchesKlogHeaderAndStructuredFields) {
  LogWriter writer(options());
  auto log = writer.logger_for("scraper");
  log->info("Scrape finished", {{"node", "node-1"}, {"nodeCount", "42"}});
  EXPECT_EQ(out_.str(), "I1124 10:06:00.123456   12345 scraper] \"Scrape finished\" node=\"node-1\" nodeCount=42\n");
}

TEST_F(LogWriterTest, TextSeverityLettersAndPidAlignment) {
  auto o = options();
  o.pid = 7;
  LogWriter writer(o);
  auto log = writer.logger_for("c");
  log->warn("w");
  log->error("e");
  EXPECT_EQ(out_.str(),
            "W1124 10:06:00.123456       7 c] \"w\"\n"
            "E1124 10:06:00.123456       7 c] \"e\"\n");
}

TEST_F(LogWriterTest, TextQuotingRuleBareNumbersAndBoolsOnly) {
  LogWriter writer(options());
  auto log = writer.logger_for("c");
  log->info("m", {{"int", "42"},
                  {"neg", "-3.5e10"},
                  {"t", "true"},
                  {"f", "false"},
                  {"zero", "0"},
                  {"octal", "007"},
                  {"dur", "1.5s"},
                  {"word", "True"},
                  {"empty", ""},
                  {"plus", "+1"},
                  {"dot", "1."}});
  EXPECT_EQ(out_.str(),
            "I1124 10:06:00.123456   12345 c] \"m\" int=42 neg=-3.5e10 t=true f=false zero=0 octal=\"007\" "
            "dur=\"1.5s\" word=\"True\" empty=\"\" plus=\"+1\" dot=\"1.\"\n");
}

TEST_F(LogWriterTest, TextErrorPutsErrFirstAndAlwaysQuotesIt) {
  LogWriter writer(options());
  auto log = writer.logger_for("scraper");
  log->error("Failed to scrape node", {{"node", "n1"}, {"err", "404"}});
  EXPECT_EQ(out_.str(), "E1124 10:06:00.123456   12345 scraper] \"Failed to scrape node\" err=\"404\" node=\"n1\"\n");
}

TEST_F(LogWriterTest, TextKeepsFieldOrderForWarnings) {
  LogWriter writer(options());
  writer.logger_for("c")->warn("m", {{"a", "x"}, {"err", "boom"}});
  EXPECT_EQ(out_.str(), "W1124 10:06:00.123456   12345 c] \"m\" a=\"x\" err=\"boom\"\n");
}

TEST_F(LogWriterTest, TextMultiLineValuesStayOnOneLine) {
  LogWriter writer(options());
  writer.logger_for("c")->info("two\nlines", {{"body", "line 1\nline 2\r\n\t\"quoted\" \\"}});
  EXPECT_EQ(out_.str(),
            "I1124 10:06:00.123456   12345 c] \"two\\nlines\" body=\"line 1\\nline 2\\r\\n\\t\\\"quoted\\\" \\\\\"\n");
  EXPECT_EQ(lines().size(), 1u);
}

TEST_F(LogWriterTest, TextOddKeysAndComponentsAreQuoted) {
  LogWriter writer(options());
  writer.logger_for("my component")->info("m", {{"a key", "v"}, {"k=v", "1"}});
  EXPECT_EQ(out_.str(), "I1124 10:06:00.123456   12345 \"my component\"] \"m\" \"a key\"=\"v\" \"k=v\"=1\n");
}

TEST_F(LogWriterTest, TextUsesLocalTimeByDefault) {
  LogWriter::Options options;
  options.out = &out_;
  options.clock = [] { return example_time(); };
  LogWriter writer(options);
  writer.logger_for("c")->info("m");
  std::time_t t = 1732442760;
  std::tm tm{};
  localtime_r(&t, &tm);
  char expected[32];
  std::snprintf(expected, sizeof expected, "I%02d%02d %02d:%02d:%02d.123456 ", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  EXPECT_EQ(out_.str().substr(0, 22), expected);
  // Without an injected pid, the process id, right-aligned in 7 columns.
  char pid[16];
  std::snprintf(pid, sizeof pid, "%7d ", static_cast<int>(::getpid()));
  EXPECT_EQ(out_.str().substr(22, 8), pid);
}

TEST_F(LogWriterTest, JsonMatchesComponentBase) {
  LogWriter writer(options(LogFormat::kJson));
  auto log = writer.logger_for("scraper");
  log->info("Scrape finished", {{"node", "node-1"}, {"nodeCount", "42"}, {"ok", "true"}});
  EXPECT_EQ(out_.str(),
            "{\"ts\":1732442760123.456,\"caller\":\"scraper\",\"msg\":\"Scrape finished\",\"v\":0,"
            "\"node\":\"node-1\",\"nodeCount\":42,\"ok\":true}\n");
}

TEST_F(LogWriterTest, JsonVerbosityWarningAndError) {
  LogWriter writer(options(LogFormat::kJson, 4));
  auto log = writer.logger_for("c");
  log->info_v(3, "detail");
  log->warn("careful", {{"err", "x"}});
  log->error("failed", {{"err", "timeout"}, {"node", "n1"}});
  log->error("no error value", {{"node", "n1"}});
  auto got = lines();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "{\"ts\":1732442760123.456,\"caller\":\"c\",\"msg\":\"detail\",\"v\":3}");
  EXPECT_EQ(got[1], "{\"ts\":1732442760123.456,\"caller\":\"c\",\"msg\":\"careful\",\"v\":0,\"err\":\"x\"}");
  EXPECT_EQ(got[2],
            "{\"ts\":1732442760123.456,\"caller\":\"c\",\"msg\":\"failed\",\"node\":\"n1\",\"err\":\"timeout\"}");
  EXPECT_EQ(got[3], "{\"ts\":1732442760123.456,\"caller\":\"c\",\"msg\":\"no error value\",\"node\":\"n1\"}");
}

TEST_F(LogWriterTest, JsonEscapingIsValidJson) {
  LogWriter writer(options(LogFormat::kJson));
  std::string nasty = "quote\" backslash\\ nl\n cr\r tab\t bell\a nul";
  nasty.push_back('\0');
  nasty += " bad\xff utf8 \xC3\xA9 \xF0\x9F\x98\x80";
  writer.logger_for("c\"omp")->info(nasty, {{"k\"ey", nasty}, {"n", "1e5"}});
  auto got = lines();
  ASSERT_EQ(got.size(), 1u);
  rapidjson::Document doc;
  doc.Parse(got[0].c_str(), got[0].size());
  ASSERT_FALSE(doc.HasParseError()) << got[0];
  std::string expected = "quote\" backslash\\ nl\n cr\r tab\t bell\a nul";
  expected.push_back('\0');
  expected += " bad\xEF\xBF\xBD utf8 \xC3\xA9 \xF0\x9F\x98\x80";
  EXPECT_EQ(std::string(doc["msg"].GetString(), doc["msg"].GetStringLength()), expected);
  EXPECT_EQ(std::string(doc["k\"ey"].GetString(), doc["k\"ey"].GetStringLength()), expected);
  EXPECT_STREQ(doc["caller"].GetString(), "c\"omp");
  EXPECT_TRUE(doc["n"].IsNumber());
  EXPECT_NE(got[0].find("bell\\u0007 nul\\u0000 bad\\ufffd"), std::string::npos) << got[0];
}

TEST_F(LogWriterTest, JsonTimestampIsMillisecondsAsFloat) {
  LogWriter::Options options;
  options.out = &out_;
  options.format = LogFormat::kJson;
  options.clock = [] { return system_clock::time_point(seconds(1700000000)); };
  LogWriter writer(options);
  writer.logger_for("c")->info("m");
  EXPECT_EQ(out_.str().substr(0, 20), "{\"ts\":1700000000000,");
}

TEST_F(LogWriterTest, VerbosityFiltersInfoOnly) {
  LogWriter writer(options(LogFormat::kText, 1));
  auto log = writer.logger_for("c");
  EXPECT_TRUE(log->enabled(1));
  EXPECT_FALSE(log->enabled(2));
  log->info_v(1, "v1");
  log->info_v(2, "v2 dropped");
  log->log(Severity::kInfo, 5, "direct v5 dropped", {});
  log->log(Severity::kWarning, 9, "warnings always", {});
  log->log(Severity::kError, 9, "errors always", {});
  writer.set_verbosity(2);
  EXPECT_EQ(writer.verbosity(), 2);
  log->info_v(2, "v2 kept");
  auto got = lines();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_NE(got[0].find("\"v1\""), std::string::npos);
  EXPECT_NE(got[1].find("\"warnings always\""), std::string::npos);
  EXPECT_NE(got[2].find("\"errors always\""), std::string::npos);
  EXPECT_NE(got[3].find("\"v2 kept\""), std::string::npos);
}

TEST_F(LogWriterTest, FormatCanChangeAtRunTime) {
  LogWriter writer(options());
  auto log = writer.logger_for("c");
  log->info("a");
  writer.set_format(LogFormat::kJson);
  EXPECT_EQ(writer.format(), LogFormat::kJson);
  log->info("b");
  auto got = lines();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0][0], 'I');
  EXPECT_EQ(got[1][0], '{');
}

TEST_F(LogWriterTest, ConcurrentEventsNeverInterleave) {
  LogWriter writer(options());
  constexpr int kThreads = 8;
  constexpr int kEvents = 300;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&writer, t] {
      auto log = writer.logger_for("worker-" + std::to_string(t));
      for (int i = 0; i < kEvents; ++i) log->info("event", {{"i", std::to_string(i)}, {"pad", std::string(100, 'x')}});
    });
  }
  for (auto& thread : threads) thread.join();
  auto got = lines();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kThreads * kEvents));
  for (const auto& line : got) {
    ASSERT_EQ(line.rfind("I1124 10:06:00.123456   12345 worker-", 0), 0u) << line;
    ASSERT_TRUE(line.ends_with(" pad=\"" + std::string(100, 'x') + "\"")) << line;
  }
}

TEST(LogGoQuoteTest, MatchesStrconvQuote) {
  EXPECT_EQ(go_quote(""), "\"\"");
  EXPECT_EQ(go_quote("plain text"), "\"plain text\"");
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("\a\b\f\n\r\t\v"), "\"\\a\\b\\f\\n\\r\\t\\v\"");
  EXPECT_EQ(go_quote(std::string("\x01\x1b\x7f", 3)), "\"\\x01\\x1b\\x7f\"");
  EXPECT_EQ(go_quote(std::string(1, '\0')), "\"\\x00\"");
  EXPECT_EQ(go_quote("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
  EXPECT_EQ(go_quote("bad \xff\xfe end"), "\"bad \\xff\\xfe end\"");
  EXPECT_EQ(go_quote("trunc \xE2\x82"), "\"trunc \\xe2\\x82\"");
  EXPECT_EQ(go_quote("overlong \xC0\xAF"), "\"overlong \\xc0\\xaf\"");
  EXPECT_EQ(go_quote("surrogate \xED\xA0\x80"), "\"surrogate \\xed\\xa0\\x80\"");
  EXPECT_EQ(go_quote("nbsp\xC2\xA0"), "\"nbsp\\u00a0\"");
  EXPECT_EQ(go_quote("c1\xC2\x85"), "\"c1\\u0085\"");
  EXPECT_EQ(go_quote("ls\xE2\x80\xA8"), "\"ls\\u2028\"");
  EXPECT_EQ(go_quote("bom\xEF\xBB\xBF"), "\"bom\\ufeff\"");
  EXPECT_EQ(go_quote("tag\xF3\xA0\x80\x81"), "\"tag\\U000e0001\"");
  EXPECT_EQ(go_quote("replacement\xEF\xBF\xBD"), "\"replacement\xEF\xBF\xBD\"");
}

TEST(ParseLogFormatTest, AcceptsTextAndJsonOnly) {
  EXPECT_EQ(parse_log_format("text").value(), LogFormat::kText);
  EXPECT_EQ(parse_log_format("json").value(), LogFormat::kJson);
  auto bad = parse_log_format("JSON");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().message(), "supported values: \"json\", \"text\"");
}

}  // namespace
}  // namespace mpf::core
