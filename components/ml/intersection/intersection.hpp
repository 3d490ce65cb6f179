#pragma once
// The Intersection module (FATE 1.x parameters): the task's guest and hosts find their common ids
// with RSA- or ECDH-PSI over the federation; each party that learns the common ids outputs its
// rows of them, and the count is logged as FATE's INTERSECTION metric (train/intersection).

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::ml {

Status RunIntersection(worker::WorkerSession& session);

}  // namespace fedflow::ml
