// The fixture of the storage contract suites: a fresh SQLite file or a fresh PostgreSQL schema
// (of the server named by BULWARK_TEST_POSTGRES_URL) per test, so tests can run in parallel.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>

#include "storage/store.h"
#include "test/support/names.h"
#include "test/support/postgres_schema.h"

namespace bulwark::storage {

using bulwark::testing::Unique;

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("bulwark-store-" + Unique());
      std::filesystem::create_directories(dir_);
      url_ = "sqlite://" + (dir_ / "bulwark.db").string();
    } else {
      std::string why;
      if (!pg_.Create("t_" + Unique(), why)) {
        if (bulwark::testing::PostgresSchema::SkipRequested()) GTEST_SKIP() << why;
        FAIL() << why;
      }
      url_ = pg_.url();
    }
    auto store = OpenStore(url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    pg_.Drop();
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
  bulwark::testing::PostgresSchema pg_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

}  // namespace bulwark::storage
