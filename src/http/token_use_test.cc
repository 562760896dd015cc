// Token last use written in the background, on a real SQLite store in a temporary directory.
#include "http/token_use.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "test/support/names.h"

namespace bulwark::http {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const storage::Time kCreated = storage::Time(1'767'225'600'000ms);

class TokenUse : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-token-use-" + bulwark::testing::Unique());
    fs::create_directories(dir_);
    auto store = storage::OpenStore("sqlite://" + (dir_ / "bulwark.db").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    storage::ApiToken t;
    t.name = "ci";
    t.secret_hash = "hash-of-ci";
    t.created_at = kCreated;
    auto made = store_->Tokens().Create(t);
    ASSERT_TRUE(made) << made.error().message;
    token_id_ = made->id;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::optional<storage::Time> LastUsed() {
    auto t = store_->Tokens().GetByName("ci");
    EXPECT_TRUE(t);
    return t ? t->last_used_at : std::nullopt;
  }

  fs::path dir_;
  std::unique_ptr<storage::Store> store_;
  std::int64_t token_id_ = 0;
};

TEST_F(TokenUse, FlushWritesTheLatestUseOfEachToken) {
  TokenUseRecorder recorder(*store_, 1h);  // no background write during the test
  recorder.Record(token_id_, kCreated + 2min);
  recorder.Record(token_id_, kCreated + 5min);
  recorder.Record(token_id_, kCreated + 3min);  // an older use noted late does not win
  EXPECT_FALSE(LastUsed());                     // noted, not yet written
  recorder.Flush();
  EXPECT_EQ(LastUsed(), kCreated + 5min);
}

TEST_F(TokenUse, PendingUsesAreWrittenWhenTheRecorderStops) {
  {
    TokenUseRecorder recorder(*store_, 1h);
    recorder.Record(token_id_, kCreated + 1min);
  }
  EXPECT_EQ(LastUsed(), kCreated + 1min);
}

TEST_F(TokenUse, TheBackgroundThreadWritesWithoutAFlush) {
  TokenUseRecorder recorder(*store_, 10ms);
  recorder.Record(token_id_, kCreated + 1min);
  for (int i = 0; i < 500 && !LastUsed(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(LastUsed(), kCreated + 1min);
}

TEST_F(TokenUse, RecordingDoesNotWaitForATransactionThatHoldsTheWriter) {
  TokenUseRecorder recorder(*store_, 1h);
  std::promise<void> in_transaction, recorded;
  auto writer = std::async(std::launch::async, [&] {
    return store_->WithTransaction([&](storage::Repositories&) -> core::Status {
      in_transaction.set_value();
      recorded.get_future().wait();  // holds the writer until the use was noted
      return core::Ok();
    });
  });
  in_transaction.get_future().wait();
  recorder.Record(token_id_, kCreated + 1min);  // would deadlock if it wrote through the writer
  recorded.set_value();
  ASSERT_TRUE(writer.get());
  recorder.Flush();
  EXPECT_EQ(LastUsed(), kCreated + 1min);
}

}  // namespace
}  // namespace bulwark::http
