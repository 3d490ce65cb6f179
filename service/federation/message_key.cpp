#include "service/federation/message_key.hpp"

#include <cstdlib>

#include "base/ids.hpp"
#include "service/dsl/plan_context.hpp"
#include "service/security/signing_key.hpp"

namespace fedflow::federation {

namespace {

Status Bad(const std::string& field, const std::string& rule) {
  return InvalidArgumentError("federation message: '" + field + "' " + rule);
}

/// Decimal integer in [min, max]; InvalidArgument naming the field otherwise.
Status ParseInt(const std::map<std::string, std::string>& q, const char* field, std::int64_t min, std::int64_t max,
                std::int64_t* out) {
  auto it = q.find(field);
  if (it == q.end() || it->second.empty() || it->second.size() > 19) return Bad(field, "is missing or not a number");
  for (char c : it->second) {
    if (c < '0' || c > '9') return Bad(field, "must be a non-negative integer");
  }
  std::int64_t v = std::strtoll(it->second.c_str(), nullptr, 10);
  if (v < min || v > max) {
    return Bad(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  *out = v;
  return Status::OK();
}

std::string Field(const std::map<std::string, std::string>& q, const char* field) {
  auto it = q.find(field);
  return it == q.end() ? "" : it->second;
}

}  // namespace

bool IsSha256Hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status MessageKey::Check() const {
  if (!IsJobId(job_id)) return Bad("job_id", "is not a job id");
  if (!dsl::IsTaskName(task_name)) return Bad("task_name", "must be 1-100 letters, digits, _ or -");
  if (attempt < 0 || attempt > 10000) return Bad("attempt", "must be between 0 and 10000");
  if (!IsSafeIdentifier(name, 128)) return Bad("name", "must be 1-128 letters, digits, _ . - (not starting with '.')");
  if (!IsSafeIdentifier(tag, 255)) return Bad("tag", "must be 1-255 letters, digits, _ . - (not starting with '.')");
  if (!dsl::IsKnownRole(src_role)) return Bad("src_role", "must be guest, host, arbiter or local");
  if (!dsl::IsKnownRole(dst_role)) return Bad("dst_role", "must be guest, host, arbiter or local");
  if (!IsSafeIdentifier(src_party_id, 64)) return Bad("src_party_id", "is not a party id");
  if (!IsSafeIdentifier(dst_party_id, 64)) return Bad("dst_party_id", "is not a party id");
  if (src_role == dst_role && src_party_id == dst_party_id) return Bad("dst_party_id", "is the sender itself");
  return Status::OK();
}

std::string MessageKey::Digest() const {
  std::string text;
  for (const std::string* f : {&job_id, &task_name, &name, &tag, &src_role, &src_party_id, &dst_role, &dst_party_id}) {
    text += std::to_string(f->size()) + ":" + *f + ";";
  }
  text += std::to_string(attempt);
  return security::Sha256Hex(text);
}

std::string MessageKey::Describe() const {
  return name + " " + tag + " " + src_role + ":" + src_party_id + " -> " + dst_role + ":" + dst_party_id;
}

Status ChunkInfo::Check() const {
  if (seq < 0 || seq >= kMaxChunks) return Bad("seq", "must be between 0 and " + std::to_string(kMaxChunks - 1));
  if (chunks < 0 || chunks > kMaxChunks) return Bad("chunks", "must be between 0 and " + std::to_string(kMaxChunks));
  if (chunks > 0 && seq != chunks - 1) return Bad("chunks", "is given only with the last chunk (seq = chunks - 1)");
  if (chunks > 0 && !IsSha256Hex(digest)) return Bad("digest", "must be the object's digest (SHA-256 of its chunk digests) in lower-case hex");
  if (total_bytes < 0) return Bad("total_bytes", "must not be negative");
  if (!IsSha256Hex(chunk_digest)) return Bad("chunk_digest", "must be the chunk's SHA-256 in lower-case hex");
  return Status::OK();
}

std::map<std::string, std::string> ToQuery(const MessageKey& key, const ChunkInfo& chunk) {
  std::map<std::string, std::string> q{{"job_id", key.job_id},
                                       {"task_name", key.task_name},
                                       {"attempt", std::to_string(key.attempt)},
                                       {"name", key.name},
                                       {"tag", key.tag},
                                       {"src_role", key.src_role},
                                       {"src_party_id", key.src_party_id},
                                       {"dst_role", key.dst_role},
                                       {"dst_party_id", key.dst_party_id},
                                       {"seq", std::to_string(chunk.seq)},
                                       {"chunk_digest", chunk.chunk_digest}};
  if (chunk.last()) {
    q["chunks"] = std::to_string(chunk.chunks);
    q["total_bytes"] = std::to_string(chunk.total_bytes);
    q["digest"] = chunk.digest;
  }
  return q;
}

Status FromQuery(const std::map<std::string, std::string>& q, MessageKey* key, ChunkInfo* chunk) {
  key->job_id = Field(q, "job_id");
  key->task_name = Field(q, "task_name");
  std::int64_t attempt = 0, seq = 0, chunks = 0, total = 0;
  FEDFLOW_RETURN_IF_ERROR(ParseInt(q, "attempt", 0, 10000, &attempt));
  key->attempt = static_cast<std::int32_t>(attempt);
  key->name = Field(q, "name");
  key->tag = Field(q, "tag");
  key->src_role = Field(q, "src_role");
  key->src_party_id = Field(q, "src_party_id");
  key->dst_role = Field(q, "dst_role");
  key->dst_party_id = Field(q, "dst_party_id");
  FEDFLOW_RETURN_IF_ERROR(key->Check());
  FEDFLOW_RETURN_IF_ERROR(ParseInt(q, "seq", 0, kMaxChunks - 1, &seq));
  chunk->seq = static_cast<std::int32_t>(seq);
  if (q.count("chunks")) {
    FEDFLOW_RETURN_IF_ERROR(ParseInt(q, "chunks", 1, kMaxChunks, &chunks));
    FEDFLOW_RETURN_IF_ERROR(ParseInt(q, "total_bytes", 0, INT64_MAX, &total));
    chunk->digest = Field(q, "digest");
  }
  chunk->chunks = static_cast<std::int32_t>(chunks);
  chunk->total_bytes = total;
  chunk->chunk_digest = Field(q, "chunk_digest");
  return chunk->Check();
}

}  // namespace fedflow::federation
