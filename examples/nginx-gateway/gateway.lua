-- examples/nginx-gateway/gateway.lua
--
-- A small APIcast look-alike on Debian's nginx + ngx_lua: it reads an
-- APIcast configuration file (THREESCALE_CONFIG_FILE format, as written by
-- `scalecheck export apicast`) on every request, as APIcast's lazy loader
-- with APICAST_CONFIGURATION_CACHE=0 does, and does what APIcast does for the
-- subset below (spec/gateway.md): host-based service lookup, credentials in
-- the query, headers or Authorization (backend_version 1 and 2), mapping
-- rules with placeholders, `$`, query/body parameters, `last` and summed
-- deltas, one synchronous authrep per request (caching policy none), and
-- APIcast's answers (error settings, 429 with Retry-After, 403 on a disabled
-- metric or an unavailable backend, 404 without an upstream).
--
-- Not supported: OIDC, the batcher, routing and other policies, path
-- routing, the auth cache (strict/resilient/allow), debug headers.
--
-- `defect` (nginx variable $scalecheck_defect) breaks it on purpose, to show
-- that the harness notices: "first_rule_only" reports usage only for the
-- first matching rule.
local cjson = require("cjson.safe")

local _M = {}

local OPTIONS = "rejection_reason_header=1&limit_headers=1&no_body=1"

local defaults = {
  auth_missing = { "Authentication parameters missing", 401 },
  auth_failed = { "Authentication failed", 403 },
  limits_exceeded = { "Limits exceeded", 429 },
  no_match = { "No Mapping Rule matched", 404 },
}

local function read_config(path)
  local file, err = io.open(path, "rb")
  if not file then return nil, err end
  local text = file:read("*a")
  file:close()
  return cjson.decode(text)
end

-- Ends the request with `status`, `content_type` and exactly `body`.
local function answer(status, content_type, body, headers)
  ngx.status = status
  if content_type then ngx.header["Content-Type"] = content_type end
  for name, value in pairs(headers or {}) do ngx.header[name] = value end
  ngx.header["Content-Length"] = #body
  ngx.send_headers()
  if #body > 0 then ngx.print(body) end
  return ngx.exit(ngx.HTTP_OK)
end

local function error_answer(proxy, kind, headers)
  local default = defaults[kind]
  local body = proxy["error_" .. kind]
  if body == nil or body == cjson.null then body = default[1] end
  local status = tonumber(proxy["error_status_" .. kind]) or default[2]
  local ctype = proxy["error_headers_" .. kind]
  if ctype == nil or ctype == cjson.null then ctype = "text/plain; charset=utf-8" end
  return answer(status, ctype, body, headers)
end

local function find_service(config, host)
  for _, service in ipairs(config.services or {}) do
    local proxy = service.proxy or {}
    local hosts = proxy.hosts
    if hosts == nil or hosts == cjson.null then hosts = { "localhost" } end
    for _, h in ipairs(hosts) do
      if h == host then return service end
    end
  end
  return nil
end

-- nginx >= 1.21.1's ngx_escape_uri(NGX_ESCAPE_URI), uppercase hex.
local function escape_uri(path)
  return (path:gsub("[%c \"#%%<>?\\^`{|}\127-\255]", function(c)
    return string.format("%%%02X", c:byte())
  end))
end

local function is_form(method)
  if method ~= "POST" and method ~= "PUT" and method ~= "PATCH" then return false end
  local ctype = ngx.var.http_content_type
  return ctype ~= nil and ctype:lower():find("application/x-www-form-urlencoded", 1, true) ~= nil
end

-- The body's arguments, or {} when there is no readable urlencoded body
-- (nginx spooled a large one to a file: APIcast ignores it too).
local function body_args(method)
  if not is_form(method) then return {} end
  ngx.req.read_body()
  local args = ngx.req.get_post_args()
  return args or {}
end

local function first(value)
  if type(value) == "table" then return value[1] end
  return value
end

local function normalize_header(name)
  return name:lower():gsub("_", "-")
end

local function header_value(name)
  local wanted = normalize_header(name)
  for header, value in pairs(ngx.req.get_headers(100, true)) do
    if normalize_header(header) == wanted then return first(value) end
  end
  return nil
end

local function credentials(service, method, bodyargs)
  local version = tostring(service.backend_version)
  local proxy = service.proxy or {}
  local location = proxy.credentials_location or "query"
  local function name(key, default)
    local v = proxy[key]
    if v == nil or v == cjson.null then v = default end
    return v:lower()
  end
  local names = {
    user_key = name("auth_user_key", "user_key"),
    app_id = name("auth_app_id", "app_id"),
    app_key = name("auth_app_key", "app_key"),
  }
  local values = {}
  if location == "authorization" then
    local auth = ngx.var.http_authorization
    local user, password, bearer
    if auth and auth:sub(1, 6) == "Basic " then
      local decoded = ngx.decode_base64(auth:sub(7))
      if decoded then
        user, password = decoded:match("^(.*):(.*)$")
      end
    elseif auth and auth:sub(1, 7) == "Bearer " then
      bearer = auth:sub(8)
    end
    values.user_key = user or bearer
    values.app_id = user or bearer
    values.app_key = password
  else
    for key, arg in pairs(names) do
      local v
      if location == "headers" then
        v = header_value(arg)
      else
        v = ngx.var["arg_" .. arg]
        if v == nil and bodyargs[arg] ~= nil and bodyargs[arg] ~= true then
          v = first(bodyargs[arg])
        end
      end
      values[key] = v
    end
  end
  if version == "1" and values.user_key then
    return { { "user_key", values.user_key } }
  elseif version == "2" and values.app_id and values.app_key then
    return { { "app_id", values.app_id }, { "app_key", values.app_key } }
  end
  return nil
end

local CLASS = "([A-Za-z0-9_.~%!$$&'()*+,;=@:-]+)"

local function regexpify(pattern)
  pattern = ngx.re.gsub(pattern, [[/+]], "/", "jo")
  pattern = ngx.re.gsub(pattern, [[\?.*]], "", "jo")
  -- Dots are escaped before the placeholders are replaced (APIcast does it
  -- after; the result is the same, and the class below keeps its dot).
  pattern = ngx.re.gsub(pattern, [[\.]], [[\.]], "jo")
  pattern = ngx.re.gsub(pattern, [[\{.+?\}]], CLASS, "jo")
  return "^" .. pattern
end

local function args_match(rule, args)
  for name, expected in pairs(rule.querystring_parameters or {}) do
    local value = args[name]
    if value == nil then return false end
    if not ngx.re.find(expected, [[\{[\w-]+\}]], "jo") then
      if type(value) == "table" then value = value[#value] end
      if value ~= expected then return false end
    end
  end
  return true
end

local function usage_of(rules, method, path, args, defect)
  local totals, order = {}, {}
  for _, rule in ipairs(rules or {}) do
    local m = rule.http_method
    if (m == "ANY" or m == method) and args_match(rule, args) then
      local from = ngx.re.find(path, regexpify(rule.pattern), "jo")
      if from then
        local metric = rule.metric_system_name
        if totals[metric] == nil then order[#order + 1] = metric end
        totals[metric] = (totals[metric] or 0) + (tonumber(rule.delta) or 0)
        if rule.last or defect == "first_rule_only" then break end
      end
    end
  end
  local usage, empty = {}, true
  for _, metric in ipairs(order) do
    if totals[metric] > 0 then
      usage[metric] = totals[metric]
      empty = false
    end
  end
  return usage, empty
end

-- One synchronous GET to the backend. Returns status (0: no answer) and
-- the response headers, lower-cased.
local function backend_get(endpoint, target)
  local host, port = endpoint:match("^http://([^:/]+):?(%d*)")
  if not host then return 0, {} end
  port = tonumber(port) or 80
  local sock = ngx.socket.tcp()
  sock:settimeouts(5000, 5000, 10000)
  local ok = sock:connect(host, port)
  if not ok then return 0, {} end
  local request = "GET " .. target .. " HTTP/1.1\r\nHost: " .. host ..
                  "\r\n3scale-options: " .. OPTIONS ..
                  "\r\nUser-Agent: scalecheck-nginx-gateway\r\nConnection: close\r\n\r\n"
  if not sock:send(request) then sock:close() return 0, {} end
  local line = sock:receive("*l")
  local status = line and tonumber(line:match("^HTTP/%d%.%d (%d%d%d)")) or 0
  local headers = {}
  while true do
    local h = sock:receive("*l")
    if not h or h == "" then break end
    local name, value = h:match("^([^:]+):%s*(.-)%s*$")
    if name then headers[name:lower()] = value end
  end
  sock:close()
  return status, headers
end

function _M.access()
  local config, err = read_config(ngx.var.scalecheck_config)
  if not config then
    ngx.log(ngx.ERR, "cannot read the configuration: ", err)
    return answer(500, "text/plain", "configuration unreadable")
  end
  local service = find_service(config, ngx.var.host)
  if not service then return answer(404, nil, "") end
  local proxy = service.proxy or {}
  local method = ngx.req.get_method()
  local bodyargs = body_args(method)
  local creds = credentials(service, method, bodyargs)
  if not creds then return error_answer(proxy, "auth_missing") end

  local args = ngx.req.get_uri_args(100)
  for name, value in pairs(bodyargs) do args[name] = value end
  local usage, empty = usage_of(proxy.proxy_rules, method, escape_uri(ngx.var.uri), args,
                                ngx.var.scalecheck_defect)
  if empty then return error_answer(proxy, "no_match") end

  local params = { service_id = tostring(service.id) }
  local auth_type = service.backend_authentication_type
  if auth_type and auth_type ~= cjson.null then
    params[auth_type] = service.backend_authentication_value
  end
  for metric, delta in pairs(usage) do params["usage[" .. metric .. "]"] = delta end
  for _, pair in ipairs(creds) do params[pair[1]] = pair[2] end
  local backend = proxy.backend and proxy.backend.endpoint or "http://127.0.0.1:8081"
  local status, headers = backend_get(backend, "/transactions/authrep.xml?" ..
                                      ngx.encode_args(params))

  if status == 200 then
    local upstream = proxy.api_backend
    if upstream == nil or upstream == cjson.null or upstream == "" then
      return answer(404, nil, "")
    end
    ngx.var.scalecheck_upstream = upstream
    return  -- On to proxy_pass.
  end
  if status == 409 and headers["3scale-rejection-reason"] == "limits_exceeded" and
     headers["3scale-limit-max-value"] ~= "0" then
    local extra = {}
    if headers["3scale-limit-reset"] then extra["Retry-After"] = headers["3scale-limit-reset"] end
    return error_answer(proxy, "limits_exceeded", extra)
  end
  return error_answer(proxy, "auth_failed")
end

return _M
