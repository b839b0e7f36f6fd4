// core/mapping_rule.h
//
// APIcast's mapping rules (spec/gateway.md section 2): the path APIcast
// compares (nginx's normalized, re-escaped $uri), the request arguments
// (ngx.req.get_uri_args, overlaid by a urlencoded body), how a rule's pattern
// becomes a prefix regular expression, query-string conditions, and the usage
// of one request (all matching rules, deltas summed per metric, `last`,
// metrics <= 0 dropped, rules of other backend owners subtracted). Pure
// functions over plain values; no I/O. Does not choose the service (see
// core/gateway_model.h). Not thread-safe (plain values).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scalecheck::core {

// Which nginx escapes the path before matching (spec 2.2): APIcast >= 3.16
// runs nginx >= 1.21.1, which escapes more characters than APIcast <= 3.15's
// nginx 1.19.3.
enum class UriEscaping { kNginx1_21, kNginx1_19 };

// One rule of `proxy.proxy_rules` (spec 2.1).
struct MappingRule {
  std::string http_method =
      "GET";            // Exact, case-sensitive; "ANY": every method.
  std::string pattern;  // "/foo/{id}.json?x={x}"; only the path part counts.
  // name -> expected value, all must hold; a value containing "{word}" only
  // requires the parameter to be present. The pattern's own "?query" is not
  // looked at (APIcast does not: porta derives this field from it).
  std::vector<std::pair<std::string, std::string>> querystring_parameters;
  std::string metric_system_name;
  int64_t delta = 0;  // Absent in the configuration: 0.
  bool last = false;  // A matching `last` rule ends the evaluation.
  // API-as-a-Product (spec 2.7): owner_type "BackendApi" plus owner_id marks
  // a backend-level rule; anything else is a product-level rule.
  std::string owner_id;
  std::string owner_type;
};

// nginx's $uri for a raw request path (no query): %XX decoded, runs of '/'
// merged, "." and ".." segments resolved. nullopt where nginx answers 400
// itself: a '%' not followed by two hex digits, a decoded NUL, or ".." above
// the root.
std::optional<std::string> NormalizePath(std::string_view raw_path);

// nginx's ngx_escape_uri(NGX_ESCAPE_URI) with uppercase hex, as APIcast
// applies it to $uri before matching.
std::string EscapeUri(std::string_view path,
                      UriEscaping escaping = UriEscaping::kNginx1_21);

// The path the rules are compared with: EscapeUri(NormalizePath(raw)).
// nullopt as NormalizePath().
std::optional<std::string> MatchablePath(
    std::string_view raw_path, UriEscaping escaping = UriEscaping::kNginx1_21);

// The regular expression APIcast compiles for `pattern` (mapping_rule.lua
// regexpify), with the leading '^': slashes merged, the query dropped, each
// non-empty "{...}" a one-or-more group of URI characters, dots escaped;
// every other character keeps its regex meaning ('$' anchors, '+' repeats).
std::string PatternRegex(std::string_view pattern);

// Whether the pattern matches `path` (a MatchablePath()) as APIcast's
// ngx.re.match does: anchored at the start only, case-sensitive. A pattern
// that is not a valid regular expression matches nothing (APIcast logs the
// error and the rule does not apply).
bool PatternMatches(std::string_view pattern, std::string_view path);

// A request argument's values in arrival order; nullopt for a name without
// '=' (Lua's `true`).
using ArgValues = std::vector<std::optional<std::string>>;
// Arguments by (decoded, case-sensitive) name.
using RequestArgs = std::map<std::string, ArgValues>;

// ngx.decode_args / ngx.req.get_uri_args: fields split at '&', names and
// values percent-decoded with '+' as a space (a bad '%' is kept as is),
// empty fields and empty names skipped, at most `max_args` fields (ngx_lua's
// default 100) read.
RequestArgs ParseRequestArgs(std::string_view query, size_t max_args = 100);

// The arguments APIcast matches rules with (spec 2.3): `query`'s, with
// `body`'s replacing those of the same name.
RequestArgs OverlayArgs(RequestArgs query, const RequestArgs& body);

// Whether every querystring parameter of `rule` holds on `args` (spec 2.3):
// a placeholder value needs the name present (any value); a fixed value must
// equal the last value given, and a valueless parameter equals nothing.
bool ArgsMatch(const MappingRule& rule, const RequestArgs& args);

// Whether `rule` matches: method (or ANY), pattern and arguments.
bool RuleMatches(const MappingRule& rule, std::string_view method,
                 std::string_view path, const RequestArgs& args);

// Usage of one request: metric -> delta, only deltas > 0, by metric name.
using GatewayUsage = std::map<std::string, int64_t>;

struct UsageComputation {
  GatewayUsage usage;
  // Indices into the rules of every matching rule that was evaluated, in
  // order (a matching `last` rule is the final one).
  std::vector<size_t> matched;
};

// Spec 2.6: every rule in order; matching rules add their delta to their
// metric; a matching `last` rule stops the evaluation. With
// `routed_owner_id` (the routing policy chose an upstream of that backend,
// spec 2.7), the deltas of matched BackendApi rules of other owners are
// taken off again. Metrics whose total is <= 0 are dropped; an empty usage
// means "no mapping rule matched".
UsageComputation ComputeUsage(
    const std::vector<MappingRule>& rules, std::string_view method,
    std::string_view path, const RequestArgs& args,
    const std::optional<std::string>& routed_owner_id = std::nullopt);

// "usage%5Bhits%5D=2&usage%5Bsearch%5D=1": the usage as APIcast encodes it,
// sorted by metric name (its cache key and X-3scale-usage debug header).
std::string EncodeUsage(const GatewayUsage& usage);

}  // namespace scalecheck::core
