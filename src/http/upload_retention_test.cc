// Upload retention on a real SQLite store and real files in a temporary data directory.
#include "http/upload_retention.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test/support/names.h"

namespace bulwark::http {
namespace {

namespace fs = std::filesystem;
using storage::ScanState;

class UploadRetention : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-retention-" + bulwark::testing::Unique());
    uploads_ = dir_ / "uploads";
    fs::create_directories(uploads_);
    auto store = storage::OpenStore("sqlite://" + (dir_ / "bulwark.db").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    storage::Project p;
    p.name = "app";
    auto project = store_->Projects().Create(p);
    ASSERT_TRUE(project);
    project_id_ = project->id;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  fs::path WriteUpload(const std::string& name) {
    fs::create_directories(uploads_ / name);
    const fs::path file = uploads_ / name / "results.json";
    std::ofstream(file) << "{}";
    return file;
  }

  storage::Scan NewScan(const fs::path& source) {
    storage::Scan s;
    s.project_id = project_id_;
    s.tool = "jfrogxraysca";
    s.branch = "main";
    s.source_path = source.string();
    s.created_at = std::chrono::system_clock::now();
    auto created = store_->Scans().Create(s);
    EXPECT_TRUE(created) << created.error().message;
    return *created;
  }

  fs::path dir_, uploads_;
  std::unique_ptr<storage::Store> store_;
  std::int64_t project_id_ = 0;
};

TEST_F(UploadRetention, FinalStateDeletesTheUploadOnceNoScanStillNeedsIt) {
  auto store = WithUploadRetention(*store_, uploads_);
  const fs::path file = WriteUpload("upload-1");
  auto first = NewScan(file);
  auto restart = NewScan(file);  // a restart reads the same file
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(store->Scans().Transition(first.id, ScanState::kFinished, 100, now));
  EXPECT_TRUE(fs::exists(file)) << "the restarted scan still needs it";
  ASSERT_TRUE(store->Scans().Transition(restart.id, ScanState::kRunning, 10, now));
  EXPECT_TRUE(fs::exists(file));
  ASSERT_TRUE(store->Scans().Transition(restart.id, ScanState::kFailed, 100, now, "bad"));
  EXPECT_FALSE(fs::exists(file.parent_path()));
}

// The scan runner finishes a scan inside the transaction that stores its findings: the upload
// goes once that transaction committed, and stays when it rolled back.
TEST_F(UploadRetention, AScanFinishedInsideATransactionDeletesItsUploadAfterTheCommit) {
  auto store = WithUploadRetention(*store_, uploads_);
  const auto now = std::chrono::system_clock::now();
  const fs::path kept = WriteUpload("rolled-back");
  const auto first = NewScan(kept);
  auto rolled_back = store->WithTransaction([&](storage::Repositories& tx) -> core::Status {
    if (auto s = tx.Scans().Transition(first.id, ScanState::kFinished, 100, now); !s) return s;
    return core::Fail(core::ErrorCode::kInternal, "fails after the transition");
  });
  ASSERT_FALSE(rolled_back);
  EXPECT_TRUE(fs::exists(kept));

  const fs::path gone = WriteUpload("committed");
  const auto second = NewScan(gone);
  auto committed = store->WithTransaction([&](storage::Repositories& tx) -> core::Status {
    auto s = tx.Scans().Transition(second.id, ScanState::kFinished, 100, now);
    EXPECT_TRUE(fs::exists(gone)) << "deleted before the commit";
    return s;
  });
  ASSERT_TRUE(committed) << committed.error().message;
  EXPECT_FALSE(fs::exists(gone.parent_path()));
}

TEST_F(UploadRetention, CancelingAWaitingScanDeletesItsUpload) {
  auto store = WithUploadRetention(*store_, uploads_);
  const fs::path file = WriteUpload("upload-2");
  auto scan = NewScan(file);
  auto canceled = store->Scans().RequestCancel(scan.id, std::chrono::system_clock::now());
  ASSERT_TRUE(canceled) << canceled.error().message;
  EXPECT_EQ(canceled->state, ScanState::kCanceled);
  EXPECT_FALSE(fs::exists(file));
}

TEST_F(UploadRetention, FilesOutsideTheUploadsDirectoryAreNeverDeleted) {
  auto store = WithUploadRetention(*store_, uploads_);
  const fs::path outside = dir_ / "mine.json";
  std::ofstream(outside) << "{}";
  auto scan = NewScan(outside);
  ASSERT_TRUE(store->Scans().Transition(scan.id, ScanState::kFinished, 100,
                                        std::chrono::system_clock::now()));
  EXPECT_TRUE(fs::exists(outside));
}

TEST_F(UploadRetention, StartUpSweepRemovesUploadsOfFinalScansOnly) {
  const auto now = std::chrono::system_clock::now();
  const fs::path done = WriteUpload("upload-done");
  const fs::path waiting = WriteUpload("upload-waiting");
  const fs::path fresh_orphan = WriteUpload("upload-receiving");
  const fs::path old_orphan = WriteUpload("upload-old");
  fs::last_write_time(old_orphan.parent_path(),
                      fs::file_time_type::clock::now() - std::chrono::hours(48));
  auto finished = NewScan(done);
  ASSERT_TRUE(store_->Scans().Transition(finished.id, ScanState::kFinished, 100, now));
  NewScan(waiting);
  auto removed = SweepUploads(*store_, uploads_);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 2);
  EXPECT_FALSE(fs::exists(done));
  EXPECT_FALSE(fs::exists(old_orphan));
  EXPECT_TRUE(fs::exists(waiting));
  EXPECT_TRUE(fs::exists(fresh_orphan));
}

}  // namespace
}  // namespace bulwark::http
