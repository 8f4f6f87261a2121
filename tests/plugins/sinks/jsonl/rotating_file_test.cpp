#include "rotating_file.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/test_common/temp_dir.h"

namespace mpf::sinks::jsonl {
namespace {

namespace fs = std::filesystem;
using mpf::test::read_text;
using mpf::test::TempDir;

std::chrono::steady_clock::time_point soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

// A 10-byte line: "line-07xx\n".
std::string line(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "line-%02dxx\n", i);
  return buf;
}

TEST(RotatingFileTest, AppendsAndCreatesTheFile) {
  TempDir dir;
  RotatingFile file(dir.file("out.jsonl"), RotationPolicy{0, 5, false});
  ASSERT_TRUE(file.append(line(1), soon()).is_ok());
  ASSERT_TRUE(file.append(line(2), soon()).is_ok());
  EXPECT_EQ(read_text(dir.file("out.jsonl")), line(1) + line(2));
  EXPECT_FALSE(fs::exists(dir.file("out.jsonl.1")));
}

TEST(RotatingFileTest, RotatesBySizeAndDropsTheOldest) {
  TempDir dir;
  const std::string path = dir.file("out.jsonl");
  // 30 bytes hold three lines; keep two rotated files.
  RotatingFile file(path, RotationPolicy{30, 2, false});
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(file.append(line(i), soon()).is_ok()) << i;
  // Rotations before lines 4, 7 and 10; the first file (lines 1-3) was dropped at the third.
  EXPECT_EQ(file.rotations(), 3u);
  EXPECT_EQ(read_text(path), line(10));
  EXPECT_EQ(read_text(path + ".1"), line(7) + line(8) + line(9));
  EXPECT_EQ(read_text(path + ".2"), line(4) + line(5) + line(6));
  EXPECT_FALSE(fs::exists(path + ".3"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 3u);
}

TEST(RotatingFileTest, ABatchLargerThanTheLimitGoesWholeIntoAFreshFile) {
  TempDir dir;
  const std::string path = dir.file("out.jsonl");
  RotatingFile file(path, RotationPolicy{30, 3, false});
  const std::string big = line(1) + line(2) + line(3) + line(4) + line(5);  // 50 bytes
  // An empty file takes it without rotating: there is nothing to move away.
  ASSERT_TRUE(file.append(big, soon()).is_ok());
  EXPECT_EQ(file.rotations(), 0u);
  EXPECT_EQ(read_text(path), big);
  ASSERT_TRUE(file.append(line(6), soon()).is_ok());
  EXPECT_EQ(file.rotations(), 1u);
  EXPECT_EQ(read_text(path + ".1"), big);
  ASSERT_TRUE(file.append(big, soon()).is_ok());
  EXPECT_EQ(file.rotations(), 2u);
  EXPECT_EQ(read_text(path), big);
  EXPECT_EQ(read_text(path + ".1"), line(6));
  EXPECT_EQ(read_text(path + ".2"), big);
}

TEST(RotatingFileTest, ReopensAfterTheFileWasMovedOrDeleted) {
  TempDir dir;
  const std::string path = dir.file("out.jsonl");
  RotatingFile file(path, RotationPolicy{0, 5, false});
  ASSERT_TRUE(file.append(line(1), soon()).is_ok());
  fs::rename(path, dir.file("moved.jsonl"));  // logrotate's default (create) mode
  ASSERT_TRUE(file.append(line(2), soon()).is_ok());
  EXPECT_EQ(file.reopens(), 1u);
  EXPECT_EQ(read_text(dir.file("moved.jsonl")), line(1));
  EXPECT_EQ(read_text(path), line(2));
  fs::remove(path);
  ASSERT_TRUE(file.append(line(3), soon()).is_ok());
  EXPECT_EQ(file.reopens(), 2u);
  EXPECT_EQ(read_text(path), line(3));
}

TEST(RotatingFileTest, ReopensWhenThePathNamesANewFile) {
  TempDir dir;
  const std::string path = dir.file("out.jsonl");
  RotatingFile file(path, RotationPolicy{0, 5, false});
  ASSERT_TRUE(file.append(line(1), soon()).is_ok());
  // logrotate's create mode: move the file away and create an empty one in its place.
  fs::rename(path, dir.file("out.jsonl.old"));
  ASSERT_TRUE(mpf::test::write_text(path, ""));
  ASSERT_TRUE(file.append(line(2), soon()).is_ok());
  EXPECT_EQ(file.reopens(), 1u);
  EXPECT_EQ(read_text(dir.file("out.jsonl.old")), line(1));
  EXPECT_EQ(read_text(path), line(2));
}

TEST(RotatingFileTest, CopyTruncateKeepsTheFileAndAppendsAtItsNewEnd) {
  TempDir dir;
  const std::string path = dir.file("out.jsonl");
  RotatingFile file(path, RotationPolicy{0, 5, false});
  ASSERT_TRUE(file.append(line(1) + line(2), soon()).is_ok());
  fs::resize_file(path, 0);  // logrotate's copytruncate
  ASSERT_TRUE(file.append(line(3), soon()).is_ok());
  EXPECT_EQ(file.reopens(), 0u);
  EXPECT_EQ(read_text(path), line(3));  // O_APPEND: no hole of zeros before it
}

TEST(RotatingFileTest, RemovedDirectoryIsPermanentUntilItReturns) {
  TempDir dir;
  const std::string sub = dir.file("logs");
  fs::create_directory(sub);
  const std::string path = sub + "/out.jsonl";
  RotatingFile file(path, RotationPolicy{0, 5, false});
  ASSERT_TRUE(file.append(line(1), soon()).is_ok());
  fs::remove_all(sub);
  Status st = file.append(line(2), soon());
  // Reopening fails with ENOENT: an operator has to act, so the batch is not retried.
  EXPECT_EQ(st.code(), StatusCode::kPermanent) << st.to_string();
  EXPECT_EQ(st.message(), "open " + path + ": No such file or directory");
  fs::create_directory(sub);
  ASSERT_TRUE(file.append(line(3), soon()).is_ok());
  EXPECT_EQ(read_text(path), line(3));
}

TEST(RotatingFileTest, FullDeviceIsRetryable) {
  RotatingFile file("/dev/full", RotationPolicy{0, 5, false});
  Status st = file.append(line(1), soon());
  EXPECT_TRUE(st.is_retryable()) << st.to_string();
  EXPECT_EQ(st.message(), "write /dev/full: No space left on device");
}

TEST(RotatingFileTest, DirectoryAsOutputIsPermanent) {
  TempDir dir;
  RotatingFile file(dir.path(), RotationPolicy{0, 5, false});
  EXPECT_EQ(file.append(line(1), soon()).code(), StatusCode::kPermanent);
}

TEST(RotatingFileTest, FailedWriteIsTakenBackSoNoHalfLineRemains) {
  TempDir dir;
  const std::string path = dir.file("out.jsonl");
  RotatingFile file(path, RotationPolicy{0, 5, false});
  ASSERT_TRUE(file.append(line(1) + line(2), soon()).is_ok());  // 20 bytes
  // A file size limit of 35 bytes lets the next 30-byte write through halfway, then fails it (EFBIG).
  struct sigaction ignore {}, old_action {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGXFSZ, &ignore, &old_action), 0);
  rlimit old_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  rlimit small = old_limit;
  small.rlim_cur = 35;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status st = file.append(line(3) + line(4) + line(5), soon());
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::sigaction(SIGXFSZ, &old_action, nullptr);
  EXPECT_EQ(st.code(), StatusCode::kPermanent) << st.to_string();
  EXPECT_EQ(read_text(path), line(1) + line(2));
}

}  // namespace
}  // namespace mpf::sinks::jsonl
