#pragma once

#include <gmock/gmock.h>

#include <vector>

#include "mpf/sdk/source.h"

namespace mpf::test {

// Use as testing::StrictMock<MockSource> unless a test deliberately ignores some calls.
class MockSource : public mpf::Source {
 public:
  MOCK_METHOD(mpf::Status, start, (), (noexcept, override));
  MOCK_METHOD(mpf::Status, list_targets, (std::vector<mpf::Target> & out), (noexcept, override));
  MOCK_METHOD(void, scrape,
              (const mpf::Target& target, mpf::Deadline deadline, mpf::NodeBatch& batch, mpf::ScrapeDone done),
              (noexcept, override));
  MOCK_METHOD(bool, blocking, (), (const, noexcept, override));
  MOCK_METHOD(void, stop, (), (noexcept, override));
};

}  // namespace mpf::test
