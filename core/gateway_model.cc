#include "core/gateway_model.h"

#include <cassert>
#include <cstdint>

#include "core/params.h"

namespace scalecheck::core {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// nginx's $host from a Host header: lowercased, without the port.
std::string HostOf(std::string_view host) {
  std::string h = Lower(host);
  if (!h.empty() && h.front() == '[') {  // An IPv6 literal keeps its colons.
    const size_t close = h.find(']');
    return close == std::string::npos ? h : h.substr(0, close + 1);
  }
  if (const size_t colon = h.find(':'); colon != std::string::npos)
    h.resize(colon);
  return h;
}

// ngx.decode_base64: standard alphabet with padding; nullopt if malformed.
std::optional<std::string> DecodeBase64(std::string_view text) {
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  size_t length = text.size();
  while (length > 0 && text[length - 1] == '=') --length;
  if (text.size() - length > 2 || length % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < length; ++i) {
    const int v = value(text[i]);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// `name` as nginx's $arg_<name>: the first "name=" field (name compared
// ignoring case), its value raw. A field without '=' is not found.
std::optional<std::string> QueryArg(std::string_view query,
                                    std::string_view name) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view field = query.substr(start, end - start);
    const size_t equals = field.find('=');
    if (equals != std::string_view::npos &&
        EqualsIgnoreCase(field.substr(0, equals), name)) {
      return std::string(field.substr(equals + 1));
    }
    start = end + 1;
  }
  return std::nullopt;
}

// Header names compared as APIcast's ngx.req.get_headers() does: ignoring
// case, '-' and '_' alike.
std::optional<std::string> HeaderArg(const HeaderList& headers,
                                     std::string_view name) {
  const auto norm = [](std::string_view s) {
    std::string out = Lower(s);
    for (char& c : out) {
      if (c == '_') c = '-';
    }
    return out;
  };
  const std::string wanted = norm(name);
  for (const auto& [header, value] : headers) {
    if (norm(header) == wanted) return value;
  }
  return std::nullopt;
}

bool ReadsBody(const GatewayConfig& config, const GatewayRequest& request) {
  if (request.method != "POST" && request.method != "PUT" &&
      request.method != "PATCH") {
    return false;
  }
  const std::string* type = FindHeader(request.headers, "content-type");
  if (type == nullptr ||
      Lower(*type).find("application/x-www-form-urlencoded") ==
          std::string::npos) {
    return false;
  }
  return request.body.size() <
         config.client_body_buffer_bytes + config.client_body_buffer_bytes / 4;
}

struct Extracted {
  bool missing = true;
  std::vector<std::pair<std::string, std::string>> credentials;
};

// Spec 3: the credentials of `service` in `request`.
Extracted ExtractCredentials(const GatewayConfig& config,
                             const GatewayService& service,
                             const GatewayRequest& request,
                             const RequestArgs& body_args) {
  const bool v1 = service.backend_version == "1";
  const bool v2 = service.backend_version == "2";
  Extracted out;
  if (!v1 && !v2) return out;  // Invalid (or OIDC, not modelled): missing.
  const bool body = ReadsBody(config, request);
  const auto from_body =
      [&](const std::string& name) -> std::optional<std::string> {
    if (!body) return std::nullopt;
    const auto it = body_args.find(name);
    if (it == body_args.end() || it->second.empty() || !it->second.front()) {
      return std::nullopt;
    }
    return *it->second.front();
  };
  const auto lookup =
      [&](const std::string& configured) -> std::optional<std::string> {
    const std::string name = Lower(configured);
    switch (service.credentials_location) {
      case CredentialsLocation::kQuery: {
        std::optional<std::string> v = QueryArg(request.query, name);
        return v ? v : from_body(name);
      }
      case CredentialsLocation::kHeaders:
        return HeaderArg(request.headers, name);
      case CredentialsLocation::kAuthorization:
        return std::nullopt;  // Below.
    }
    return std::nullopt;
  };
  std::optional<std::string> user_key, app_id, app_key;
  if (service.credentials_location == CredentialsLocation::kAuthorization) {
    const std::string* header = FindHeader(request.headers, "authorization");
    std::optional<std::string> user, password, bearer;
    if (header != nullptr && header->rfind("Basic ", 0) == 0) {
      if (std::optional<std::string> decoded =
              DecodeBase64(header->substr(6))) {
        if (const size_t colon = decoded->rfind(':');
            colon != std::string::npos) {
          user = decoded->substr(0, colon);
          password = decoded->substr(colon + 1);
        }
      }
    } else if (header != nullptr && header->rfind("Bearer ", 0) == 0) {
      bearer = header->substr(7);
    }
    user_key = user ? user : bearer;
    app_id = user ? user : bearer;
    app_key = password;
  } else {
    user_key = lookup(service.auth_user_key);
    app_id = lookup(service.auth_app_id);
    app_key = lookup(service.auth_app_key);
  }
  if (v1 && user_key) {
    out.missing = false;
    out.credentials = {{"user_key", *user_key}};
  } else if (v2 && app_id && app_key) {
    out.missing = false;
    out.credentials = {{"app_id", *app_id}, {"app_key", *app_key}};
  }
  return out;
}

bool HostListed(const GatewayService& service, const std::string& host) {
  for (const std::string& h : service.hosts) {
    if (h == host) return true;
  }
  return false;
}

// Spec 1 step 1 and 2.8: the service for `request`, or -1.
int FindService(const GatewayConfig& config, const GatewayRequest& request,
                const std::string& path, const RequestArgs& query_args) {
  const std::string host = HostOf(request.host);
  if (config.path_routing != PathRouting::kOff) {
    for (size_t i = 0; i < config.services.size(); ++i) {
      const GatewayService& service = config.services[i];
      if (!HostListed(service, host)) continue;
      for (const MappingRule& rule : service.rules) {
        if (RuleMatches(rule, request.method, path, query_args))
          return static_cast<int>(i);
      }
    }
    if (config.path_routing == PathRouting::kOnly) return -1;
  }
  for (size_t i = 0; i < config.services.size(); ++i) {
    if (HostListed(config.services[i], host)) return static_cast<int>(i);
  }
  return -1;
}

GatewayAnswer ErrorAnswer(GatewayAnswerKind kind, const GatewayError& error) {
  GatewayAnswer answer;
  answer.kind = kind;
  answer.status = error.status;
  answer.content_type = error.content_type;
  answer.body = error.body;
  return answer;
}

GatewayAnswer EmptyAnswer(GatewayAnswerKind kind, int status) {
  GatewayAnswer answer;
  answer.kind = kind;
  answer.status = status;
  answer.body = kind == GatewayAnswerKind::kBadRequest
                    ? std::nullopt
                    : std::optional<std::string>("");
  return answer;
}

}  // namespace

const char* ToString(CredentialsLocation location) {
  switch (location) {
    case CredentialsLocation::kQuery:
      return "query";
    case CredentialsLocation::kHeaders:
      return "headers";
    case CredentialsLocation::kAuthorization:
      return "authorization";
  }
  return "query";
}

const char* ToString(GatewayAnswerKind kind) {
  switch (kind) {
    case GatewayAnswerKind::kUpstream:
      return "upstream";
    case GatewayAnswerKind::kBadRequest:
      return "bad_request";
    case GatewayAnswerKind::kServiceNotFound:
      return "service_not_found";
    case GatewayAnswerKind::kNoUpstream:
      return "no_upstream";
    case GatewayAnswerKind::kAuthMissing:
      return "auth_missing";
    case GatewayAnswerKind::kAuthFailed:
      return "auth_failed";
    case GatewayAnswerKind::kLimitsExceeded:
      return "limits_exceeded";
    case GatewayAnswerKind::kNoMatch:
      return "no_match";
  }
  return "upstream";
}

const char* ToString(GatewayCacheMode mode) {
  switch (mode) {
    case GatewayCacheMode::kNone:
      return "none";
    case GatewayCacheMode::kStrict:
      return "strict";
    case GatewayCacheMode::kResilient:
      return "resilient";
    case GatewayCacheMode::kAllow:
      return "allow";
  }
  return "none";
}

std::string GatewayAuthrep::CacheKey() const {
  std::string key = service_id;
  for (const auto& [name, value] : credentials) key += ":" + value;
  return key + ":" + EncodeUsage(usage);
}

HttpRequest GatewayAuthrep::ToRequest(const std::string& host) const {
  std::string query;
  const auto add = [&](const std::string& name, const std::string& value) {
    if (!query.empty()) query += '&';
    query += EncodeComponent(name) + "=" + EncodeComponent(value);
  };
  if (!authentication_name.empty())
    add(authentication_name, authentication_value);
  add("service_id", service_id);
  for (const auto& [metric, delta] : usage)
    add("usage[" + metric + "]", std::to_string(delta));
  for (const auto& [name, value] : credentials) add(name, value);
  HttpRequest request;
  request.method = "GET";
  request.target = "/transactions/authrep.xml?" + query;
  request.headers = {{"Host", host},
                     {"3scale-options",
                      "rejection_reason_header=1&limit_headers=1&no_body=1"}};
  return request;
}

GatewayDecision DecideGatewayRequest(const GatewayConfig& config,
                                     const GatewayRequest& request) {
  GatewayDecision decision;
  std::optional<std::string> path =
      MatchablePath(request.path, config.escaping);
  if (!path) {
    decision.stage = GatewayStage::kBadRequest;
    return decision;
  }
  decision.matchable_path = *path;
  const RequestArgs query_args = ParseRequestArgs(request.query);
  decision.service = FindService(config, request, *path, query_args);
  if (decision.service < 0) {
    decision.stage = GatewayStage::kServiceNotFound;
    return decision;
  }
  const GatewayService& service =
      config.services[static_cast<size_t>(decision.service)];
  const RequestArgs body_args = ReadsBody(config, request)
                                    ? ParseRequestArgs(request.body)
                                    : RequestArgs{};
  const Extracted credentials =
      ExtractCredentials(config, service, request, body_args);
  if (credentials.missing) {
    decision.stage = GatewayStage::kAuthMissing;
    return decision;
  }
  decision.usage = ComputeUsage(service.rules, request.method, *path,
                                OverlayArgs(query_args, body_args));
  if (decision.usage.usage.empty()) {
    decision.stage = GatewayStage::kNoMatch;
    return decision;
  }
  decision.stage = GatewayStage::kAuthorize;
  GatewayAuthrep authrep;
  authrep.service_id = service.id;
  if (!service.backend_authentication_type.empty()) {
    authrep.authentication_name = service.backend_authentication_type;
    authrep.authentication_value = service.backend_authentication_value;
  }
  authrep.credentials = credentials.credentials;
  authrep.usage = decision.usage.usage;
  decision.authrep = std::move(authrep);
  return decision;
}

GatewayAnswer AnswerWithoutBackend(const GatewayConfig& config,
                                   const GatewayDecision& decision) {
  assert(decision.stage != GatewayStage::kAuthorize);
  switch (decision.stage) {
    case GatewayStage::kBadRequest:
      return EmptyAnswer(GatewayAnswerKind::kBadRequest, 400);
    case GatewayStage::kServiceNotFound:
      return EmptyAnswer(GatewayAnswerKind::kServiceNotFound, 404);
    case GatewayStage::kAuthMissing:
      return ErrorAnswer(GatewayAnswerKind::kAuthMissing,
                         config.services[static_cast<size_t>(decision.service)]
                             .errors.auth_missing);
    case GatewayStage::kNoMatch:
    case GatewayStage::kAuthorize:
      break;
  }
  return ErrorAnswer(
      GatewayAnswerKind::kNoMatch,
      config.services[static_cast<size_t>(decision.service)].errors.no_match);
}

GatewayAnswer AdmittedAnswer(const GatewayConfig& config,
                             const GatewayDecision& decision) {
  const GatewayService& service =
      config.services[static_cast<size_t>(decision.service)];
  if (!service.has_upstream)
    return EmptyAnswer(GatewayAnswerKind::kNoUpstream, 404);
  GatewayAnswer answer;
  answer.kind = GatewayAnswerKind::kUpstream;
  answer.status = 200;
  return answer;
}

GatewayAnswer AnswerFromBackend(const GatewayConfig& config,
                                const GatewayDecision& decision,
                                const BackendVerdict& verdict, bool cached_ok) {
  assert(decision.stage == GatewayStage::kAuthorize);
  const GatewayService& service =
      config.services[static_cast<size_t>(decision.service)];
  const int status = verdict.status;
  if (status == 200) return AdmittedAnswer(config, decision);
  if (status == 0 || status == 499 || status >= 500) {
    return cached_ok ? AdmittedAnswer(config, decision)
                     : ErrorAnswer(GatewayAnswerKind::kAuthFailed,
                                   service.errors.auth_failed);
  }
  const std::string* reason =
      FindHeader(verdict.headers, "3scale-rejection-reason");
  const std::string* max_value =
      FindHeader(verdict.headers, "3scale-limit-max-value");
  if (status == 409 && reason != nullptr && *reason == "limits_exceeded" &&
      (max_value == nullptr || *max_value != "0")) {
    GatewayAnswer answer = ErrorAnswer(GatewayAnswerKind::kLimitsExceeded,
                                       service.errors.limits_exceeded);
    if (const std::string* reset =
            FindHeader(verdict.headers, "3scale-limit-reset")) {
      answer.retry_after = *reset;
    }
    return answer;
  }
  return ErrorAnswer(GatewayAnswerKind::kAuthFailed,
                     service.errors.auth_failed);
}

bool AuthCache::Hit(const std::string& key) const {
  return mode_ != GatewayCacheMode::kNone && HoldsOk(key);
}

bool AuthCache::HoldsOk(const std::string& key) const {
  const auto it = entries_.find(key);
  return it != entries_.end() && it->second == 200;
}

void AuthCache::Store(const std::string& key, int status) {
  const bool unavailable = status == 0 || status == 499 || status >= 500;
  switch (mode_) {
    case GatewayCacheMode::kNone:
      entries_.erase(key);
      return;
    case GatewayCacheMode::kStrict:
      if (status == 200) {
        entries_[key] = 200;
      } else {
        entries_.erase(key);
      }
      return;
    case GatewayCacheMode::kResilient:
      if (status > 0 && status < 500) entries_[key] = status;
      return;
    case GatewayCacheMode::kAllow:
      if (!unavailable) {
        entries_[key] = status;
      } else if (entries_.count(key) == 0) {
        entries_[key] = 200;
      }
      return;
  }
}

}  // namespace scalecheck::core
