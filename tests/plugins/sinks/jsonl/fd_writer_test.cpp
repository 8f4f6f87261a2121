#include "fd_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <string>
#include <thread>

namespace mpf::sinks::jsonl {
namespace {

using std::chrono::steady_clock;

TEST(FdWriterTest, ClassifiesErrors) {
  for (int err : {ENOSPC, EDQUOT, EIO, EAGAIN, ETIMEDOUT}) {
    EXPECT_TRUE(status_for_errno(err, "write", "/x").is_retryable()) << err;
  }
  for (int err : {EACCES, EPERM, EBADF, EROFS, ENOENT, EISDIR, EPIPE, EFBIG}) {
    EXPECT_EQ(status_for_errno(err, "write", "/x").code(), StatusCode::kPermanent) << err;
  }
  EXPECT_EQ(status_for_errno(ENOSPC, "write", "/var/log/m.jsonl").message(),
            "write /var/log/m.jsonl: No space left on device");
}

TEST(FdWriterTest, ClosedPipeIsEpipeNotADeadProcess) {
  std::signal(SIGPIPE, SIG_IGN);  // as the host's main() does (sdk/README.md)
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  EXPECT_EQ(write_all(fds[1], "line\n", steady_clock::now() + std::chrono::seconds(1)), EPIPE);
  ::close(fds[1]);
}

TEST(FdWriterTest, FullNonBlockingPipeTimesOutAtTheDeadline) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK), 0);
  std::string big(1 << 20, 'x');  // larger than any pipe buffer, and nobody reads
  auto started = steady_clock::now();
  EXPECT_EQ(write_all(fds[1], big, started + std::chrono::milliseconds(100)), ETIMEDOUT);
  EXPECT_GE(steady_clock::now() - started, std::chrono::milliseconds(90));
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(FdWriterTest, PartialWritesAreCompleted) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK), 0);
  std::string big;
  for (int i = 0; i < 200000; ++i) big += static_cast<char>('a' + i % 26);
  std::string received;
  std::thread reader([&] {
    int flags = ::fcntl(fds[0], F_GETFL);
    ::fcntl(fds[0], F_SETFL, flags & ~O_NONBLOCK);
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      received.append(buf, static_cast<std::size_t>(n));
    }
  });
  EXPECT_EQ(write_all(fds[1], big, steady_clock::now() + std::chrono::seconds(10)), 0);
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(received, big);
}

}  // namespace
}  // namespace mpf::sinks::jsonl
