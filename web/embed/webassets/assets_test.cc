#include "webassets/assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace bulwark::webassets {
namespace {

TEST(WebAssets, ServesIndexHtmlWithTheAppRoot) {
  const Asset* index = FindAsset("/index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<div id=\"app\"></div>"), std::string_view::npos);
  EXPECT_EQ(index->etag.front(), '"');
  EXPECT_EQ(index->etag.back(), '"');
}

TEST(WebAssets, EmbedsEveryScriptAndStylesheetIndexHtmlLoads) {
  const std::string_view html = FindAsset("/index.html")->body;
  int found = 0;
  // Every src="/assets/..." and href="/assets/..." reference of index.html.
  for (size_t at = html.find("=\"/assets/"); at != std::string_view::npos;
       at = html.find("=\"/assets/", at + 1)) {
    const size_t begin = at + 2;
    const std::string path(html.substr(begin, html.find('"', begin) - begin));
    const Asset* asset = FindAsset(path);
    ASSERT_NE(asset, nullptr) << path;
    EXPECT_FALSE(asset->body.empty()) << path;
    if (path.ends_with(".js")) {
      EXPECT_EQ(asset->content_type, "text/javascript; charset=utf-8");
    } else if (path.ends_with(".css")) {
      EXPECT_EQ(asset->content_type, "text/css; charset=utf-8");
    }
    ++found;
  }
  EXPECT_GE(found, 2) << "index.html should load the bundle's script and stylesheet";
}

TEST(WebAssets, AnswersNullForUnknownPathsSoTheServerCanFallBack) {
  EXPECT_EQ(FindAsset("/projects/1/findings"), nullptr);
  EXPECT_EQ(FindAsset("index.html"), nullptr);
  EXPECT_EQ(FindAsset(""), nullptr);
}

TEST(WebAssets, ListsAssetsSortedWithDistinctEtags) {
  const auto all = AllAssets();
  ASSERT_GE(all.size(), 3u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1].path, all[i].path);
    EXPECT_NE(all[i - 1].etag, all[i].etag);
    EXPECT_EQ(FindAsset(all[i].path), &all[i]);
  }
}

TEST(WebAssets, HoldsTheExactBytesOfEveryBuiltFile) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(BULWARK_WEB_DIST)) {
    if (!entry.is_regular_file()) continue;
    const std::string path =
        "/" + std::filesystem::relative(entry.path(), BULWARK_WEB_DIST).generic_string();
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const Asset* asset = FindAsset(path);
    ASSERT_NE(asset, nullptr) << path;
    EXPECT_EQ(asset->body, bytes) << path;
    ++files;
  }
  EXPECT_EQ(files, AllAssets().size());
}

}  // namespace
}  // namespace bulwark::webassets
