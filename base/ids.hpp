#pragma once
// Identifier generation and validation shared by every layer.

#include <cstddef>
#include <cstdint>
#include <string>

namespace fedflow {

/// FATE-style job id: local time `YYYYMMDDhhmmssffffff` followed by a per-process counter digit
/// block, so ids sort by submission time. `now_ms` is wall-clock milliseconds.
std::string NewJobId(std::int64_t now_ms);

/// `n` random bytes from the OS, hex-encoded (2n characters). For tokens and nonces.
std::string RandomHex(std::size_t n_bytes);

/// True when `s` is a name safe in paths, SQL literals and URLs: 1..`max_len` characters of
/// [A-Za-z0-9_.-], not starting with '.', and without "..". Every name a request can put into a
/// file path (job, role, party, task, output, table) passes this check first.
bool IsSafeIdentifier(const std::string& s, std::size_t max_len = 128);

/// True when `s` has the form of a job id: 16..32 digits (fedflow's and FATE's ids are
/// `YYYYMMDDhhmmss` followed by sub-second digits). Anything else is refused wherever a job id
/// arrives, so a job id can never name a server file ("fedflow", "..").
bool IsJobId(const std::string& s);

}  // namespace fedflow
