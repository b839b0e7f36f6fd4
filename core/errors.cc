#include "core/errors.h"

namespace scalecheck::core {
namespace {

std::string Quoted(std::string_view s) {
  std::string q = "\"";
  q.append(s);
  q += '"';
  return q;
}

BackendError Make(std::string code, std::string message, int status) {
  return BackendError{std::move(code), std::move(message), status};
}

}  // namespace

namespace errors {

// HTTP statuses follow the exception classes of errors.rb: Error 403,
// NotFound 404, Invalid 422, BadRequest 400.
BackendError ProviderKeyOrServiceTokenRequired() {
  return Make("provider_key_or_service_token_required",
              "Provider key or service token are required", 403);
}
BackendError ServiceIdMissing() {
  return Make("service_id_missing", "Service ID is missing", 422);
}
BackendError ServiceTokenInvalid(std::string_view token,
                                 std::string_view service_id) {
  return Make("service_token_invalid",
              "service token " + Quoted(token) + " or service id " +
                  Quoted(service_id) + " is invalid",
              403);
}
BackendError ProviderKeyInvalidOrServiceMissing(std::string_view provider_key) {
  return Make("provider_key_invalid_or_service_missing",
              "provider key " + Quoted(provider_key) +
                  " invalid and/or service ID missing",
              403);
}
BackendError ProviderKeyInvalid(std::string_view provider_key) {
  return Make("provider_key_invalid",
              "provider key " + Quoted(provider_key) + " is invalid", 403);
}
BackendError ServiceIdInvalid(std::string_view service_id) {
  return Make("service_id_invalid",
              "service id " + Quoted(service_id) + " is invalid", 403);
}
BackendError AuthenticationError() {
  return Make("authentication_error",
              "either app_id or user_key is allowed, not both", 403);
}
BackendError UserKeyInvalid(std::string_view user_key) {
  return Make("user_key_invalid",
              "user key " + Quoted(user_key) + " is invalid", 403);
}
BackendError UserKeyMissing() {
  return Make("user_key_invalid", "user key is missing", 403);
}
BackendError ApplicationNotFound(std::string_view app_id) {
  return Make("application_not_found",
              "application with id=" + Quoted(app_id) + " was not found", 404);
}
BackendError MetricInvalid(std::string_view metric_name) {
  return Make("metric_invalid", "metric " + Quoted(metric_name) + " is invalid",
              404);
}
BackendError UsageValueInvalid(std::string_view metric_name,
                               std::string_view value) {
  return Make("usage_value_invalid",
              "usage value " + Quoted(value) + " for metric " +
                  Quoted(metric_name) + " is invalid",
              403);
}
BackendError UsageValueEmpty(std::string_view metric_name) {
  return Make(
      "usage_value_invalid",
      "usage value for metric " + Quoted(metric_name) + " can not be empty",
      403);
}
BackendError NotValidData() {
  // 3.4.3 answers 400 (spec says 422; golden "Surprises" 7).
  return Make("not_valid_data", "all data must be valid UTF8", 400);
}
BackendError BadRequest() {
  return Make("bad_request",
              "request contains syntax errors, should not be repeated without "
              "modification",
              400);
}
BackendError BadRequestInvalidPercentEncoding() {
  return Make("bad_request", "Invalid query parameters: invalid %-encoding",
              400);
}
BackendError ContentTypeInvalid(std::string_view content_type) {
  return Make("content_type_invalid",
              "invalid Content-Type: " + std::string(content_type), 400);
}
BackendError TransactionsIsBlank() {
  return Make("transactions_is_blank", "transactions parameter is blank", 400);
}
BackendError TransactionsFormatInvalid() {
  return Make("transactions_format_invalid", "transactions format is invalid",
              400);
}
BackendError TransactionsHasNilTransaction() {
  return Make("transactions_has_nil_transaction",
              "transactions has a nil transaction", 400);
}
BackendError EndUsersNoLongerSupported() {
  return Make("end_users_no_longer_supported",
              "End-users are no longer supported, do not specify the user_id "
              "parameter",
              400);
}
// TransactionTimestampNotWithinRange derives from Error itself: 403. Only
// the report worker raises them, so the status never reaches a client.
BackendError TransactionTimestampTooOld() {
  return Make("transaction_timestamp_too_old",
              "reporting transactions older than 86400 seconds is not allowed",
              403);
}
BackendError TransactionTimestampTooNew() {
  return Make(
      "transaction_timestamp_too_new",
      "reporting transactions more than 3600 seconds in the future is not "
      "allowed",
      403);
}

}  // namespace errors

namespace rejections {

Rejection ApplicationKeyInvalid(std::string_view key) {
  if (key.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos) {
    return ApplicationKeyMissing();
  }
  return {"application_key_invalid",
          "application key " + Quoted(key) + " is invalid"};
}
Rejection ApplicationKeyMissing() {
  return {"application_key_invalid", "application key is missing"};
}
Rejection ReferrerNotAllowed(std::string_view referrer) {
  if (referrer.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos) {
    return ReferrerMissing();
  }
  return {"referrer_not_allowed",
          "referrer " + Quoted(referrer) + " is not allowed"};
}
Rejection ReferrerMissing() {
  return {"referrer_not_allowed", "referrer is missing"};
}
Rejection ApplicationNotActive() {
  return {"application_not_active", "application is not active"};
}
Rejection ServiceNotActive() {
  return {"service_not_active", "service is not active"};
}
Rejection LimitsExceeded() {
  return {"limits_exceeded", "usage limits are exceeded"};
}
Rejection OauthNotEnabled() {
  return {"oauth_not_enabled", "oauth is not enabled"};
}
Rejection RedirectUrlInvalid(std::string_view url) {
  return {"redirect_url_invalid",
          "redirect_url " + Quoted(url) + " is invalid"};
}
Rejection RedirectUriInvalid(std::string_view uri) {
  return {"redirect_uri_invalid",
          "redirect_uri " + Quoted(uri) + " is invalid"};
}

}  // namespace rejections

}  // namespace scalecheck::core
