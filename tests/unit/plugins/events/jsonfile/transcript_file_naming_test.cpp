#include "plugins/events/jsonfile/transcript_file_naming.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace callagent::plugins {
namespace {

TEST(TranscriptFileNaming, KeepsSafeIdsAsTheyAre) {
  for (const std::string& id : std::vector<std::string>{"CA0123456789abcdef", "3f9c-41b2_x", std::string(128, 'a')}) {
    EXPECT_TRUE(is_safe_file_stem(id)) << id;
    const FileStem stem = file_stem_for(id);
    EXPECT_EQ(stem.name, id);
    EXPECT_TRUE(stem.as_given);
  }
}

TEST(TranscriptFileNaming, SanitizesUnsafeIdsIntoDistinctSafeNames) {
  const std::vector<std::string> unsafe_ids = {
      "../../etc/passwd", "..", ".", "", "a/b", "a b", std::string("nul\0byte", 8), "ca\xc3\xa9", std::string(129, 'a'),
      "a\\b", "-x.json"};
  std::set<std::string> names;
  for (const auto& id : unsafe_ids) {
    EXPECT_FALSE(is_safe_file_stem(id)) << id;
    const FileStem stem = file_stem_for(id);
    EXPECT_FALSE(stem.as_given);
    EXPECT_TRUE(is_safe_file_stem(stem.name)) << stem.name;
    EXPECT_EQ(stem.name.rfind("unsafe-", 0), 0u) << stem.name;
    EXPECT_EQ(file_stem_for(id).name, stem.name) << "stable for " << id;
    names.insert(stem.name);
  }
  EXPECT_EQ(names.size(), unsafe_ids.size());
  EXPECT_NE(file_stem_for("a/b").name, file_stem_for("a.b").name);
}

TEST(TranscriptFileNaming, DateOfIso8601TimestampsInUtc) {
  EXPECT_EQ(utc_date_of_iso8601("2026-11-24T10:00:00Z"), "2026-11-24");
  EXPECT_EQ(utc_date_of_iso8601("2026-11-24T10:00:00.123Z"), "2026-11-24");
  EXPECT_EQ(utc_date_of_iso8601("2026-11-24T23:30:00-02:00"), "2026-11-25");
  EXPECT_EQ(utc_date_of_iso8601("2026-11-25T00:30:00+01:00"), "2026-11-24");
  EXPECT_EQ(utc_date_of_iso8601("2026-11-25T00:30:00+0100"), "2026-11-24");
  EXPECT_EQ(utc_date_of_iso8601("2026-12-31T23:59:59.999999-00:30"), "2027-01-01");
  EXPECT_EQ(utc_date_of_iso8601("2028-02-29T12:00"), "2028-02-29");
  EXPECT_EQ(utc_date_of_iso8601("2026-11-24"), "2026-11-24");
}

TEST(TranscriptFileNaming, RefusesWhatIsNotATimestamp) {
  for (const char* text : {"", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                           "2026-11-24T25:00:00Z", "2026-11-24T10:00:00Zjunk", "2026-11-24T10",
                           "2026-11-24T10:00:00.Z", "2026-11-24T10:00:00+2", "26-11-24",
                           "2026-11-24T10:00:00+24:00"}) {
    EXPECT_EQ(utc_date_of_iso8601(text), std::nullopt) << text;
  }
}

TEST(TranscriptFileNaming, DateOfUnixMilliseconds) {
  EXPECT_EQ(utc_date_of_unix_ms(0), "1970-01-01");
  EXPECT_EQ(utc_date_of_unix_ms(1795521600000), "2026-11-24");
  EXPECT_EQ(utc_date_of_unix_ms(-5), "1970-01-01");
  EXPECT_EQ(utc_date_of_unix_ms(INT64_MAX), "9999-12-31");
}

}  // namespace
}  // namespace callagent::plugins
