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

/// True when `s` is 1..`max_len` characters of [A-Za-z0-9_.-] (safe in paths, SQL literals, URLs).
bool IsSafeIdentifier(const std::string& s, std::size_t max_len = 128);

}  // namespace fedflow
