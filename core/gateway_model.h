// core/gateway_model.h
//
// What APIcast does with one end-user request (spec/gateway.md sections 1, 3,
// 4.1-4.3, 5): which service it belongs to (by host, or path routing, 2.8),
// which credentials it carries (3), the usage its mapping rules give (2, via
// core/mapping_rule.h), the authrep it must send the backend (4.1), and what
// it answers once the backend has decided (4.2, 5). The auth cache of 4.3 is
// a separate value the caller keeps. Not modelled: OIDC, the batcher, the
// routing policy's upstream choice (ComputeUsage takes the chosen owner),
// debug and rate-limit headers. Pure; plain values, not thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/http_message.h"
#include "core/mapping_rule.h"

namespace scalecheck::core {

inline constexpr const char* kGatewayTextPlain = "text/plain; charset=utf-8";

// One of APIcast's error answers (spec 5.1): status, Content-Type, exact body.
struct GatewayError {
  int status = 0;
  std::string content_type = kGatewayTextPlain;
  std::string body;
};

// The error settings of a service; defaults are APIcast's (key absent).
struct GatewayErrors {
  GatewayError auth_missing{401, kGatewayTextPlain,
                            "Authentication parameters missing"};
  GatewayError auth_failed{403, kGatewayTextPlain, "Authentication failed"};
  GatewayError limits_exceeded{429, kGatewayTextPlain, "Limits exceeded"};
  GatewayError no_match{404, kGatewayTextPlain, "No Mapping Rule matched"};
};

// proxy.credentials_location.
enum class CredentialsLocation { kQuery, kHeaders, kAuthorization };

// "query", "headers", "authorization".
const char* ToString(CredentialsLocation location);

// One service of the gateway's configuration.
struct GatewayService {
  std::string id;
  // "1": user_key; "2": app_id and app_key; anything else: every request
  // gets the auth-missing error (OIDC is not modelled).
  std::string backend_version = "1";
  // "service_token", "provider_key", or "" to send only service_id.
  std::string backend_authentication_type = "service_token";
  std::string backend_authentication_value;
  std::vector<std::string> hosts = {"localhost"};  // Lower case to match.
  CredentialsLocation credentials_location = CredentialsLocation::kQuery;
  // Names in the end user's request (the backend always gets the standard
  // ones). APIcast lowercases them.
  std::string auth_user_key = "user_key";
  std::string auth_app_id = "app_id";
  std::string auth_app_key = "app_key";
  std::vector<MappingRule> rules;
  GatewayErrors errors;
  bool has_upstream = true;  // proxy.api_backend set.
};

// APICAST_PATH_ROUTING (kOn) and APICAST_PATH_ROUTING_ONLY (kOnly).
enum class PathRouting { kOff, kOn, kOnly };

struct GatewayConfig {
  std::vector<GatewayService> services;
  PathRouting path_routing = PathRouting::kOff;
  UriEscaping escaping = UriEscaping::kNginx1_21;
  // nginx's client_body_buffer_size (16k on x86-64). nginx keeps a body in
  // memory while it is shorter than 1.25 times that (ngx_http_request_body.c
  // allows `size += size >> 2`); a longer one is spooled to a file, and
  // APIcast does not read it (spec 2.3, 3.2). Near the boundary the part of
  // the body read with the headers makes it fuzzy: test well away from it.
  size_t client_body_buffer_bytes = 16384;
};

// An end user's request as it reaches the gateway.
struct GatewayRequest {
  std::string method = "GET";
  std::string host = "localhost";  // The Host header; may carry ":port".
  std::string path = "/";          // Raw, as on the request line.
  std::string query;               // Raw, without '?'; empty: none.
  HeaderList headers;              // Besides Host.
  std::string body;
};

// The authrep APIcast sends (spec 4.1): GET
// /transactions/authrep.xml?<service_id, authentication, usage, credentials>.
struct GatewayAuthrep {
  std::string service_id;
  std::string authentication_name;  // "service_token", "provider_key" or "".
  std::string authentication_value;
  // Backend parameter name ("user_key", "app_id", "app_key") -> value as the
  // backend decodes it (for `query`, the raw request text: spec 3.2).
  std::vector<std::pair<std::string, std::string>> credentials;
  GatewayUsage usage;

  // The auth cache key of spec 4.3: "42:value:usage%5Bhits%5D=2".
  std::string CacheKey() const;
  // The request as APIcast sends it, with the 3scale-options header and
  // `host` as Host.
  HttpRequest ToRequest(const std::string& host) const;
};

// How far a request gets before the backend is asked (spec 1).
enum class GatewayStage {
  kBadRequest,       // nginx refuses the path itself (400).
  kServiceNotFound,  // 404, empty body.
  kAuthMissing,
  kNoMatch,
  kAuthorize,  // The authrep decides.
};

struct GatewayDecision {
  GatewayStage stage = GatewayStage::kServiceNotFound;
  // Index into GatewayConfig::services; -1 before a service is found.
  int service = -1;
  std::string matchable_path;  // What the rules were compared with.
  UsageComputation usage;
  std::optional<GatewayAuthrep> authrep;  // With kAuthorize.
};

// Steps 1-5 of spec 1 for `request`.
GatewayDecision DecideGatewayRequest(const GatewayConfig& config,
                                     const GatewayRequest& request);

// The backend's answer to the authrep: status (0: no answer at all) and
// headers (3scale-rejection-reason, 3scale-limit-*).
struct BackendVerdict {
  int status = 200;
  HeaderList headers;
};

enum class GatewayAnswerKind {
  kUpstream,  // Proxied: the upstream's answer.
  kBadRequest,
  kServiceNotFound,
  kNoUpstream,  // 404, empty body, after the authrep.
  kAuthMissing,
  kAuthFailed,
  kLimitsExceeded,
  kNoMatch,
};

// "upstream", "bad_request", "service_not_found", "no_upstream",
// "auth_missing", "auth_failed", "limits_exceeded", "no_match".
const char* ToString(GatewayAnswerKind kind);

// What the end user gets.
struct GatewayAnswer {
  GatewayAnswerKind kind = GatewayAnswerKind::kUpstream;
  int status = 200;  // kUpstream: the echo upstream's 200.
  // Checked for the configured errors; nullopt: not checked (the upstream's,
  // nginx's own pages).
  std::optional<std::string> content_type;
  std::optional<std::string> body;  // nullopt: not checked.
  // Retry-After: its value; nullopt: must be absent.
  std::optional<std::string> retry_after;
};

// The answer of a decision that needs no backend (stage != kAuthorize).
// REQUIRES: decision.stage != kAuthorize.
GatewayAnswer AnswerWithoutBackend(const GatewayConfig& config,
                                   const GatewayDecision& decision);

// Spec 4.2: the answer once the backend answered `verdict`. `cached_ok` is
// whether the auth cache holds 200 for the key after the verdict was stored
// (always false with caching none): an unavailable backend is then no
// denial. REQUIRES: decision.stage == kAuthorize.
GatewayAnswer AnswerFromBackend(const GatewayConfig& config,
                                const GatewayDecision& decision,
                                const BackendVerdict& verdict, bool cached_ok);

// The admitted answer of a cache hit (the authrep comes after it).
GatewayAnswer AdmittedAnswer(const GatewayConfig& config,
                             const GatewayDecision& decision);

// The caching policy's handlers (spec 4.3).
enum class GatewayCacheMode { kNone, kStrict, kResilient, kAllow };

// "none", "strict", "resilient", "allow".
const char* ToString(GatewayCacheMode mode);

// APIcast's auth cache (the api_keys shared dict): key -> the last stored
// backend status. Plain value; not thread-safe.
class AuthCache {
 public:
  explicit AuthCache(GatewayCacheMode mode) : mode_(mode) {}

  // Whether a request with `key` is let through without asking the backend
  // first (stored 200; never with kNone).
  bool Hit(const std::string& key) const;
  // Applies the handler to a backend answer (`status` 0: unavailable).
  void Store(const std::string& key, int status);
  // Whether the entry now holds 200.
  bool HoldsOk(const std::string& key) const;

 private:
  GatewayCacheMode mode_;
  std::map<std::string, int> entries_;
};

}  // namespace scalecheck::core
