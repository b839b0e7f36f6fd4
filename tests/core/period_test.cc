// tests/core/period_test.cc: 3scale's calendar periods (spec 5.2) and the
// timestamp texts apisonator prints (spec 3.1, golden internal/*).
#include "core/period.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/testing/utc_time.h"

namespace scalecheck::core {
namespace {

using test::Utc;

// One period instance: the start and exclusive end PeriodStart/PeriodEnd
// must give for a time `t`.
struct Instance {
  const char* label;
  Period period;
  UtcTime t;
  UtcTime start;
  UtcTime end;
};

class PeriodTest : public testing::Test {
 protected:
  // Checks every case, naming it on failure.
  static void ExpectInstances(std::initializer_list<Instance> cases) {
    for (const Instance& c : cases) {
      const std::string what = std::string(c.label) + " (" +
                               std::string(ToString(c.period)) + " of " +
                               FormatIso8601(c.t) + ")";
      EXPECT_EQ(FormatIso8601(c.start),
                FormatIso8601(PeriodStart(c.period, c.t)))
          << what;
      EXPECT_EQ(FormatIso8601(c.end), FormatIso8601(PeriodEnd(c.period, c.t)))
          << what;
    }
  }
};

TEST_F(PeriodTest, Spec5_2_EveryPeriodAlignsToUtcCalendarBoundaries) {
  const UtcTime t = Utc(2024, 5, 15, 10, 20, 30, 250);  // A Wednesday.
  ExpectInstances({
      {"minute", Period::kMinute, t, Utc(2024, 5, 15, 10, 20),
       Utc(2024, 5, 15, 10, 21)},
      {"hour", Period::kHour, t, Utc(2024, 5, 15, 10), Utc(2024, 5, 15, 11)},
      {"day", Period::kDay, t, Utc(2024, 5, 15), Utc(2024, 5, 16)},
      {"week", Period::kWeek, t, Utc(2024, 5, 13), Utc(2024, 5, 20)},
      {"month", Period::kMonth, t, Utc(2024, 5, 1), Utc(2024, 6, 1)},
      {"year", Period::kYear, t, Utc(2024, 1, 1), Utc(2025, 1, 1)},
  });
}

TEST_F(PeriodTest, Spec5_2_PeriodEndIsTheStartOfTheNextInstance) {
  const UtcTime t = Utc(2010, 5, 15, 13, 45, 12);
  for (Period p : kAllPeriods) {
    if (p == Period::kEternity) continue;
    const UtcTime end = PeriodEnd(p, t);
    EXPECT_EQ(end, PeriodStart(p, end)) << ToString(p);
    EXPECT_EQ(PeriodStart(p, t),
              PeriodStart(p, end - std::chrono::milliseconds(1)))
        << ToString(p)
        << ": the last millisecond still belongs to t's instance";
  }
  // The spec's own example: day 2010-05-15 ends at 2010-05-16 00:00:00.
  EXPECT_EQ("2010-05-16 00:00:00 +0000",
            FormatTimestamp(PeriodEnd(Period::kDay, t)));
}

TEST_F(PeriodTest, Spec5_2_ABoundaryInstantStartsTheNewInstance) {
  ExpectInstances({
      {"first ms of a minute", Period::kMinute, Utc(2024, 5, 15, 10, 21),
       Utc(2024, 5, 15, 10, 21), Utc(2024, 5, 15, 10, 22)},
      {"last ms of a minute", Period::kMinute,
       Utc(2024, 5, 15, 10, 20, 59, 999), Utc(2024, 5, 15, 10, 20),
       Utc(2024, 5, 15, 10, 21)},
      {"last ms of an hour", Period::kHour, Utc(2024, 5, 15, 22, 59, 59, 999),
       Utc(2024, 5, 15, 22), Utc(2024, 5, 15, 23)},
      {"midnight", Period::kDay, Utc(2024, 5, 16), Utc(2024, 5, 16),
       Utc(2024, 5, 17)},
  });
}

TEST_F(PeriodTest, Spec5_2_MonthEndsRollIntoTheNextMonth) {
  ExpectInstances({
      {"31-day January", Period::kMonth, Utc(2024, 1, 31, 23, 59, 59, 999),
       Utc(2024, 1, 1), Utc(2024, 2, 1)},
      {"leap February", Period::kMonth, Utc(2024, 2, 29, 12), Utc(2024, 2, 1),
       Utc(2024, 3, 1)},
      {"common February", Period::kMonth, Utc(2023, 2, 28, 23, 59, 59),
       Utc(2023, 2, 1), Utc(2023, 3, 1)},
      {"30-day April", Period::kMonth, Utc(2024, 4, 30, 8), Utc(2024, 4, 1),
       Utc(2024, 5, 1)},
      {"first day of March", Period::kMonth, Utc(2024, 3, 1), Utc(2024, 3, 1),
       Utc(2024, 4, 1)},
      {"day at a month end", Period::kDay, Utc(2024, 4, 30, 23, 59, 59),
       Utc(2024, 4, 30), Utc(2024, 5, 1)},
  });
}

TEST_F(PeriodTest, Spec5_2_LeapDay2024_02_29IsADayOfItsOwn) {
  ExpectInstances({
      {"Feb 28 ends at the leap day", Period::kDay, Utc(2024, 2, 28, 23),
       Utc(2024, 2, 28), Utc(2024, 2, 29)},
      {"the leap day", Period::kDay, Utc(2024, 2, 29, 13, 45, 12),
       Utc(2024, 2, 29), Utc(2024, 3, 1)},
      {"its hour", Period::kHour, Utc(2024, 2, 29, 23, 30),
       Utc(2024, 2, 29, 23), Utc(2024, 3, 1)},
      {"its week, Monday Feb 26", Period::kWeek, Utc(2024, 2, 29, 13, 45, 12),
       Utc(2024, 2, 26), Utc(2024, 3, 4)},
      {"its year of 366 days", Period::kYear, Utc(2024, 2, 29), Utc(2024, 1, 1),
       Utc(2025, 1, 1)},
  });
}

TEST_F(PeriodTest, Spec5_2_WeekStartsOnMonday) {
  // 2024-05-13 is a Monday: every day up to Sunday 2024-05-19 belongs to it.
  for (unsigned day = 13; day <= 19; ++day) {
    const UtcTime t = Utc(2024, 5, day, 12);
    EXPECT_EQ(Utc(2024, 5, 13), PeriodStart(Period::kWeek, t)) << "May " << day;
    EXPECT_EQ(Utc(2024, 5, 20), PeriodEnd(Period::kWeek, t)) << "May " << day;
  }
}

TEST_F(PeriodTest,
       Spec5_2_SundayBeforeMidnightIsInTheWeekStartedSixDaysBefore) {
  // Spec 7.3: Sunday 23:59:59 is the same week; Monday 00:00:00 a new one.
  ExpectInstances({
      {"Sunday 23:59:59", Period::kWeek, Utc(2024, 5, 19, 23, 59, 59),
       Utc(2024, 5, 13), Utc(2024, 5, 20)},
      {"Monday 00:00:00", Period::kWeek, Utc(2024, 5, 20), Utc(2024, 5, 20),
       Utc(2024, 5, 27)},
  });
}

TEST_F(PeriodTest, Spec5_2_WeeksSpanMonthAndYearEnds) {
  ExpectInstances({
      {"Tuesday Dec 31", Period::kWeek, Utc(2024, 12, 31, 18),
       Utc(2024, 12, 30), Utc(2025, 1, 6)},
      {"Sunday Jan 5", Period::kWeek, Utc(2025, 1, 5, 23, 59, 59),
       Utc(2024, 12, 30), Utc(2025, 1, 6)},
      {"Friday Mar 1 (leap year)", Period::kWeek, Utc(2024, 3, 1),
       Utc(2024, 2, 26), Utc(2024, 3, 4)},
      {"Thursday 1970-01-01", Period::kWeek, Utc(1970, 1, 1, 1),
       Utc(1969, 12, 29), Utc(1970, 1, 5)},
  });
}

TEST_F(PeriodTest, Spec5_2_TheLastInstantOfAYearEndsEveryPeriod) {
  const UtcTime t = Utc(2024, 12, 31, 23, 59, 59, 999);
  ExpectInstances({
      {"minute", Period::kMinute, t, Utc(2024, 12, 31, 23, 59),
       Utc(2025, 1, 1)},
      {"hour", Period::kHour, t, Utc(2024, 12, 31, 23), Utc(2025, 1, 1)},
      {"day", Period::kDay, t, Utc(2024, 12, 31), Utc(2025, 1, 1)},
      {"month", Period::kMonth, t, Utc(2024, 12, 1), Utc(2025, 1, 1)},
      {"year", Period::kYear, t, Utc(2024, 1, 1), Utc(2025, 1, 1)},
  });
}

TEST_F(PeriodTest, Spec5_2_EternityStartsAtTheEpochAndNeverEnds) {
  for (UtcTime t : {Utc(1970, 1, 1), Utc(2024, 2, 29, 13, 45, 12, 345),
                    Utc(2999, 12, 31, 23, 59, 59)}) {
    EXPECT_EQ(UtcTime{}, PeriodStart(Period::kEternity, t)) << FormatIso8601(t);
    EXPECT_EQ("9999-12-31 23:59:59 +0000",
              FormatTimestamp(PeriodEnd(Period::kEternity, t)))
        << FormatIso8601(t);
  }
}

TEST_F(PeriodTest, Spec5_2_StartsAreWholeSeconds) {
  const UtcTime t = Utc(2024, 5, 15, 10, 20, 30, 999);
  for (Period p : kAllPeriods) {
    EXPECT_EQ(0, PeriodStart(p, t).time_since_epoch().count() % 1000)
        << ToString(p);
  }
}

TEST_F(PeriodTest, Spec5_12_PeriodsAreListedFromTheLongestToTheShortest) {
  std::string names;
  for (Period p : kAllPeriods) names += std::string(ToString(p)) + " ";
  EXPECT_EQ("eternity year month week day hour minute ", names);
}

TEST_F(PeriodTest, ParsePeriodIsTheInverseOfToString) {
  for (Period p : kAllPeriods) {
    EXPECT_EQ(p, ParsePeriod(ToString(p))) << ToString(p);
  }
}

TEST_F(PeriodTest, ParsePeriodRejectsAnythingElse) {
  for (const char* text : {"", "Minute", "DAY", "minutes", " day", "day ",
                           "fortnight", "quarter"}) {
    EXPECT_EQ(std::nullopt, ParsePeriod(text)) << "'" << text << "'";
  }
}

TEST_F(PeriodTest,
       Spec3_1_FormatTimestampPrintsTheOffsetAsPlusZeroZeroZeroZero) {
  const struct {
    UtcTime t;
    const char* want;
  } cases[] = {
      {Utc(2024, 2, 29, 13, 45), "2024-02-29 13:45:00 +0000"},
      {Utc(2010, 5, 15), "2010-05-15 00:00:00 +0000"},
      {Utc(2024, 2, 29, 13, 45, 59, 999), "2024-02-29 13:45:59 +0000"},
      {Utc(1970, 1, 1), "1970-01-01 00:00:00 +0000"},
      {Utc(2024, 12, 31, 23, 59, 59), "2024-12-31 23:59:59 +0000"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, FormatTimestamp(c.t)) << c.want;
  }
}

TEST_F(PeriodTest, FormatUtcTimestampIsTheErrorLogsFormat) {
  EXPECT_EQ("2026-11-22 02:15:38 UTC",
            FormatUtcTimestamp(Utc(2026, 11, 22, 2, 15, 38, 999)));
  EXPECT_EQ("2024-02-29 00:00:00 UTC", FormatUtcTimestamp(Utc(2024, 2, 29)));
}

TEST_F(PeriodTest, FormatIso8601KeepsTheMilliseconds) {
  const struct {
    UtcTime t;
    const char* want;
  } cases[] = {
      {Utc(2024, 2, 29, 13, 45, 0, 123), "2024-02-29T13:45:00.123Z"},
      {Utc(2026, 11, 22, 2, 5, 22, 7), "2026-11-22T02:05:22.007Z"},
      {Utc(2024, 1, 1), "2024-01-01T00:00:00.000Z"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, FormatIso8601(c.t)) << c.want;
  }
}

TEST_F(PeriodTest, ParseIso8601AcceptsTheDocumentedForms) {
  const struct {
    const char* text;
    UtcTime want;
  } cases[] = {
      {"2024-02-29T13:45:00Z", Utc(2024, 2, 29, 13, 45)},
      {"2024-02-29T13:45:00.123Z", Utc(2024, 2, 29, 13, 45, 0, 123)},
      {"2026-11-22T02:05:22.246Z", Utc(2026, 11, 22, 2, 5, 22, 246)},
      {"2024-02-29T13:45:00.1Z", Utc(2024, 2, 29, 13, 45, 0, 100)},
      {"2024-02-29T13:45:00.12Z", Utc(2024, 2, 29, 13, 45, 0, 120)},
      {"2024-02-29T13:45:00.1239Z", Utc(2024, 2, 29, 13, 45, 0, 123)},
      {"2024-02-29 13:45:00", Utc(2024, 2, 29, 13, 45)},
      {"2024-02-29 13:45:00.5", Utc(2024, 2, 29, 13, 45, 0, 500)},
      {"2024-02-29T13:45:00+00:00", Utc(2024, 2, 29, 13, 45)},
      {"1970-01-01T00:00:00Z", Utc(1970, 1, 1)},
      {"2024-12-31T23:59:59.999Z", Utc(2024, 12, 31, 23, 59, 59, 999)},
  };
  for (const auto& c : cases) {
    const std::optional<UtcTime> t = ParseIso8601(c.text);
    ASSERT_TRUE(t.has_value()) << c.text;
    EXPECT_EQ(FormatIso8601(c.want), FormatIso8601(*t)) << c.text;
  }
}

TEST_F(PeriodTest, ParseIso8601ReadsBackWhatFormatIso8601Wrote) {
  for (UtcTime t :
       {Utc(2024, 2, 29, 13, 45, 12, 345), Utc(1999, 12, 31, 23, 59, 59, 1),
        Utc(2038, 1, 19, 3, 14, 8)}) {
    EXPECT_EQ(t, ParseIso8601(FormatIso8601(t))) << FormatIso8601(t);
  }
}

TEST_F(PeriodTest, ParseIso8601RejectsMalformedText) {
  for (const char* text : {
           "",
           "garbage",
           "2024-02-29",                 // No time.
           "2024-02-29T13:45Z",          // No seconds.
           "2024-02-29T13:45:00",        // 'T' needs a zone.
           "2024-02-29T13:45:00+02:00",  // Only UTC.
           "2024-02-29T13:45:00.Z",      // A '.' without digits.
           "2024-02-29T13:45:00Zjunk",   // Trailing text.
           "2024-02-29X13:45:00Z",       // Wrong separator.
           "2024-02-30T00:00:00Z",       // No such day.
           "2023-02-29T00:00:00Z",       // Not a leap year.
           "2024-13-01T00:00:00Z",       // No such month.
           "2024-00-10T00:00:00Z",       // No month 0.
           "2024-02-29T24:00:00Z",       // Hours end at 23.
           "2024-02-29T13:60:00Z",       // Minutes end at 59.
           "2024-02-29T-1:45:00Z",       // Negative hour.
           "2024-02-29T13:-5:00Z",       // Negative minute.
           "2024-02-29T13:45:-1Z",       // Negative second.
           " 2024-02-29T13:45:00Z",      // Leading space.
           "2024-2-29T13:45:00Z",        // Single-digit month.
           "2024-02-29T1:45:00Z",        // Single-digit hour.
           "+2024-02-29T13:45:00Z",      // Signed year.
       }) {
    EXPECT_EQ(std::nullopt, ParseIso8601(text)) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace scalecheck::core
