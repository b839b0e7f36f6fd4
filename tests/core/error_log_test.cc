// tests/core/error_log_test.cc: a service's error log (spec 8,
// GET /services/:id/errors/): newest first, 1000 kept, paged.
#include "core/error_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/testing/utc_time.h"

namespace scalecheck::core {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

class ErrorLogTest : public testing::Test {
 protected:
  // Appends errors "e1" .. "eN", one second apart.
  void AppendNumbered(int count) {
    for (int i = 1; i <= count; ++i) {
      const std::string n = std::to_string(i);
      log_.Append({"code" + n, "e" + n, start_ + std::chrono::seconds(i)});
    }
  }

  // The messages of one page.
  std::vector<std::string> Messages(size_t page, size_t per_page) const {
    std::vector<std::string> out;
    for (const ErrorLogEntry& e : log_.Page(page, per_page)) {
      out.push_back(e.message);
    }
    return out;
  }

  const UtcTime start_ = test::Utc(2026, 11, 22, 2, 15);
  ErrorLog log_;
};

TEST_F(ErrorLogTest, StartsEmpty) {
  EXPECT_EQ(0u, log_.count());
  EXPECT_THAT(log_.Page(1, 100), IsEmpty());
}

TEST_F(ErrorLogTest, Spec8_ListsTheNewestFirst) {
  AppendNumbered(3);

  EXPECT_EQ(3u, log_.count());
  EXPECT_THAT(Messages(1, 100), ElementsAre("e3", "e2", "e1"));
}

TEST_F(ErrorLogTest, KeepsEveryField) {
  log_.Append({"application_not_found",
               "application with id=\"nope\" was not found",
               test::Utc(2026, 11, 22, 2, 15, 38, 500),
               R"({"url":"http://su1.3scale.net/x","method":"GET"})"});

  const std::vector<ErrorLogEntry> page = log_.Page(1, 100);
  ASSERT_EQ(1u, page.size());
  EXPECT_EQ("application_not_found", page[0].code);
  EXPECT_EQ("application with id=\"nope\" was not found", page[0].message);
  EXPECT_EQ(test::Utc(2026, 11, 22, 2, 15, 38, 500), page[0].timestamp);
  EXPECT_EQ(R"({"url":"http://su1.3scale.net/x","method":"GET"})",
            page[0].context_info_json);
}

TEST_F(ErrorLogTest, Golden18_ReportWorkerErrorsHaveAnEmptyContext) {
  log_.Append({"metric_invalid", "metric \"nukes\" is invalid", start_});

  EXPECT_EQ("{}", log_.Page(1, 1)[0].context_info_json);
}

TEST_F(ErrorLogTest, Spec8_KeepsTheNewest1000) {
  AppendNumbered(1003);

  EXPECT_EQ(ErrorLog::kMaxEntries, log_.count());
  EXPECT_EQ(1000u, log_.count());
  EXPECT_THAT(Messages(1, 2), ElementsAre("e1003", "e1002"));
  EXPECT_THAT(Messages(500, 2), ElementsAre("e5", "e4")) << "e1..e3 dropped";
  EXPECT_THAT(Messages(501, 2), IsEmpty());
}

TEST_F(ErrorLogTest, Spec8_PagesAreCountedFromOne) {
  AppendNumbered(250);

  const std::vector<std::string> first = Messages(1, 100);
  ASSERT_EQ(100u, first.size());
  EXPECT_EQ("e250", first.front());
  EXPECT_EQ("e151", first.back());

  const std::vector<std::string> third = Messages(3, 100);
  ASSERT_EQ(50u, third.size());
  EXPECT_EQ("e50", third.front());
  EXPECT_EQ("e1", third.back());

  EXPECT_THAT(Messages(4, 100), IsEmpty());
}

TEST_F(ErrorLogTest, PagesOfOneWalkTheLogNewestFirst) {
  AppendNumbered(3);

  EXPECT_THAT(Messages(1, 1), ElementsAre("e3"));
  EXPECT_THAT(Messages(2, 1), ElementsAre("e2"));
  EXPECT_THAT(Messages(3, 1), ElementsAre("e1"));
  EXPECT_THAT(Messages(4, 1), IsEmpty());
}

TEST_F(ErrorLogTest, APageLargerThanTheLogHoldsEverything) {
  AppendNumbered(5);

  EXPECT_THAT(Messages(1, 1000), ElementsAre("e5", "e4", "e3", "e2", "e1"));
  EXPECT_THAT(Messages(2, 1000), IsEmpty());
}

TEST_F(ErrorLogTest, Spec8_ClearDeletesEverything) {
  AppendNumbered(5);

  log_.Clear();

  EXPECT_EQ(0u, log_.count());
  EXPECT_THAT(log_.Page(1, 100), IsEmpty());
  log_.Append({"c", "after", start_});
  EXPECT_THAT(Messages(1, 100), ElementsAre("after"));
}

}  // namespace
}  // namespace scalecheck::core
