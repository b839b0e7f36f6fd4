#!/usr/bin/env node
// examples/clients/node/adapter.js
//
// The scalecheck client adapter for the npm package 3scale@0.7.6 (the
// protocol is ../../../../shared/spec/clients.md "The client adapter
// protocol"). Reads one JSON command per line on stdin, drives the client
// with it, and writes one JSON result per line on stdout:
//   {"ok":..,"http_status":..,"error_code":..,"reason":..,"error_message":..,
//    "plan":..,"usage_reports":[{metric,period,current_value,max_value,
//    period_start,period_end,exceeded}]}
// or {"exception":"what the client threw"}, or {"adapter_error":"..."} for a
// command this adapter cannot express. Commands run one at a time.
//
// Environment: SCALECHECK_BACKEND_URL (http://127.0.0.1:PORT, required);
// SCALECHECK_CLIENT_TIMEOUT_MS, the harness's per-command timeout: a client
// callback that has not come after half of it is answered as an exception,
// because 3scale@0.7.6 never calls back on some answers (see deviations.toml).
//
// What the adapter does for the client, and nothing more:
// - the package only speaks HTTPS (https.request, port 443 by default): its
//   https.request is replaced with http.request before the package loads, and
//   every Client gets the mock's host and port;
// - the package has no option for the 3scale-options header: the adapter puts
//   the command's extensions in the client instance's DEFAULT_HEADERS, the
//   headers the client sends with every request;
// - exceptions the client throws (synchronously, or later in its response
//   handlers, which would kill a plain Node process) become {"exception"};
// - stdout carries results only: console.log goes to stderr.
'use strict';

const http = require('http');
const https = require('https');
const readline = require('readline');

const backend = new URL(process.env.SCALECHECK_BACKEND_URL || '');
if (backend.protocol !== 'http:') {
  process.stderr.write('adapter: SCALECHECK_BACKEND_URL must be http://HOST:PORT\n');
  process.exit(2);
}
const timeoutMs = Number(process.env.SCALECHECK_CLIENT_TIMEOUT_MS || 5000);
const callbackWaitMs = Math.max(100, Math.floor(timeoutMs / 2));

// Plain HTTP for the client: same options, same callback.
https.request = (options, callback) => http.request(options, callback);

console.log = (...args) => console.error(...args);
// The constructor's deprecation warning for provider_key, once per command,
// says nothing the run needs.
const warn = console.warn;
console.warn = (...args) => {
  if (String(args[0]).startsWith('provider_key is deprecated')) return;
  warn(...args);
};

let Client;
try {
  Client = require('3scale').Client;
} catch (error) {
  process.stderr.write('adapter: cannot load the npm package 3scale (scripts/install-deps ' +
    'installs it): ' + String(error.message).split('\n')[0] + '\n');
  process.exit(1);
}

// The command being run: its finish() writes the one result line.
let current = null;

function write(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

function describe(error) {
  if (error instanceof Error) return error.message || String(error);
  return String(error);
}

// Exceptions thrown from the client's response handlers (it throws on a
// status it does not expect) and socket errors without a listener.
process.on('uncaughtException', (error) => {
  if (current) return current.finish({ exception: describe(error) });
  process.stderr.write('adapter: uncaught exception between commands: ' + describe(error) + '\n');
});
process.on('unhandledRejection', (error) => {
  if (current) return current.finish({ exception: describe(error) });
  process.stderr.write('adapter: unhandled rejection between commands: ' + describe(error) + '\n');
});

function text(value) {
  return value === undefined || value === null ? null : String(value);
}

// The client's Response / AuthorizeResponse as a protocol result.
function resultOf(response) {
  const status = response.status_code;
  const statusDocument = status === 200 || status === 409;
  const result = {
    ok: response.is_success(),
    http_status: status,
    error_code: text(response.error_code),
    // The client keeps <reason> and the <error> text in one field.
    reason: statusDocument ? text(response.error_message) : null,
    error_message: statusDocument ? null : text(response.error_message),
    plan: text(response.plan),
    usage_reports: [],
  };
  for (const report of response.usage_reports || []) {
    result.usage_reports.push({
      metric: text(report.metric),
      period: text(report.period),
      current_value: text(report.current_value),
      max_value: text(report.max_value),
      period_start: text(report.period_start),
      period_end: text(report.period_end),
      exceeded: report.is_exceeded(),
    });
  }
  return result;
}

const kOptionKeys = ['service_token', 'service_id', 'app_id', 'app_key', 'user_key',
  'referrer', 'redirect_url', 'redirect_uri', 'usage', 'log'];

function run(command, finish) {
  const clientOptions = { host: backend.hostname, port: Number(backend.port || 80) };
  const client = typeof command.provider_key === 'string'
    ? new Client(command.provider_key, clientOptions)
    : new Client(clientOptions);
  const extensions = command.extensions || {};
  if (Object.keys(extensions).length > 0) {
    const header = Object.entries(extensions)
      .map(([name, value]) => encodeURIComponent(name) + '=' + encodeURIComponent(value))
      .join('&');
    client.DEFAULT_HEADERS = Object.assign({}, client.DEFAULT_HEADERS, { '3scale-options': header });
  }
  const callback = (response) => finish(resultOf(response));
  const options = {};
  for (const key of kOptionKeys) {
    if (command[key] !== undefined && command[key] !== null) options[key] = command[key];
  }
  switch (command.op) {
    case 'authorize':
      if (options.app_id === undefined && options.user_key !== undefined) {
        return client.authorize_with_user_key(options, callback);
      }
      return client.authorize(options, callback);
    case 'authrep':
      if (options.app_id === undefined && options.user_key !== undefined) {
        return client.authrep_with_user_key(options, callback);
      }
      return client.authrep(options, callback);
    case 'oauth_authorize':
      return client.oauth_authorize(options, callback);
    case 'oauth_authrep':
      return client.oauth_authrep(options, callback);
    case 'report': {
      // As the client documents it: with a service token, the token goes in
      // every transaction.
      const transactions = (command.transactions || []).map((t) => {
        const transaction = {};
        if (typeof command.service_token === 'string') transaction.service_token = command.service_token;
        for (const key of ['app_id', 'user_key', 'usage', 'timestamp', 'log']) {
          if (t[key] !== undefined && t[key] !== null) transaction[key] = t[key];
        }
        return transaction;
      });
      if (typeof command.service_id === 'string') {
        return client.report(command.service_id, transactions, callback);
      }
      return client.report(transactions, callback);
    }
    default:
      return finish({ adapter_error: "unknown op '" + command.op + "'" });
  }
}

const queue = [];

function next() {
  if (current || queue.length === 0) return;
  const line = queue.shift();
  let done = false;
  let timer = null;
  const finish = (result) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    current = null;
    write(result);
    setImmediate(next);
  };
  current = { finish };
  let command;
  try {
    command = JSON.parse(line);
  } catch (error) {
    return finish({ adapter_error: 'invalid JSON command: ' + describe(error) });
  }
  if (command === null || typeof command !== 'object' || Array.isArray(command)) {
    return finish({ adapter_error: 'a command must be a JSON object' });
  }
  timer = setTimeout(() => finish({
    exception: 'no callback from the client within ' + callbackWaitMs + ' ms',
  }), callbackWaitMs);
  try {
    run(command, finish);
  } catch (error) {
    finish({ exception: describe(error) });
  }
}

const input = readline.createInterface({ input: process.stdin, terminal: false });
input.on('line', (line) => {
  if (line.trim() === '') return;
  queue.push(line);
  next();
});
input.on('close', () => {
  const exitWhenIdle = () => {
    if (current || queue.length > 0) return setTimeout(exitWhenIdle, 10);
    process.exit(0);
  };
  exitWhenIdle();
});
