// core/errors.h
//
// apisonator's error catalogue (spec 3.5): the exceptions that become an
// <error code="..."> document with a 400/403/404/422 status, and the
// rejection reasons of a 409 denial. Codes, statuses and message texts are
// apisonator 3.4.3's, byte for byte. Pure values.
#pragma once

#include <string>
#include <string_view>

namespace scalecheck::core {

// An exception apisonator turns into <error code="code">message</error>.
struct BackendError {
  std::string code;     // "application_not_found".
  std::string message;  // "application with id=\"a1\" was not found".
  int http_status = 403;
};

namespace errors {

BackendError ProviderKeyOrServiceTokenRequired();
BackendError ServiceIdMissing();
BackendError ServiceTokenInvalid(std::string_view token,
                                 std::string_view service_id);
BackendError ProviderKeyInvalidOrServiceMissing(std::string_view provider_key);
BackendError ProviderKeyInvalid(std::string_view provider_key);
BackendError ServiceIdInvalid(std::string_view service_id);
BackendError AuthenticationError();
BackendError UserKeyInvalid(std::string_view user_key);
BackendError UserKeyMissing();
// 3.4.3 says "application with id=\"\" was not found" for a missing id too
// (golden "Surprises" 6).
BackendError ApplicationNotFound(std::string_view app_id);
BackendError MetricInvalid(std::string_view metric_name);
BackendError UsageValueInvalid(std::string_view metric_name,
                               std::string_view value);
BackendError UsageValueEmpty(std::string_view metric_name);
BackendError NotValidData();
BackendError BadRequest();
BackendError BadRequestInvalidPercentEncoding();
BackendError ContentTypeInvalid(std::string_view content_type);
BackendError TransactionsIsBlank();
BackendError TransactionsFormatInvalid();
BackendError TransactionsHasNilTransaction();
BackendError EndUsersNoLongerSupported();
BackendError TransactionTimestampTooOld();
BackendError TransactionTimestampTooNew();

}  // namespace errors

// Why a 409 denied: the code goes in 3scale-rejection-reason, the message in
// <reason>.
struct Rejection {
  std::string code;
  std::string message;
};

namespace rejections {

// `key` empty or blank: "application key is missing".
Rejection ApplicationKeyInvalid(std::string_view key);
Rejection ApplicationKeyMissing();
Rejection ReferrerNotAllowed(std::string_view referrer);
Rejection ReferrerMissing();
Rejection ApplicationNotActive();
Rejection ServiceNotActive();
Rejection LimitsExceeded();
Rejection OauthNotEnabled();
Rejection RedirectUrlInvalid(std::string_view url);
Rejection RedirectUriInvalid(std::string_view uri);

}  // namespace rejections

}  // namespace scalecheck::core
