#include "core/status.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "x", "x must be even");
  }
  return x / 2;
}

Result<int> Quarter(int x) {
  MERIDIAN_ASSIGN_OR_RETURN(int half, Half(x));
  MERIDIAN_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  MERIDIAN_RETURN_IF_ERROR(Half(x));
  return Status::Ok();
}

TEST(StatusTest, ResultCarriesValueOrError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(r.error().param, "x");
  EXPECT_EQ(r.error().ToString(), "INVALID_PARAMETER (x): x must be even");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(3).code(), ErrorCode::kINVALID_PARAMETER);
}

TEST(StatusTest, CodeTableRoundTrips) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kREPEAT_REQ_INCONSISTENT),
            "REPEAT_REQ_INCONSISTENT");
  EXPECT_EQ(ErrorCodeHttpStatus(ErrorCode::kREPEAT_REQ_INCONSISTENT), 409);
  EXPECT_EQ(ErrorCodeHttpStatus(ErrorCode::kINSUFFICIENT_BALANCE), 422);
  EXPECT_EQ(ErrorCodeOutcome(ErrorCode::kIO_ERROR), 'U');
  EXPECT_EQ(ErrorCodeFromName("INVALID_AMOUNT"), ErrorCode::kINVALID_AMOUNT);
  EXPECT_EQ(ErrorCodeFromName("NO_SUCH_CODE"), std::nullopt);
  for (int i = 0; i < static_cast<int>(kErrorCodeCount); ++i) {
    auto code = static_cast<ErrorCode>(i);
    EXPECT_EQ(ErrorCodeFromName(ErrorCodeName(code)), code);
  }
}

TEST(StatusDeathTest, CheckStaysOnAndNamesTheInvariant) {
  EXPECT_DEATH(MERIDIAN_CHECK(1 + 1 == 3) << "arithmetic", "1 \\+ 1 == 3");
  EXPECT_DEATH((void)Half(3).value(), "x must be even");
}

}  // namespace
}  // namespace meridian
