// mock_backend/control_api.h
//
// The control API under /__scalecheck (what apisonator lacks): the clock,
// reset, flush of delayed reports, the state export, the journal and the
// fault rules; its routes are listed in mock_server.h and README.md. JSON in
// and out; unknown operations get 404 with a JSON error. Thread-safe.
#pragma once

#include <functional>

#include "core/clock.h"
#include "core/http_message.h"
#include "mock_backend/backend_state.h"
#include "mock_backend/faults.h"
#include "mock_backend/journal.h"

namespace scalecheck::mock_backend {

class ControlApi {
 public:
  // Everything passed must outlive this object. `flush` applies every
  // queued report now.
  ControlApi(BackendState& state, core::VirtualClock& clock, Journal& journal,
             FaultSet& faults, std::function<void()> flush);

  core::HttpResponse Handle(const core::HttpRequest& request);

 private:
  BackendState& state_;
  core::VirtualClock& clock_;
  Journal& journal_;
  FaultSet& faults_;
  std::function<void()> flush_;
};

}  // namespace scalecheck::mock_backend
