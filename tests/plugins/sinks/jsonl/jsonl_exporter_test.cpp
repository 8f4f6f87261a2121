#include "jsonl_exporter.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/plugins/sinks/jsonl/test_snapshot.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"

namespace mpf::sinks::jsonl {
namespace {

using mpf::test::read_text;
using mpf::test::TempDir;

struct RecordingEmitter : BatchEmitter {
  std::vector<ExportBatch> batches;
  std::size_t accept = 1000;  // batches taken before saying "no more"
  bool emit(ExportBatch&& batch) noexcept override {
    batches.push_back(std::move(batch));
    return batches.size() < accept;
  }
};

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n' ? 1 : 0;
  return n;
}

std::chrono::steady_clock::time_point soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

TEST(JsonlExporterTest, CutsLinesIntoBatches) {
  mpf::test::TestContext ctx;
  JsonlConfig config;
  config.max_lines_per_batch = 4;
  config.scrapes = true;
  JsonlExporter exporter(config, ctx);
  RecordingEmitter emitter;
  ASSERT_TRUE(exporter.encode(test::make_snapshot(), emitter).is_ok());
  // 9 lines (2 nodes, pod, 2 containers, namespace, cluster, 2 scrapes): 4 + 4 + 1.
  ASSERT_EQ(emitter.batches.size(), 3u);
  EXPECT_EQ(count_lines(emitter.batches[0].payload), 4u);
  EXPECT_EQ(count_lines(emitter.batches[1].payload), 4u);
  EXPECT_EQ(count_lines(emitter.batches[2].payload), 1u);
  // Value fields per line are 3 1 3 4 | 1 2 4 0 | 0.
  EXPECT_EQ(emitter.batches[0].samples, 11u);
  EXPECT_EQ(emitter.batches[1].samples, 7u);
  EXPECT_EQ(emitter.batches[2].samples, 0u);
  EXPECT_EQ(emitter.batches[0].payload.back(), '\n');
  EXPECT_EQ(emitter.batches[0].payload.rfind("{\"time\"", 0), 0u);
}

TEST(JsonlExporterTest, StopsEncodingWhenTheHostWantsNoMore) {
  mpf::test::TestContext ctx;
  JsonlConfig config;
  config.max_lines_per_batch = 2;
  JsonlExporter exporter(config, ctx);
  RecordingEmitter emitter;
  emitter.accept = 1;
  EXPECT_TRUE(exporter.encode(test::make_snapshot(), emitter).is_ok());
  EXPECT_EQ(emitter.batches.size(), 1u);
}

TEST(JsonlExporterTest, SnapshotShapeIsOneBatchOfOneLine) {
  mpf::test::TestContext ctx;
  JsonlConfig config;
  config.shape = "snapshot";
  config.max_lines_per_batch = 1;
  JsonlExporter exporter(config, ctx);
  RecordingEmitter emitter;
  ASSERT_TRUE(exporter.encode(test::make_snapshot(), emitter).is_ok());
  ASSERT_EQ(emitter.batches.size(), 1u);
  EXPECT_EQ(count_lines(emitter.batches[0].payload), 1u);
  EXPECT_EQ(emitter.batches[0].samples, 18u);
}

TEST(JsonlExporterTest, ConsumeAppendsEveryLineToTheFile) {
  mpf::test::TestContext ctx;
  TempDir dir;
  JsonlConfig config;
  config.output = dir.file("m.jsonl");
  config.max_lines_per_batch = 3;
  JsonlExporter exporter(config, ctx);
  auto snapshot = std::make_shared<Snapshot>(test::make_snapshot());
  ASSERT_TRUE(exporter.consume(snapshot, soon()).is_ok());
  ASSERT_TRUE(exporter.consume(snapshot, soon()).is_ok());
  std::string text = read_text(config.output);
  EXPECT_EQ(count_lines(text), 14u);  // 7 lines per snapshot (no scrapes by default)
  EXPECT_EQ(text.substr(0, text.size() / 2), text.substr(text.size() / 2));
}

TEST(JsonlExporterTest, RotationsAndReopensAreCounted) {
  mpf::test::TestContext ctx("to-file");
  TempDir dir;
  JsonlConfig config;
  config.output = dir.file("m.jsonl");
  config.max_file_bytes = 10;
  config.max_files = 1;
  JsonlExporter exporter(config, ctx);
  ExportBatch batch{"{\"a\":1}\n", 1};
  ASSERT_TRUE(exporter.send(batch, soon()).is_ok());
  ASSERT_TRUE(exporter.send(batch, soon()).is_ok());  // 8 + 8 > 10: rotates
  std::filesystem::rename(config.output, dir.file("elsewhere"));
  ASSERT_TRUE(exporter.send(batch, soon()).is_ok());  // reopens
  auto& metrics = ctx.self_metrics();
  EXPECT_EQ(metrics.counter("mpf_jsonl_rotations_total", "", {{"sink", "to-file"}})->value(), 1.0);
  EXPECT_EQ(metrics.counter("mpf_jsonl_reopens_total", "", {{"sink", "to-file"}})->value(), 1.0);
  EXPECT_EQ(ctx.test_logger().events_with_message("jsonl: output was moved or deleted; reopened it").size(), 1u);
}

TEST(JsonlExporterTest, WritesToStdout) {
  mpf::test::TestContext ctx;
  TempDir dir;
  JsonlExporter exporter(JsonlConfig{}, ctx);
  // Point fd 1 at a file for the duration of the send.
  std::fflush(stdout);
  int saved = ::dup(STDOUT_FILENO);
  int capture = ::open(dir.file("stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(capture, 0);
  ::dup2(capture, STDOUT_FILENO);
  Status st = exporter.send(ExportBatch{"{\"x\":2}\n", 1}, soon());
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::close(capture);
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(read_text(dir.file("stdout")), "{\"x\":2}\n");
}

}  // namespace
}  // namespace mpf::sinks::jsonl
