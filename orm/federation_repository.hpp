#pragma once
// The federation data plane's index of messages received at this party (ff_federation_message)
// and their stored chunks (ff_federation_chunk); the bytes themselves are files in the spool.
// ODB-free, C++14-clean.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// What recording one chunk changed.
struct ChunkOutcome {
  bool recorded = false;  ///< false: this chunk was recorded before with the same digest (a retry)
  bool complete = false;  ///< the message now has every chunk
};

/// Thread-safe.
class FederationRepository {
 public:
  virtual ~FederationRepository() = default;
  /// The message with `row.message_key`, created from `row` (state "receiving") when absent.
  virtual StatusOr<FedMessageRow> GetOrCreate(const FedMessageRow& row) = 0;
  /// NotFound when absent.
  virtual StatusOr<FedMessageRow> Get(const std::string& message_key) = 0;
  /// NotFound when the chunk has not been recorded.
  virtual StatusOr<FedChunkRow> GetChunk(std::uint64_t message_id, std::int32_t seq) = 0;
  /// Records a chunk (its file is in place) and adds it to the message's counts, in one
  /// transaction; a final chunk (`final_chunks` > 0) also sets the message's chunk count and
  /// digest. The message becomes "complete" when it has them all. A chunk recorded before with
  /// the same digest changes nothing; with another digest it is AlreadyExists.
  virtual StatusOr<ChunkOutcome> AddChunk(const FedChunkRow& chunk, std::int32_t final_chunks,
                                          const std::string& final_digest, std::int64_t now_ms) = 0;
  /// Marks a complete message taken by its receiver.
  virtual Status MarkTaken(std::uint64_t message_id, std::int64_t now_ms) = 0;
  /// Bytes of the job's messages stored here and not yet taken.
  virtual StatusOr<std::int64_t> PendingBytesOfJob(const std::string& job_id) = 0;
  virtual StatusOr<std::vector<FedMessageRow>> ListByJob(const std::string& job_id) = 0;
  /// Forgets every message and chunk of the job; answers how many messages.
  virtual StatusOr<std::size_t> DeleteJob(const std::string& job_id) = 0;
};

std::unique_ptr<FederationRepository> MakeFederationRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
