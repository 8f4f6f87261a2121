#pragma once

#include <gmock/gmock.h>

#include "mpf/sdk/processor.h"

namespace mpf::test {

// Use as testing::StrictMock<MockProcessor> unless a test deliberately ignores some calls.
class MockProcessor : public mpf::Processor {
 public:
  MOCK_METHOD(mpf::Status, start, (), (noexcept, override));
  MOCK_METHOD(mpf::Status, process, (mpf::Snapshot & snapshot), (noexcept, override));
  MOCK_METHOD(void, stop, (), (noexcept, override));
};

}  // namespace mpf::test
