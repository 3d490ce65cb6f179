#pragma once
// Work spread over threads for the batched cryptography (PSI, Paillier).

#include <cstddef>
#include <functional>

#include "base/status.hpp"

namespace fedflow::crypto {

/// The cores of this machine (at least 1).
int HardwareThreads();

/// Runs fn(i) for every i in [0, n) on up to `threads` threads, taking `grain` indexes at a time;
/// the first error wins and stops the rest.
Status ParallelFor(std::size_t n, int threads, const std::function<Status(std::size_t)>& fn, std::size_t grain = 256);

}  // namespace fedflow::crypto
