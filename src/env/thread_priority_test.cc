#include "env/thread_priority.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace bulwark::env {
namespace {

TEST(ThreadPriority, LowersOnlyTheCallingThread) {
  const int before = CurrentThreadNice();
  if (before >= kMaxNice) GTEST_SKIP() << "the test already runs at the lowest priority";
  int inside = -1;
  std::thread lowered([&] {
    ASSERT_TRUE(SetCurrentThreadNice(kMaxNice).has_value());
    inside = CurrentThreadNice();
  });
  lowered.join();
  EXPECT_EQ(inside, kMaxNice);
  EXPECT_EQ(CurrentThreadNice(), before);
}

TEST(ThreadPriority, RefusesValuesOutsideTheNiceRange) {
  auto too_high = SetCurrentThreadNice(kMaxNice + 1);
  ASSERT_FALSE(too_high.has_value());
  EXPECT_EQ(too_high.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(too_high.error().message.find("outside 0-19"), std::string::npos);
  EXPECT_FALSE(SetCurrentThreadNice(-1).has_value());
}

TEST(ThreadPriority, RunAtNiceRunsTheWorkAtThatNiceAndLeavesTheCallerAlone) {
  const int before = CurrentThreadNice();
  if (before >= kMaxNice) GTEST_SKIP() << "the test already runs at the lowest priority";
  const int lower = before + 1;
  int seen = -1;
  RunAtNice(lower, [&] { seen = CurrentThreadNice(); });
  EXPECT_EQ(seen, lower);
  EXPECT_EQ(CurrentThreadNice(), before);
}

TEST(ThreadPriority, RunAtNiceZeroRunsOnTheCallingThread) {
  std::thread::id ran_on;
  RunAtNice(0, [&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(ThreadPriority, RunAtNicePassesExceptionsToTheCaller) {
  EXPECT_THROW(RunAtNice(5, [] { throw std::runtime_error("parse failed"); }), std::runtime_error);
}

}  // namespace
}  // namespace bulwark::env
