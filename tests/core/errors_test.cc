// tests/core/errors_test.cc: apisonator 3.4.3's error catalogue and
// rejection reasons (spec 3.5, as corrected by golden "Surprises" 6 and 7).
#include "core/errors.h"

#include <gtest/gtest.h>

#include <string>

namespace scalecheck::core {
namespace {

struct ErrorCase {
  BackendError error;
  const char* code;
  int http_status;
  const char* message;
};

struct RejectionCase {
  Rejection rejection;
  const char* code;
  const char* message;
};

class ErrorsTest : public testing::Test {
 protected:
  static void ExpectErrors(std::initializer_list<ErrorCase> cases) {
    for (const ErrorCase& c : cases) {
      EXPECT_EQ(c.code, c.error.code) << c.message;
      EXPECT_EQ(c.http_status, c.error.http_status) << c.code;
      EXPECT_EQ(c.message, c.error.message) << c.code;
    }
  }
  static void ExpectRejections(std::initializer_list<RejectionCase> cases) {
    for (const RejectionCase& c : cases) {
      EXPECT_EQ(c.code, c.rejection.code) << c.message;
      EXPECT_EQ(c.message, c.rejection.message) << c.code;
    }
  }
};

TEST_F(ErrorsTest, Spec3_5_CredentialAndServiceErrors) {
  ExpectErrors({
      {errors::ProviderKeyOrServiceTokenRequired(),
       "provider_key_or_service_token_required", 403,
       "Provider key or service token are required"},
      {errors::ServiceIdMissing(), "service_id_missing", 422,
       "Service ID is missing"},
      {errors::ServiceTokenInvalid("t2", "s1"), "service_token_invalid", 403,
       R"(service token "t2" or service id "s1" is invalid)"},
      {errors::ProviderKeyInvalidOrServiceMissing("bad"),
       "provider_key_invalid_or_service_missing", 403,
       R"(provider key "bad" invalid and/or service ID missing)"},
      {errors::ProviderKeyInvalid("bad"), "provider_key_invalid", 403,
       R"(provider key "bad" is invalid)"},
      {errors::ServiceIdInvalid("nope"), "service_id_invalid", 403,
       R"(service id "nope" is invalid)"},
  });
}

TEST_F(ErrorsTest, Spec3_5_ApplicationErrors) {
  ExpectErrors({
      {errors::AuthenticationError(), "authentication_error", 403,
       "either app_id or user_key is allowed, not both"},
      {errors::UserKeyInvalid("zz"), "user_key_invalid", 403,
       R"(user key "zz" is invalid)"},
      {errors::UserKeyMissing(), "user_key_invalid", 403,
       "user key is missing"},
      {errors::ApplicationNotFound("nope"), "application_not_found", 404,
       R"(application with id="nope" was not found)"},
  });
}

TEST_F(ErrorsTest, Golden6_AMissingApplicationIdIsNotFoundWithAnEmptyId) {
  // 3.4.3 never says "application id is missing".
  ExpectErrors({{errors::ApplicationNotFound(""), "application_not_found", 404,
                 R"(application with id="" was not found)"}});
}

TEST_F(ErrorsTest, Spec3_5_UsageErrors) {
  ExpectErrors({
      {errors::MetricInvalid("nukes"), "metric_invalid", 404,
       R"(metric "nukes" is invalid)"},
      {errors::UsageValueInvalid("hits", "-1"), "usage_value_invalid", 403,
       R"(usage value "-1" for metric "hits" is invalid)"},
      {errors::UsageValueEmpty("hits"), "usage_value_invalid", 403,
       R"(usage value for metric "hits" can not be empty)"},
  });
}

TEST_F(ErrorsTest, Golden7_NotValidDataIs400In343) {
  // The spec's table says 422; apisonator 3.4.3 answers 400.
  ExpectErrors({{errors::NotValidData(), "not_valid_data", 400,
                 "all data must be valid UTF8"}});
}

TEST_F(ErrorsTest, Spec3_5_BadRequests) {
  ExpectErrors({
      {errors::BadRequest(), "bad_request", 400,
       "request contains syntax errors, should not be repeated without "
       "modification"},
      {errors::BadRequestInvalidPercentEncoding(), "bad_request", 400,
       "Invalid query parameters: invalid %-encoding"},
      {errors::EndUsersNoLongerSupported(), "end_users_no_longer_supported",
       400,
       "End-users are no longer supported, do not specify the user_id "
       "parameter"},
  });
}

TEST_F(ErrorsTest, Spec3_5_ReportErrors) {
  ExpectErrors({
      {errors::ContentTypeInvalid("application/json"), "content_type_invalid",
       400, "invalid Content-Type: application/json"},
      {errors::TransactionsIsBlank(), "transactions_is_blank", 400,
       "transactions parameter is blank"},
      {errors::TransactionsFormatInvalid(), "transactions_format_invalid", 400,
       "transactions format is invalid"},
      {errors::TransactionsHasNilTransaction(),
       "transactions_has_nil_transaction", 400,
       "transactions has a nil transaction"},
  });
}

TEST_F(ErrorsTest, Spec3_5_TimestampErrorsAreBaseErrors) {
  // Only ever stored in the error log; their classes derive from Error, so
  // they would answer 403 like it.
  ExpectErrors({
      {errors::TransactionTimestampTooOld(), "transaction_timestamp_too_old",
       403, "reporting transactions older than 86400 seconds is not allowed"},
      {errors::TransactionTimestampTooNew(), "transaction_timestamp_too_new",
       403,
       "reporting transactions more than 3600 seconds in the future is not "
       "allowed"},
  });
}

TEST_F(ErrorsTest, Spec3_4_ValuesAreQuotedAsGivenWithoutEscaping) {
  ExpectErrors({
      {errors::ApplicationNotFound("a\"b"), "application_not_found", 404,
       R"(application with id="a"b" was not found)"},
      {errors::MetricInvalid(" hits"), "metric_invalid", 404,
       R"(metric " hits" is invalid)"},
      {errors::UserKeyInvalid(" uk "), "user_key_invalid", 403,
       R"(user key " uk " is invalid)"},
      {errors::ContentTypeInvalid(""), "content_type_invalid", 400,
       "invalid Content-Type: "},
  });
}

TEST_F(ErrorsTest, Spec3_5_Rejections) {
  ExpectRejections({
      {rejections::ApplicationKeyInvalid("bad"), "application_key_invalid",
       R"(application key "bad" is invalid)"},
      {rejections::ApplicationKeyMissing(), "application_key_invalid",
       "application key is missing"},
      {rejections::ReferrerNotAllowed("example.org"), "referrer_not_allowed",
       R"(referrer "example.org" is not allowed)"},
      {rejections::ReferrerMissing(), "referrer_not_allowed",
       "referrer is missing"},
      {rejections::ApplicationNotActive(), "application_not_active",
       "application is not active"},
      {rejections::ServiceNotActive(), "service_not_active",
       "service is not active"},
      {rejections::LimitsExceeded(), "limits_exceeded",
       "usage limits are exceeded"},
      {rejections::OauthNotEnabled(), "oauth_not_enabled",
       "oauth is not enabled"},
      {rejections::RedirectUrlInvalid("http://bad"), "redirect_url_invalid",
       R"(redirect_url "http://bad" is invalid)"},
      {rejections::RedirectUriInvalid("<x>"), "redirect_uri_invalid",
       R"(redirect_uri "<x>" is invalid)"},
  });
}

TEST_F(ErrorsTest, Spec3_5_ABlankKeyOrReferrerIsMissing) {
  for (const char* blank : {"", " ", "\t", " \r\n "}) {
    ExpectRejections({
        {rejections::ApplicationKeyInvalid(blank), "application_key_invalid",
         "application key is missing"},
        {rejections::ReferrerNotAllowed(blank), "referrer_not_allowed",
         "referrer is missing"},
    });
  }
}

TEST_F(ErrorsTest, Spec3_5_AKeyOrReferrerWithSpacesAroundIsQuotedAsGiven) {
  ExpectRejections({
      {rejections::ApplicationKeyInvalid(" k1 "), "application_key_invalid",
       R"(application key " k1 " is invalid)"},
      {rejections::ReferrerNotAllowed(" x "), "referrer_not_allowed",
       R"(referrer " x " is not allowed)"},
  });
}

}  // namespace
}  // namespace scalecheck::core
