#include "core/error.h"

#include <gtest/gtest.h>

namespace bulwark::core {
namespace {

TEST(Error, WrapKeepsCodeAndPrefixesContext) {
  Error e{ErrorCode::kUnavailable, "returned 503 after 3 attempts"};
  Error w = e.Wrap("xray: GET /xray/api/v1/reports/17");
  EXPECT_EQ(w.code, ErrorCode::kUnavailable);
  EXPECT_EQ(w.message, "xray: GET /xray/api/v1/reports/17: returned 503 after 3 attempts");
}

TEST(Error, FailProducesUnexpectedWithCode) {
  Result<int> r = Fail(ErrorCode::kNotFound, "project 7 not found");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ErrorCodeName(r.error().code), "not_found");
}

}  // namespace
}  // namespace bulwark::core
