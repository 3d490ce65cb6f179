#pragma once
// The messages other parties sent to workers here, until the workers take them: each chunk is a
// file under <dir>/<job_id>/<message key>/<seq>, recorded in the database once it is in place,
// so a restart (or kill -9) loses nothing that was acknowledged. Receivers wait for a chunk with
// a timeout (long-poll); a stored chunk wakes them. Bytes are never held beyond one chunk.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "orm/federation_repository.hpp"
#include "service/federation/message_key.hpp"

namespace fedflow::federation {

/// A chunk handed to its receiver, with what is known of its message.
struct StoredChunk {
  std::string bytes;
  std::int32_t chunks = 0;       ///< the message's chunk count (0 until its last chunk arrived)
  std::int64_t total_bytes = 0;  ///< with `chunks`
  std::string digest;            ///< of the whole object, with `chunks`
  std::string chunk_digest;
};

/// What storing a chunk changed.
struct StoreOutcome {
  bool stored = false;    ///< false: the same chunk was stored before (a retry)
  bool complete = false;  ///< this chunk completed the message
};

/// Thread-safe.
class Spool final {
 public:
  /// `job_quota_bytes`: most bytes one job's untaken messages may hold here.
  Spool(std::string dir, orm::FederationRepository& index, const Clock& clock, std::int64_t job_quota_bytes);

  /// Stores one chunk of `key`'s message; the same chunk again is a no-op. AlreadyExists for other
  /// bytes under a chunk already stored; ResourceExhausted when the job's quota would be exceeded.
  StatusOr<StoreOutcome> Store(const MessageKey& key, const ChunkInfo& chunk, const std::string& bytes);
  /// Chunk `seq` of `key`'s message, waiting up to `wait_ms` for it; DeadlineExceeded when it has
  /// not arrived by then (the receiver asks again); FailedPrecondition once the message was taken.
  /// A receiver reads in order, so asking for `seq` says it holds `seq - 1`: that file goes now
  /// (the spool's pages are reused while a large message streams through, not grown by its size).
  StatusOr<StoredChunk> Read(const MessageKey& key, std::int32_t seq, std::int64_t wait_ms);
  /// The receiver has the whole message: its files go; its rows stay, so late retries of its
  /// chunks are still recognised.
  Status Release(const MessageKey& key);
  /// Deletes every message of the job (it ended or was cleaned here).
  Status ForgetJob(const std::string& job_id);
  /// Wakes every waiting reader (the server is stopping); later reads do not wait.
  void Shutdown();

  const std::string& dir() const { return dir_; }
  std::int64_t job_quota_bytes() const { return quota_; }

 private:
  std::string MessageDir(const MessageKey& key) const;
  Status WriteChunkFile(const std::string& path, const std::string& bytes) const;
  /// Chunk `seq` of `key` is at its receiver: its file goes, and a late retry does not write it again.
  void DropConsumedChunk(const MessageKey& key, std::int32_t seq);
  /// Whether chunk `seq` of the message in `dir` was dropped as consumed (since this process started).
  bool Consumed(const std::string& dir, std::int32_t seq);

  const std::string dir_;
  orm::FederationRepository& index_;
  const Clock& clock_;
  const std::int64_t quota_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::uint64_t arrivals_ = 0;  ///< bumped by every stored chunk (guarded by mutex_)
  /// Message directory -> the chunks below this seq are at the receiver (guarded by mutex_).
  std::map<std::string, std::int32_t> consumed_below_;
  bool shutdown_ = false;
};

}  // namespace fedflow::federation
