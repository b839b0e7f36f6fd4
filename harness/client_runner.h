// harness/client_runner.h
//
// Runs a scenario through a client library (the "client command" target of
// DESIGN.md): the embedded mock is the backend, seeded and clocked as
// runner.h does it, and each call step goes to the client's adapter as a
// command instead of to the backend as a request. For every call the
// reference model answers the request a conformant client sends for it
// (request_builder.h), and two things are checked: (a) what the client made
// of the answer (its result: ok, status, error code, reason, plan, usage
// reports) against the model and the step's expect, and (b) through the
// mock's journal, what the client actually sent: one request to the right
// endpoint with the right parameters and 3scale-options. Raw steps, and calls
// no client command can express (extra `params`), make the case a skip.
// Not thread-safe.
#pragma once

#include <vector>

#include "core/clock.h"
#include "core/http_message.h"
#include "core/status.h"
#include "harness/backend_queries.h"
#include "harness/client_adapter.h"
#include "harness/known_deviations.h"
#include "harness/response_check.h"
#include "harness/runner.h"
#include "harness/scenario.h"
#include "harness/target.h"
#include "reports/run_report.h"

namespace scalecheck::harness {

// Runs one scenario through `adapter` against `backend`, which must have the
// control API (the embedded mock: its journal is how (b) is checked; without
// it the case is an error). `options.seed` and `options.settle` are
// honoured; `options.compare` is not used (a client shows no bytes). Starts
// the adapter again first if it is not running. Never throws: an adapter
// that dies or hangs fails the step that was running (and ends the case);
// one that never answered any command at all, or a backend that cannot be
// reset, seeded or read, makes the case Verdict::kError. `deviations` is
// applied to the result (KnownDeviations::Apply). `clock` times the steps.
reports::CaseReport RunClientScenario(const Scenario& scenario,
                                      ClientAdapter& adapter, Target& backend,
                                      const KnownDeviations& deviations,
                                      const RunOptions& options,
                                      core::Clock& clock);

// The adapter command for a call of kind `kind` whose conformant request is
// `request` (BuildCallRequest()'s): its parameters and 3scale-options header
// mapped onto the protocol's fields. kInvalidArgument naming the parameter
// when one has no place in a command (e.g. a scenario's extra `params`), is
// not a plain value where one is needed, or is not UTF-8 (commands are JSON).
core::Result<ClientCommand> CommandForRequest(CallKind kind,
                                              const core::HttpRequest& request);

// (a): what the client made of an answer against the model's answer,
// `model` being SummarizeAnswer() of it. Differences have source "model".
std::vector<reports::Difference> CompareClientResult(
    const AnswerSummary& model, CallKind kind, const ClientResult& result);

// (a): the client's result against a step's explicit expectation: status,
// authorized, reason, error code and message, plan and usage reports.
// Nothing when the client threw (CompareClientResult() says so).
std::vector<reports::Difference> CheckClientExpectation(
    const Expectation& expect, CallKind kind, const ClientResult& result);

// (b): the requests the client sent for one call (the journal's public-API
// entries) against the conformant `request`: exactly one, to the endpoint of
// `kind`, with the same parameters (query and form body, parsed as apisonator
// parses them) and the same 3scale-options entries.
std::vector<reports::Difference> CompareSentRequests(
    CallKind kind, const core::HttpRequest& request,
    const std::vector<JournalRecord>& sent);

}  // namespace scalecheck::harness
