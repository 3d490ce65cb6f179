#pragma once
// A federation message's identity: (job, task, attempt, name, tag, source role+party,
// destination role+party), as FATE's transfer variables name theirs. Every field is checked
// against a strict pattern before it is used, and the key's digest names the message in the
// database and its spool directory.

#include <cstdint>
#include <map>
#include <string>

#include "base/status.hpp"

namespace fedflow::federation {

struct MessageKey {
  std::string job_id;
  std::string task_name;
  std::int32_t attempt = 0;
  std::string name;  ///< the variable, e.g. "host_pubkey"
  std::string tag;   ///< e.g. "intersect_0.0" (FATE: <flowid>.<suffix...>)
  std::string src_role, src_party_id;
  std::string dst_role, dst_party_id;

  /// InvalidArgument naming the first field that is malformed.
  Status Check() const;
  /// Lower-case hex SHA-256 of the fields (unambiguous: each field is length-prefixed).
  std::string Digest() const;
  /// "name tag src_role:src_party -> dst_role:dst_party" for messages and logs.
  std::string Describe() const;
};

/// One chunk of a message: `seq` from 0; the last chunk carries `chunks` (their number) and
/// `digest` (of the whole object), the others 0 and "".
struct ChunkInfo {
  std::int32_t seq = 0;
  std::int32_t chunks = 0;
  std::int64_t total_bytes = 0;  ///< with the last chunk
  std::string digest;            ///< with the last chunk: SHA-256 hex of the object
  std::string chunk_digest;      ///< SHA-256 hex of this chunk's bytes
  bool last() const { return chunks > 0; }
  Status Check() const;
};

/// Most chunks a message may have; with 4 MiB chunks, 4 TB.
inline constexpr std::int32_t kMaxChunks = 1000000;

/// The query parameters of a partner push ("job_id", "task_name", ..., "seq", "chunks", ...).
std::map<std::string, std::string> ToQuery(const MessageKey& key, const ChunkInfo& chunk);
/// The key and chunk of a partner push; InvalidArgument naming a missing or malformed field.
Status FromQuery(const std::map<std::string, std::string>& query, MessageKey* key, ChunkInfo* chunk);

/// True for a lower-case hex SHA-256.
bool IsSha256Hex(const std::string& s);

}  // namespace fedflow::federation
