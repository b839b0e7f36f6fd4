// tests/core/params_test.cc
//
// Expected values are what Rack 2.2.22 (Debian 12's ruby-rack) answers for
// the same input, written the way Ruby's Hash#inspect prints them (except
// that every byte outside printable ASCII is shown as \xHH), so a case can
// be checked against
//   Rack::Utils.default_query_parser.parse_nested_query(input, '&;')
// Inputs marked "golden" are taken from /work/shared/golden recordings.

#include "core/params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace scalecheck::core {
namespace {

std::string InspectValue(const ParamValue& v);

// Ruby's String#inspect for the bytes these tests use: printable ASCII,
// \r \n \t, and anything else as \xHH.
std::string InspectString(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c >= 0x20 && c < 0x7F) {
          out += c;
        } else {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02X",
                        static_cast<unsigned char>(c));
          out += hex;
        }
    }
  }
  return out + "\"";
}

// Ruby's Hash#inspect, e.g. {"usage"=>{"hits"=>"1"}, "no_body"=>nil}.
std::string Inspect(const ParamHash& hash) {
  std::string out = "{";
  for (const auto& [key, value] : hash.entries()) {
    if (out.size() > 1) out += ", ";
    out += InspectString(key) + "=>" + InspectValue(value);
  }
  return out + "}";
}

std::string InspectValue(const ParamValue& v) {
  if (v.is_nil()) return "nil";
  if (v.is_string()) return InspectString(v.string());
  if (v.is_hash()) return Inspect(v.hash());
  std::string out = "[";
  for (const ParamValue& e : v.array()) {
    if (out.size() > 1) out += ", ";
    out += InspectValue(e);
  }
  return out + "]";
}

std::string KindName(ParamsErrorKind kind) {
  switch (kind) {
    case ParamsErrorKind::kInvalidPercentEncoding:
      return "kInvalidPercentEncoding";
    case ParamsErrorKind::kTypeConflict:
      return "kTypeConflict";
    case ParamsErrorKind::kTooManyParams:
      return "kTooManyParams";
    case ParamsErrorKind::kTooDeep:
      return "kTooDeep";
    case ParamsErrorKind::kInvalidMultipart:
      return "kInvalidMultipart";
  }
  return "?";
}

// The parameters as Ruby prints them, or "<kind>: <Rack's message>".
std::string Describe(const ParsedParams& parsed) {
  if (!parsed.ok()) {
    return KindName(parsed.error->kind) + ": " + parsed.error->message;
  }
  return Inspect(parsed.params);
}

std::string Repeat(std::string_view piece, size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

struct Case {
  std::string input;
  std::string want;
};

// --- ParseNestedQuery: splitting and decoding -------------------------------

TEST(ParseNestedQueryTest, SplitsOnAmpersandAndSemicolonSkippingSpacesAfter) {
  const Case cases[] = {
      {"limit_headers=1;hierarchy=1",  // golden README surprise 17
       R"({"limit_headers"=>"1", "hierarchy"=>"1"})"},
      {"limit_headers=1& hierarchy=1",
       R"({"limit_headers"=>"1", "hierarchy"=>"1"})"},
      {"a=1;  b=2&   c=3", R"({"a"=>"1", "b"=>"2", "c"=>"3"})"},
      // Spaces before a separator, or at the start, are part of the field.
      {" a=1 &b=2", R"({" a"=>"1 ", "b"=>"2"})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, IgnoresEmptyFieldsAndEmptyNames) {
  const Case cases[] = {
      {"", "{}"},
      {"&&", "{}"},
      {"a=1&&b=2", R"({"a"=>"1", "b"=>"2"})"},  // Python's "&&"
      {"=1&=&[]=2&a=3", R"({"a"=>"3"})"},
      {"[]&][", "{}"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, GivesNilToANameWithoutEquals) {
  const Case cases[] = {
      {"app_id=a1&no_body", R"({"app_id"=>"a1", "no_body"=>nil})"},
      {"no_body=", R"({"no_body"=>""})"},
      {"no_body%3D1", R"({"no_body=1"=>nil})"},  // golden no_body_header
      {"no_body[x]", R"({"no_body"=>{"x"=>nil}})"},
      {"a=b=c", R"({"a"=>"b=c"})"},  // Split at the first '=' only.
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, DecodesPlusAsSpaceAndPercentEscapesAsBytes) {
  const Case cases[] = {
      {"usage%5Bfoo+bar%5D=2", R"({"usage"=>{"foo bar"=>"2"}})"},    // Perl
      {"usage%5Bfoo%20bar%5D=2", R"({"usage"=>{"foo bar"=>"2"}})"},  // Node
      // Java sends '+' raw: "+0000" arrives as " 0000".
      {"transactions%5B0%5D%5Btimestamp%5D=2026-11-22%2002%3A14%3A32%20+0000",
       R"({"transactions"=>{"0"=>{"timestamp"=>"2026-11-22 02:14:32  0000"}}})"},
      // .NET sends raw spaces.
      {"transactions[0][timestamp]=2026-11-22 02:14:34 +0000",
       R"({"transactions"=>{"0"=>{"timestamp"=>"2026-11-22 02:14:34  0000"}}})"},
      {"k=%e2%9c%93%4A%4a", R"({"k"=>"\xE2\x9C\x93JJ"})"},
      {"k=%ff", R"({"k"=>"\xFF"})"},  // Values are raw bytes.
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, RefusesAPercentWithoutTwoHexDigits) {
  // Golden badinput/malformed_percent_encoding; Rack's message names the
  // raw component, the name before the value.
  const Case cases[] = {
      {"provider_key=pk&app_id=a1&app_key=%zz",
       "kInvalidPercentEncoding: invalid %-encoding (%zz)"},
      {"app_id=a1&usage%5Bhits%5D=%",
       "kInvalidPercentEncoding: invalid %-encoding (%)"},
      {"provider_key=%&app_id=a1",
       "kInvalidPercentEncoding: invalid %-encoding (%)"},
      {"x=%4", "kInvalidPercentEncoding: invalid %-encoding (%4)"},
      {"a%=%zz", "kInvalidPercentEncoding: invalid %-encoding (a%)"},
      {"a=%%41", "kInvalidPercentEncoding: invalid %-encoding (%%41)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, KeepsCarriageReturnsAndLineFeedsInKeys) {
  // Golden clients/perl_report (README surprise 20): "&\r\n" separates.
  EXPECT_EQ(R"({"service_token"=>"T", "\r\nservice_id"=>"S"})",
            Describe(ParseNestedQuery("service_token=T&\r\nservice_id=S")));
}

// --- ParseNestedQuery: nested names (normalize_params) ----------------------

TEST(ParseNestedQueryTest, DropsLeadingBracketsOfAKey) {
  const Case cases[] = {
      {"[usage][hits]=1", R"({"usage"=>{"hits"=>"1"}})"},  // Ruby client
      {"[[usage]]]=1", R"({"usage"=>"1"})"},
      {"][a=1", R"({"a"=>"1"})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, ReadsAFieldAfterAnIndexAsANestedKey) {
  // The Rust client's "transactions[0]app_id".
  EXPECT_EQ(
      R"({"transactions"=>{"0"=>{"app_id"=>"a1", "usage"=>{"hits"=>"1"}}}})",
      Describe(ParseNestedQuery(
          "transactions[0]app_id=a1&transactions[0]usage[hits]=1")));
}

TEST(ParseNestedQueryTest, BuildsHashesFromRawAndEncodedBrackets) {
  const Case cases[] = {
      {"usage[hits]=1&usage[total_body_size]=0",  // nginx plugin
       R"({"usage"=>{"hits"=>"1", "total_body_size"=>"0"}})"},
      {"usage%5Bhits%5D=1", R"({"usage"=>{"hits"=>"1"}})"},
      {"log%5Bcode%5D=&log%5Brequest%5D=",
       R"({"log"=>{"code"=>"", "request"=>""}})"},
      {"a[b][c][d]=1&a[b][e]=2",
       R"({"a"=>{"b"=>{"c"=>{"d"=>"1"}, "e"=>"2"}}})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, LetsALaterValueReplaceAnEarlierOneInPlace) {
  const Case cases[] = {
      {"a=1&b=2&a=3", R"({"a"=>"3", "b"=>"2"})"},
      {"usage[hits]=1&usage=1", R"({"usage"=>"1"})"},  // golden: a 403
      {"a[]=1&a=2", R"({"a"=>"2"})"},
      {"a&a[x]=1", R"({"a"=>{"x"=>"1"}})"},  // nil gives way to a hash
      {"a&a[]=1", R"({"a"=>["1"]})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, BuildsArraysAndArraysOfHashes) {
  const Case cases[] = {
      {"a[]=1&a[]=2&a[]", R"({"a"=>["1", "2", nil]})"},
      // A new hash starts when the last one already has the key.
      {"a[][x]=1&a[][y]=2&a[][x]=3",
       R"({"a"=>[{"x"=>"1", "y"=>"2"}, {"x"=>"3"}]})"},
      {"a[][x][y]=1&a[][x][z]=2&a[][x][y]=3",
       R"({"a"=>[{"x"=>{"y"=>"1", "z"=>"2"}}, {"x"=>{"y"=>"3"}}]})"},
      {"x[]=1&x[][y]=2", R"({"x"=>["1", {"y"=>"2"}]})"},
      {"a[]b=1", R"({"a"=>[{"b"=>"1"}]})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, HandlesOddNamesAsRackDoes) {
  const Case cases[] = {
      {"a[=1", R"({"a["=>"1"})"},
      {"a]=1", R"({"a"=>"1"})"},
      {"a[b=1", R"({"a"=>{"b"=>"1"}})"},
      {"a[x]=1&a[[=1", R"({"a"=>nil})"},  // The hash is replaced by nil.
      {"a[][]=1", R"({"a"=>[["1"]]})"},
      {"a[]]=1", R"({"a"=>[nil]})"},
      // Ruby's ^ and $ match at line breaks inside the name.
      {"a[]\nb=1", R"({"a"=>{"\nb"=>"1"}})"},
      {"a[q\n[][y]=1", R"({"a"=>[{"y"=>"1"}]})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, RefusesConflictingTypesWithRacksMessage) {
  // Golden badinput/conflicting_nested_types and README surprise 3.
  const Case cases[] = {
      {"usage[]=1&usage[hits]=1",
       "kTypeConflict: expected Hash (got Array) for param `usage'"},
      {"usage[hits]=1&usage[]=1",
       "kTypeConflict: expected Array (got Rack::QueryParser::Params) for "
       "param `usage'"},
      {"usage=1&usage[hits]=1",
       "kTypeConflict: expected Hash (got String) for param `usage'"},
      {"app_id=a1&app_id%5Bx%5D=1&app_id%5B%5D=2",
       "kTypeConflict: expected Hash (got String) for param `app_id'"},
      {"transactions%5B0%5D=x&transactions%5B0%5D%5Bapp_id%5D=a1",
       "kTypeConflict: expected Hash (got String) for param `0'"},
      {"transactions%5B0%5D%5Bapp_id%5D=a1&transactions%5B%5D%5Bapp_id%5D=a1",
       "kTypeConflict: expected Array (got Rack::QueryParser::Params) for "
       "param `transactions'"},
      {"a=1&a[]=2", "kTypeConflict: expected Array (got String) for param `a'"},
      {"a[b][c]=1&a[b][]=2",
       "kTypeConflict: expected Array (got Rack::QueryParser::Params) for "
       "param `b'"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

TEST(ParseNestedQueryTest, KeepsKeysInRequestOrder) {
  const ParsedParams parsed =
      ParseNestedQuery("usage[m3]=1&provider_key=pk&usage[m1]=2&usage[m2]=3");
  ASSERT_TRUE(parsed.ok()) << parsed.error->message;
  EXPECT_EQ(R"({"usage"=>{"m3"=>"1", "m1"=>"2", "m2"=>"3"}, )"
            R"("provider_key"=>"pk"})",
            Inspect(parsed.params));
}

TEST(ParseNestedQueryTest, ParsesRealClientQueriesAsApisonatorSawThem) {
  const Case cases[] = {
      // golden clients/java_authorize_authrep: '&' and '?' not encoded.
      {"user_key=uk&log%5Brequest%5D=GET%20/x?a=b&c=d&service_id=1",
       R"({"user_key"=>"uk", "log"=>{"request"=>"GET /x?a=b"}, "c"=>"d", )"
       R"("service_id"=>"1"})"},
      // golden clients/nginx_plugin_authorize.
      {"service_token=t&usage[hits]=1&app_key=k1&log%5Bcode%5D=",
       R"({"service_token"=>"t", "usage"=>{"hits"=>"1"}, "app_key"=>"k1", )"
       R"("log"=>{"code"=>""}})"},
      // golden extensions/no_body_metric_resolution_first.
      {"usage%5B%20hits%5D=1", R"({"usage"=>{" hits"=>"1"}})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input))) << c.input;
  }
}

// --- ParseNestedQuery: Rack's limits -----------------------------------------

TEST(ParseNestedQueryTest, RefusesNestingOf100LevelsAndAcceptsFewer) {
  // golden badinput/deep_nesting: 101 levels gave 500, 50 gave 200.
  const std::string golden_too_deep =
      "provider_key=pk176424&app_id=a1&x" + Repeat("%5Ba%5D", 101) + "=1";
  const std::string golden_fine =
      "provider_key=pk176424&app_id=a1&x" + Repeat("%5Ba%5D", 50) + "=1";
  ASSERT_EQ(742u, golden_too_deep.size());  // The recorded query strings.
  ASSERT_EQ(385u, golden_fine.size());
  EXPECT_EQ(
      ParamsErrorKind::kTooDeep,
      ParseNestedQuery(golden_too_deep).error.value_or(ParamsError{}).kind);
  EXPECT_TRUE(ParseNestedQuery(golden_fine).ok());

  // Rack starts at depth 100 and takes one off per hash level, or per
  // "[][child]" array-of-hashes level.
  const struct {
    std::string input;
    bool ok;
  } cases[] = {
      {"x" + Repeat("[a]", 99) + "=1", true},
      {"x" + Repeat("[a]", 100) + "=1", false},
      {"x" + Repeat("[][a]", 99) + "=1", true},
      {"x" + Repeat("[][a]", 100) + "=1", false},
      {"x" + Repeat("[a][]", 100) + "=1", false},
      {"x" + Repeat("[]", 150) + "=1", true},  // "[][]..." is one level.
  };
  for (const auto& c : cases) {
    const ParsedParams parsed = ParseNestedQuery(c.input);
    EXPECT_EQ(c.ok, parsed.ok()) << c.input.substr(0, 40);
    if (!c.ok && !parsed.ok()) {
      EXPECT_EQ("kTooDeep: Rack::QueryParser::QueryLimitError",
                Describe(parsed));
    }
  }
}

TEST(ParseNestedQueryTest, RefusesMoreThan4096ParametersCountingSeparators) {
  const Case cases[] = {
      {Repeat("&", 4095), "{}"},
      {Repeat("a=1&", 4095) + "b=2", R"({"a"=>"1", "b"=>"2"})"},
      {Repeat("&", 4096),
       "kTooManyParams: total number of query parameters (4097) exceeds "
       "limit (4096)"},
      {Repeat(";", 4096),
       "kTooManyParams: total number of query parameters (4097) exceeds "
       "limit (4096)"},
      // The count comes first: it wins over errors in the fields.
      {"a=%zz" + Repeat("&", 4096),
       "kTooManyParams: total number of query parameters (4097) exceeds "
       "limit (4096)"},
      {"a=1&a[]=2" + Repeat("&", 4095),
       "kTooManyParams: total number of query parameters (4097) exceeds "
       "limit (4096)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseNestedQuery(c.input)))
        << c.input.substr(0, 20) << "... (" << c.input.size() << " bytes)";
  }
}

TEST(ParseNestedQueryTest, RefusesATextOver4MiB) {
  EXPECT_TRUE(ParseNestedQuery("a=" + std::string(4194302, 'x')).ok());
  EXPECT_EQ("kTooManyParams: total query size exceeds limit (4194304)",
            Describe(ParseNestedQuery("a=" + std::string(4194303, 'x'))));
}

TEST(ParseNestedQueryTest, RefusesMoreThan65536CharactersOfKeysInOneHash) {
  const std::string e_acute = "\xC3\xA9";  // Two bytes, one character.
  const struct {
    std::string input;
    bool ok;
  } cases[] = {
      {std::string(65536, 'a') + "=1", true},
      {std::string(65537, 'a') + "=1", false},
      {Repeat(e_acute, 65536) + "=1", true},
      {Repeat(e_acute, 65537) + "=1", false},
      {"a[" + std::string(65536, 'k') + "]=1&b=1", true},  // Per hash.
      {"a[" + std::string(65535, 'k') + "]=1&a[yy]=1", false},
  };
  for (const auto& c : cases) {
    const ParsedParams parsed = ParseNestedQuery(c.input);
    EXPECT_EQ(c.ok, parsed.ok()) << c.input.size() << " bytes";
    if (!c.ok && !parsed.ok()) {
      EXPECT_EQ("kTooManyParams: exceeded available parameter key space",
                Describe(parsed));
    }
  }
}

// --- ParseNestedQuery: invalid UTF-8 ----------------------------------------

TEST(ParseNestedQueryTest, StopsAtTheFirstNameThatIsNotUtf8) {
  // Rack raises "invalid byte sequence in UTF-8" there (golden: 400
  // not_valid_data), so nothing after it counts, not even a bad escape.
  const Case cases[] = {
      {"a=1&%ff=2&b=3", R"({"a"=>"1", "\xFF"=>"2"})"},
      {"%ff=1&b=%zz", R"({"\xFF"=>"1"})"},
      {"usage=1&usage%5B%ff%5D=1&usage[]=x",
       R"({"usage"=>"1", "usage[\xFF]"=>"1"})"},
      {"%c3%28", R"({"\xC3("=>nil})"},
  };
  for (const Case& c : cases) {
    const ParsedParams parsed = ParseNestedQuery(c.input);
    EXPECT_EQ(c.want, Describe(parsed)) << c.input;
    EXPECT_FALSE(IsValidUtf8(parsed.params)) << c.input;
  }
}

TEST(ParseNestedQueryTest, KeepsValuesThatAreNotUtf8) {
  // golden badinput/invalid_utf8_other_params: the caller decides.
  const ParsedParams parsed = ParseNestedQuery("foo=%ff&usage%5Bhits%5D=%ff");
  EXPECT_EQ(R"({"foo"=>"\xFF", "usage"=>{"hits"=>"\xFF"}})", Describe(parsed));
}

// --- ParseFormBody ----------------------------------------------------------

TEST(ParseFormBodyTest, SeparatesFieldsOnlyAtAmpersands) {
  const Case cases[] = {
      {"a=1;b=2& c=3", R"({"a"=>"1;b=2", "c"=>"3"})"},
      {"limit_headers=1;hierarchy=1", R"({"limit_headers"=>"1;hierarchy=1"})"},
      // golden clients/perl_report: the CRLF-prefixed key is not
      // service_id (a 422 service_id_missing).
      {"service_token=tok854836&\r\nservice_id=8548361&transactions[0][app_id]="
       "a1",
       R"({"service_token"=>"tok854836", "\r\nservice_id"=>"8548361", )"
       R"("transactions"=>{"0"=>{"app_id"=>"a1"}}})"},
      // golden clients/dotnet_report: raw spaces and brackets.
      {"provider_key=pk&transactions[0][usage][hits]=1&transactions[0]"
       "[timestamp]=2026-11-22 02:14:34 +0000",
       R"({"provider_key"=>"pk", "transactions"=>{"0"=>{"usage"=>{"hits"=>"1"}, )"
       R"("timestamp"=>"2026-11-22 02:14:34  0000"}}})"},
      // Python: raw brackets and an empty field.
      {"provider_key=pk&&transactions[0][app_id]=a1",
       R"({"provider_key"=>"pk", "transactions"=>{"0"=>{"app_id"=>"a1"}}})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseFormBody(c.input))) << c.input;
  }
}

TEST(ParseFormBodyTest, CountsOnlyAmpersandsTowardsTheLimit) {
  EXPECT_TRUE(ParseFormBody(Repeat(";", 5000)).ok());
  EXPECT_EQ(
      "kTooManyParams: total number of query parameters (4097) exceeds limit "
      "(4096)",
      Describe(ParseFormBody(Repeat("&", 4096))));
}

TEST(ParseFormBodyTest, DropsOneTrailingNulByte) {
  const Case cases[] = {
      {std::string("a=1\0", 4), R"({"a"=>"1"})"},
      {std::string("a=1\0\0", 5), R"({"a"=>"1\x00"})"},
      {std::string("\0", 1), "{}"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseFormBody(c.input))) << c.input.size();
  }
  // Rack reads 4 MiB + 2 bytes: a trailing NUL does not count.
  EXPECT_TRUE(ParseFormBody("a=" + std::string(4194302, 'x') + '\0').ok());
  EXPECT_FALSE(ParseFormBody("a=" + std::string(4194303, 'x') + '\0').ok());
}

// --- ParseMultipart ---------------------------------------------------------

std::string Part(std::string_view head, std::string_view content) {
  return "--XyZ\r\n" + std::string(head) + "\r\n\r\n" + std::string(content) +
         "\r\n";
}

constexpr std::string_view kEnd = "--XyZ--\r\n";

TEST(ParseMultipartTest, ParsesTheRecordedMultipartReport) {
  // golden report/multipart (a 202).
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"provider_key\"\r\n\r\n"
      "pk502463\r\n--XyZ\r\nContent-Disposition: form-data; "
      "name=\"transactions[0][app_id]\"\r\n\r\na1\r\n--XyZ\r\n"
      "Content-Disposition: form-data; name=\"transactions[0][usage][hits]\""
      "\r\n\r\n4\r\n--XyZ--\r\n";
  ASSERT_EQ(239u, body.size());  // The recorded Content-Length.
  EXPECT_EQ(
      R"({"provider_key"=>"pk502463", )"
      R"("transactions"=>{"0"=>{"app_id"=>"a1", "usage"=>{"hits"=>"4"}}}})",
      Describe(ParseMultipart(body, "XyZ")));
}

TEST(ParseMultipartTest, NamesEachPartAsRackDoes) {
  const Case cases[] = {
      {Part("Content-Disposition: form-data; name=\"[usage][hits]\"", "1"),
       R"({"usage"=>{"hits"=>"1"}})"},
      {Part("content-disposition: form-data;name=app_id", "a1"),
       R"({"app_id"=>"a1"})"},
      // An unquoted name stops at a bracket.
      {Part("Content-Disposition: form-data; name=usage[hits]", "1"),
       R"({"usage"=>"1"})"},
      {Part(R"(Content-Disposition: form-data; name="a\"b")", "v"),
       R"({"a\"b"=>"v"})"},
      {Part("Content-ID: <cid1>", "v"), R"({"<cid1>"=>"v"})"},
      {Part("Content-Disposition: form-data; filename=\"f.txt\"", "data"),
       R"({"f.txt"=>"data"})"},
      {Part("Content-Type: application/json", "{}"),
       R"({"application/json"=>["{}"]})"},
      {Part("X-Other: 1", "v"), R"({"text/plain"=>["v"]})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want,
              Describe(ParseMultipart(c.input + std::string(kEnd), "XyZ")))
        << c.input;
  }
}

TEST(ParseMultipartTest, StoresAFilesContentAndSkipsAPartWithoutAFile) {
  const std::string body =
      Part("Content-Disposition: form-data; name=\"up\"; filename=\"a.txt\"",
           "line1\r\nline2") +
      Part("Content-Disposition: form-data; name=\"none\"; filename=\"\"", "") +
      Part("Content-Disposition: form-data; name=\"x\"", "--XyZx") +
      std::string(kEnd);
  EXPECT_EQ(R"({"up"=>"line1\r\nline2", "x"=>"--XyZx"})",
            Describe(ParseMultipart(body, "XyZ")));
}

TEST(ParseMultipartTest, FeedsPartNamesToTheSameNormalizeParams) {
  const Case cases[] = {
      {Part("Content-Disposition: form-data; name=\"usage[]\"", "1") +
           Part("Content-Disposition: form-data; name=\"usage[hits]\"", "1"),
       "kTypeConflict: expected Hash (got Array) for param `usage'"},
      {Part("Content-Disposition: form-data; name=\"a\"", "1") +
           Part("Content-Disposition: form-data; name=\"a\"", "2"),
       R"({"a"=>"2"})"},
      {Part("Content-Disposition: form-data; name=\"x" + Repeat("[a]", 100) +
                "\"",
            "1"),
       "kTooDeep: Rack::QueryParser::QueryLimitError"},
      {Part("Content-Disposition: form-data; name=\"a\"", "1") +
           Part("Content-Disposition: form-data; name=\"\xFF\"", "2") +
           Part("Content-Disposition: form-data; name=\"a[]\"", "3"),
       R"({"a"=>"1", "\xFF"=>"2"})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want,
              Describe(ParseMultipart(c.input + std::string(kEnd), "XyZ")))
        << c.input;
  }
}

TEST(ParseMultipartTest, RefusesMalformedBodiesWithoutCrashing) {
  const std::string part =
      Part("Content-Disposition: form-data; name=\"a\"", "1");
  const Case cases[] = {
      {"no boundary here", "kInvalidMultipart: EOFError"},
      {"--XyZ\r\n", "kInvalidMultipart: EOFError"},
      {"--XyZ--", "kInvalidMultipart: EOFError"},
      {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n1\r\n--XyZ--",
       "kInvalidMultipart: EOFError"},  // No blank line after the head.
      {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",
       "kInvalidMultipart: EOFError"},        // The part never ends.
      {part, "kInvalidMultipart: EOFError"},  // Nor does the body.
      {part + "garbage", "kInvalidMultipart: EOFError"},
      {part + "--XyZ\r\n", "kInvalidMultipart: EOFError"},
      {std::string(20000, 'p') + "\r\n",
       "kInvalidMultipart: multipart boundary not found within limit"},
      {"--XyZ\r\n" + std::string(70000, 'h'),
       "kInvalidMultipart: multipart mime part header too large"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseMultipart(c.input, "XyZ")))
        << c.input.substr(0, 60);
  }
}

TEST(ParseMultipartTest, AcceptsWhatRacksScannerAccepts) {
  const std::string part =
      Part("Content-Disposition: form-data; name=\"a\"", "1");
  const Case cases[] = {
      {std::string(kEnd), "{}"},  // Only an end boundary.
      {"preamble\r\n" + part + std::string(kEnd) + "epilogue", R"({"a"=>"1"})"},
      {part + "--XyZ--", R"({"a"=>"1"})"},
      {part + "--XyZ-- \r\n", R"({"a"=>"1"})"},
      // Rack skips two bytes after a body, "\r\n" or not.
      {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1--XyZ--",
       R"({"a"=>"1"})"},
      // After the end boundary nothing is read.
      {part + std::string(kEnd) + part, R"({"a"=>"1"})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, Describe(ParseMultipart(c.input, "XyZ")))
        << c.input.substr(0, 80);
  }
}

TEST(ParseMultipartTest, ReadsAnEmptyBodyOrBoundaryAsAForm) {
  EXPECT_EQ("{}", Describe(ParseMultipart("", "XyZ")));
  EXPECT_EQ(R"({"a"=>"1", "b"=>"2"})", Describe(ParseMultipart("a=1&b=2", "")));
}

TEST(ParseMultipartTest, RefusesTooManyPartsAndFiles) {
  const std::string field =
      Part("Content-Disposition: form-data; name=\"a[]\"", "1");
  const std::string file =
      Part("Content-Disposition: form-data; name=\"f[]\"; filename=\"f\"", "1");
  const Case cases[] = {
      {Repeat(field, 4095) + std::string(kEnd), ""},
      {Repeat(field, 4096) + std::string(kEnd),
       "kTooManyParams: Maximum total multiparts in content reached"},
      {Repeat(file, 127) + std::string(kEnd), ""},
      {Repeat(file, 128) + std::string(kEnd),
       "kTooManyParams: Too many open files - Maximum file multiparts in "
       "content reached"},
  };
  for (const Case& c : cases) {
    const ParsedParams parsed = ParseMultipart(c.input, "XyZ");
    if (c.want.empty()) {
      EXPECT_TRUE(parsed.ok()) << parsed.error->message;
    } else {
      EXPECT_EQ(c.want, Describe(parsed));
    }
  }
}

// --- MergeParams ------------------------------------------------------------

TEST(MergeParamsTest, LetsTheBodyWinAndKeepsTheQueryOrder) {
  const ParsedParams query = ParseNestedQuery("a=1&b=2&usage[hits]=1");
  const ParsedParams body = ParseFormBody("b=3&c=4&usage[x]=2");
  ASSERT_TRUE(query.ok() && body.ok());
  // Rack::Request#params is GET.merge(POST): shallow, body last.
  EXPECT_EQ(R"({"a"=>"1", "b"=>"3", "usage"=>{"x"=>"2"}, "c"=>"4"})",
            Inspect(MergeParams(query.params, body.params)));
}

// --- ParamHash --------------------------------------------------------------

TEST(ParamHashTest, ReplacesInPlaceAndErasesWithoutReordering) {
  ParamHash hash;
  hash.Set("a", ParamValue{std::string("1")});
  hash.Set("b", ParamValue{});
  hash.Set("c", ParamValue{std::string("3")});
  hash.Set("a", ParamValue{std::string("4")});
  EXPECT_EQ(R"({"a"=>"4", "b"=>nil, "c"=>"3"})", Inspect(hash));
  hash.Erase("b");
  hash.Erase("missing");
  EXPECT_EQ(R"({"a"=>"4", "c"=>"3"})", Inspect(hash));
  EXPECT_EQ(nullptr, hash.Find("b"));
  ASSERT_NE(nullptr, hash.Find("c"));
  EXPECT_EQ("3", hash.Find("c")->string());
}

// --- IsValidUtf8 ------------------------------------------------------------

TEST(IsValidUtf8Test, AcceptsWellFormedUtf8) {
  const std::string cases[] = {
      "",
      "plain ascii, longer than eight bytes",
      "Pl\xC3\xA4n \xE2\x9C\x93",  // golden badinput/valid_utf8_multibyte
      "\xF0\x9F\x98\x80",          // U+1F600
      "\xF4\x8F\xBF\xBF",          // U+10FFFF
      "\xEF\xBF\xBF",              // U+FFFF
      "\xED\x9F\xBF",              // U+D7FF, just below the surrogates
      std::string("nul\0inside", 10),
      "12345678\xC3\xA9",  // Multibyte right after an ASCII word.
  };
  for (const std::string& c : cases) EXPECT_TRUE(IsValidUtf8(c)) << c;
}

TEST(IsValidUtf8Test, RejectsWhatRubysValidEncodingRejects) {
  const std::string cases[] = {
      "\xFF\xFE",          // golden badinput/invalid_utf8_ids
      "\xC3\x28",          // A lead byte without its continuation.
      "\x80",              // A lone continuation byte.
      "\xC0\xAF",          // Overlong '/'.
      "\xC1\xBF",          // Overlong.
      "\xE0\x80\xAF",      // Overlong, three bytes.
      "\xF0\x80\x80\xAF",  // Overlong, four bytes.
      "\xED\xA0\x80",      // U+D800, a surrogate.
      "\xED\xBF\xBF",      // U+DFFF.
      "\xF4\x90\x80\x80",  // U+110000.
      "\xF5\x80\x80\x80",
      "\xE2\x9C",      // Truncated.
      "\xF0\x9F\x98",  // Truncated.
      "abcdefghijklmnop\xFF",
  };
  for (const std::string& c : cases) {
    EXPECT_FALSE(IsValidUtf8(c)) << InspectString(c);
  }
}

TEST(IsValidUtf8Test, ChecksEveryKeyAndStringValueInsideParams) {
  const struct {
    std::string query;
    bool valid;
  } cases[] = {
      {"a=1&b[c][]=2&d", true}, {"a=%ff", false},      {"a[b]=%ff", false},
      {"a[]=1&a[]=%ff", false}, {"a[][b]=%ff", false}, {"a[%ff]=1", false},
      {"a[b][%ff]", false},
  };
  for (const auto& c : cases) {
    const ParsedParams parsed = ParseNestedQuery(c.query);
    ASSERT_TRUE(parsed.ok()) << c.query;
    EXPECT_EQ(c.valid, IsValidUtf8(parsed.params)) << c.query;
  }
}

// --- DecodeWwwFormComponent and EncodeComponent -----------------------------

TEST(DecodeWwwFormComponentTest, DecodesLikeRubysUri) {
  const struct {
    std::string text;
    std::optional<std::string> want;
  } cases[] = {
      {"", ""},
      {"a+b", "a b"},
      {"%41%4a%4A", "AJJ"},
      {"%2B", "+"},
      {"%e2%9c%93", "\xE2\x9C\x93"},
      {"%", std::nullopt},
      {"%4", std::nullopt},
      {"%zz", std::nullopt},
      {"a%%41", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, DecodeWwwFormComponent(c.text)) << c.text;
  }
}

TEST(EncodeComponentTest, EscapesEveryByteButUnreservedOnes) {
  const Case cases[] = {
      {"", ""},
      {"AZaz09-._~", "AZaz09-._~"},
      {"a b", "a%20b"},
      {"usage[hits]", "usage%5Bhits%5D"},
      {"+&=;%#/?", "%2B%26%3D%3B%25%23%2F%3F"},
      {"\xC3\xA9\xFF", "%C3%A9%FF"},
      {"\r\n", "%0D%0A"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, EncodeComponent(c.input)) << c.input;
  }
}

TEST(EncodeComponentTest, RoundTripsThroughDecoding) {
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));
  EXPECT_EQ(all_bytes, DecodeWwwFormComponent(EncodeComponent(all_bytes)));
}

}  // namespace
}  // namespace scalecheck::core
