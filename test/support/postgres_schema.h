// A throw-away PostgreSQL schema for one integration test, on the cluster `make test` starts
// (scripts/with-postgres.sh exports BULWARK_TEST_POSTGRES_URL). `url()` is what
// `bulwark serve --database` and storage::OpenStore take: the cluster with search_path set to the
// schema, so every test sees an empty database of its own.
#pragma once

#include <cstdlib>
#include <pqxx/pqxx>
#include <string>

namespace bulwark::testing {

class PostgresSchema {
 public:
  PostgresSchema() = default;
  PostgresSchema(const PostgresSchema&) = delete;
  PostgresSchema& operator=(const PostgresSchema&) = delete;
  ~PostgresSchema() { Drop(); }

  // Whether the PostgreSQL cases are to be skipped (BULWARK_TEST_POSTGRES=skip) rather than failed
  // when the cluster is not there.
  static bool SkipRequested() {
    const char* mode = std::getenv("BULWARK_TEST_POSTGRES");
    return mode != nullptr && std::string(mode) == "skip";
  }

  // Creates the schema `name`; false with `why` set when the cluster's URL is not set.
  bool Create(const std::string& name, std::string& why) {
    const char* base = std::getenv("BULWARK_TEST_POSTGRES_URL");
    if (base == nullptr || *base == '\0') {
      why = SkipRequested()
                ? "BULWARK_TEST_POSTGRES=skip"
                : "BULWARK_TEST_POSTGRES_URL is not set: run under scripts/with-postgres.sh";
      return false;
    }
    admin_url_ = base;
    pqxx::connection conn(admin_url_);
    pqxx::nontransaction(conn).exec("CREATE SCHEMA " + name);
    name_ = name;
    url_ = admin_url_ + (admin_url_.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + name_;
    return true;
  }

  // Drops the schema and everything in it; nothing when none was created.
  void Drop() {
    if (name_.empty()) return;
    pqxx::connection conn(admin_url_);
    pqxx::nontransaction(conn).exec("DROP SCHEMA " + name_ + " CASCADE");
    name_.clear();
  }

  const std::string& url() const { return url_; }

 private:
  std::string admin_url_, name_, url_;
};

}  // namespace bulwark::testing
