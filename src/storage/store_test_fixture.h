// The fixture of the storage contract suites: a fresh SQLite file or a fresh PostgreSQL schema
// (of the server named by BULWARK_TEST_POSTGRES_URL) per test, so tests can run in parallel.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <random>

#include "storage/store.h"

namespace bulwark::storage {

inline std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd());
}

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("bulwark-store-" + UniqueSuffix());
      std::filesystem::create_directories(dir_);
      url_ = "sqlite://" + (dir_ / "bulwark.db").string();
    } else {
      const char* base = std::getenv("BULWARK_TEST_POSTGRES_URL");
      const char* mode = std::getenv("BULWARK_TEST_POSTGRES");
      if (!base || !*base) {
        if (mode && std::string(mode) == "skip") GTEST_SKIP() << "BULWARK_TEST_POSTGRES=skip";
        FAIL() << "BULWARK_TEST_POSTGRES_URL is not set: run the tests under "
                  "scripts/with-postgres.sh (or set BULWARK_TEST_POSTGRES=skip to skip them)";
      }
      admin_url_ = base;
      schema_ = "t_" + UniqueSuffix();
      pqxx::connection conn(admin_url_);
      pqxx::nontransaction(conn).exec("CREATE SCHEMA " + schema_);
      url_ = admin_url_ + (admin_url_.find('?') == std::string::npos ? "?" : "&") +
             "options=-csearch_path%3D" + schema_;
    }
    auto store = OpenStore(url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      pqxx::connection conn(admin_url_);
      pqxx::nontransaction(conn).exec("DROP SCHEMA " + schema_ + " CASCADE");
    }
  }

  // Runs SQL straight on the database, behind the store's back.
  void ExecRaw(const std::string& statement) {
    if (GetParam() == "sqlite") {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open((dir_ / "bulwark.db").c_str(), &db), SQLITE_OK);
      char* err = nullptr;
      int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
      std::string message = err ? err : "";
      sqlite3_free(err);
      sqlite3_close(db);
      ASSERT_EQ(rc, SQLITE_OK) << message;
    } else {
      pqxx::connection conn(url_);
      pqxx::nontransaction(conn).exec(statement);
    }
  }

  Project MakeProject(const std::string& name) {
    Project p;
    p.name = name;
    p.description = "desc of " + name;
    auto created = store_->Projects().Create(p);
    EXPECT_TRUE(created) << created.error().message;
    return created.value_or(Project{});
  }

  std::filesystem::path dir_;
  std::string admin_url_, schema_, url_;
  std::unique_ptr<Store> store_;
};

}  // namespace bulwark::storage
