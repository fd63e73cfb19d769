#include "plugins/events/jsonfile/atomic_file_writer.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/child_process.h"
#include "tests/unit/plugins/events/jsonfile/transcript_test_records.h"

namespace callagent::plugins {
namespace {

namespace fs = std::filesystem;

TEST(AtomicFileWriter, WritesAndReplacesLeavingNoTempFile) {
  testing::TemporaryDirectory temp;
  ASSERT_TRUE(write_file_atomically(temp.path(), "record.json", "first", true).is_ok());
  EXPECT_EQ(testing::read_text_file(fs::path(temp.path()) / "record.json"), "first");
  ASSERT_TRUE(write_file_atomically(temp.path(), "record.json", "second, longer", false).is_ok());
  EXPECT_EQ(testing::read_text_file(fs::path(temp.path()) / "record.json"), "second, longer");
  EXPECT_EQ(testing::files_below(temp.path()), std::vector<std::string>{"record.json"});
}

TEST(AtomicFileWriter, ErrorNamesThePathAndTheReason) {
  testing::TemporaryDirectory temp;
  const auto missing = fs::path(temp.path()) / "missing";
  const Status written = write_file_atomically(missing, "record.json", "x", true);
  ASSERT_FALSE(written.is_ok());
  EXPECT_EQ(written.code(), ErrorCode::unavailable);
  EXPECT_NE(written.message().find(missing.string()), std::string::npos) << written.message();
  EXPECT_NE(written.message().find("No such file or directory"), std::string::npos) << written.message();
}

TEST(AtomicFileWriter, TempNamesAreUniqueDotFilesAcrossThreads) {
  std::mutex mutex;
  std::set<std::string> names;
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&] {
      for (int index = 0; index < 500; ++index) {
        const std::string name = make_temp_file_name("CA1.json");
        std::lock_guard lock(mutex);
        names.insert(name);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(names.size(), 2000u);
  for (const auto& name : names) {
    EXPECT_TRUE(is_temp_file_name(name)) << name;
    EXPECT_EQ(name.rfind(".CA1.json.tmp-" + std::to_string(::getpid()) + "-", 0), 0u) << name;
  }
  EXPECT_FALSE(is_temp_file_name("CA1.json"));
  EXPECT_FALSE(is_temp_file_name(".hidden"));
  EXPECT_FALSE(is_temp_file_name("CA1.json.tmp"));
}

TEST(AtomicFileWriter, RemovesOnlyStaleTempFiles) {
  testing::TemporaryDirectory temp;
  const auto stale = temp.write_file(".CA1.json.tmp-1-2-00000000deadbeef", "{\"torn");
  const auto fresh = temp.write_file(".CA2.json.tmp-1-3-00000000deadbeef", "{\"being written");
  const auto old_record = temp.write_file("CA3.json", "{}");
  const auto an_hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(stale, an_hour_ago);
  fs::last_write_time(old_record, an_hour_ago);

  const auto cleanup = remove_stale_temp_files(temp.path(), std::chrono::minutes(10));
  EXPECT_EQ(cleanup.removed, 1u);
  EXPECT_TRUE(cleanup.errors.empty());
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));
  EXPECT_TRUE(fs::exists(old_record));
}

}  // namespace
}  // namespace callagent::plugins
