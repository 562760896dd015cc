// TokenUseRecorder: records when API tokens were last used without making the request that used
// one wait for the database writer. Authentication notes the use in memory; one background thread
// writes the noted uses every `interval` (and on Flush or destruction). While an import holds the
// writer for its one transaction, reads go on and the last use is written after it commits.
//
// Thread safety: Record and Flush from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "storage/store.h"

namespace bulwark::http {

class TokenUseRecorder {
 public:
  TokenUseRecorder(storage::Store& store, std::chrono::milliseconds interval);
  ~TokenUseRecorder();  // writes what is pending, then stops
  TokenUseRecorder(const TokenUseRecorder&) = delete;
  TokenUseRecorder& operator=(const TokenUseRecorder&) = delete;

  // Notes that token `token_id` was used at `at`; the latest use of each token is written.
  void Record(std::int64_t token_id, storage::Time at);
  // Writes every noted use now. A use that cannot be written is dropped (last use is
  // informative; the next use notes it again).
  void Flush();

 private:
  void Loop();

  storage::Store& store_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                                  // guarded by mu_
  std::unordered_map<std::int64_t, storage::Time> noted_;  // guarded by mu_
  std::mutex flush_mu_;  // one Flush at a time, so an older use never overwrites a newer one
  std::thread thread_;
};

}  // namespace bulwark::http
