// Time and paging values shared by every repository of the storage port.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace bulwark::storage {

using Time = std::chrono::system_clock::time_point;

struct PageRequest {
  int limit = 50;      // 1..1000
  std::string cursor;  // empty = first page
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;  // empty when there is no further page
};

}  // namespace bulwark::storage
