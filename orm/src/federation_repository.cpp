// OdbFederationRepository.

#include "orm/federation_repository.hpp"

#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::FedChunkRecord;
using records::FedMessageRecord;
using MsgQ = odb::query<FedMessageRecord>;
using ChunkQ = odb::query<FedChunkRecord>;

class OdbFederationRepository final : public FederationRepository {
 public:
  explicit OdbFederationRepository(OdbDatabase& db) : db_(db) {}

  StatusOr<FedMessageRow> GetOrCreate(const FedMessageRow& row) override {
    FedMessageRow out;
    auto once = [&](odb::database& d) {
      std::unique_ptr<FedMessageRecord> r(d.query_one<FedMessageRecord>(MsgQ::message_key == row.message_key));
      if (r) {
        out = ToRow(*r);
        return Status::OK();
      }
      FedMessageRecord fresh = ToRecord(row);
      fresh.id = 0;
      fresh.state = "receiving";
      d.persist(fresh);
      out = ToRow(fresh);
      return Status::OK();
    };
    // Two chunks of a new message may arrive together: the loser of the insert reads the winner's row.
    Status s = RunUpsert(db_, once);
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<FedMessageRow> Get(const std::string& message_key) override {
    FedMessageRow out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      std::unique_ptr<FedMessageRecord> r(d.query_one<FedMessageRecord>(MsgQ::message_key == message_key));
      if (!r) return NotFoundError("no message " + message_key);
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<FedChunkRow> GetChunk(std::uint64_t message_id, std::int32_t seq) override {
    FedChunkRow out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      std::unique_ptr<FedChunkRecord> r(
          d.query_one<FedChunkRecord>(ChunkQ::message_id == message_id && ChunkQ::seq == seq));
      if (!r) return NotFoundError("chunk " + std::to_string(seq) + " not received yet");
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<ChunkOutcome> AddChunk(const FedChunkRow& chunk, std::int32_t final_chunks, const std::string& final_digest,
                                  std::int64_t now_ms) override {
    ChunkOutcome outcome;
    Status s = RunTransaction(db_, true, [&](odb::database& d) -> Status {
      outcome = ChunkOutcome();
      std::unique_ptr<FedChunkRecord> seen(
          d.query_one<FedChunkRecord>(ChunkQ::message_id == chunk.message_id && ChunkQ::seq == chunk.seq));
      if (seen) {
        if (seen->digest != chunk.digest) {
          return AlreadyExistsError("chunk " + std::to_string(chunk.seq) + " of this message was received before " +
                                    "with other bytes");
        }
        return Status::OK();
      }
      FedChunkRecord r = ToRecord(chunk);
      r.id = 0;
      r.created_ms = now_ms;
      d.persist(r);
      const std::string id = std::to_string(chunk.message_id);
      // Counters by increment in SQL: chunks of one message are recorded concurrently.
      d.execute("UPDATE ff_federation_message SET received_chunks = received_chunks + 1, received_bytes = "
                "received_bytes + " + std::to_string(chunk.bytes) + ", updated_ms = " + std::to_string(now_ms) +
                " WHERE id = " + id);
      if (final_chunks > 0) {
        std::unique_ptr<FedMessageRecord> m(d.load<FedMessageRecord>(chunk.message_id));
        if (m->chunks != 0 && (m->chunks != final_chunks || m->digest != final_digest)) {
          return AlreadyExistsError("this message was announced before with another size or digest");
        }
        m->chunks = final_chunks;
        m->digest = final_digest;
        d.update(*m);
      }
      unsigned long long done = d.execute(
          "UPDATE ff_federation_message SET state = 'complete' WHERE id = " + id +
          " AND state = 'receiving' AND chunks > 0 AND received_chunks = chunks");
      outcome.recorded = true;
      outcome.complete = done == 1;
      return Status::OK();
    });
    if (!s.ok()) return s;
    return outcome;
  }

  Status MarkTaken(std::uint64_t message_id, std::int64_t now_ms) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.execute("UPDATE ff_federation_message SET state = 'taken', updated_ms = " + std::to_string(now_ms) +
                " WHERE id = " + std::to_string(message_id) + " AND state = 'complete'");
      return Status::OK();
    });
  }

  StatusOr<std::int64_t> PendingBytesOfJob(const std::string& job_id) override {
    std::int64_t total = 0;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<records::FedPendingBytesView> r(d.query<records::FedPendingBytesView>(
          odb::query<records::FedPendingBytesView>::job_id == job_id &&
          odb::query<records::FedPendingBytesView>::state != std::string("taken")));
      for (const auto& v : r) total = v.bytes;
      return Status::OK();
    });
    if (!s.ok()) return s;
    return total;
  }

  StatusOr<std::vector<FedMessageRow>> ListByJob(const std::string& job_id) override {
    std::vector<FedMessageRow> out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<FedMessageRecord> r(d.query<FedMessageRecord>((MsgQ::job_id == job_id) + "ORDER BY" + MsgQ::id));
      for (const FedMessageRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::size_t> DeleteJob(const std::string& job_id) override {
    std::size_t n = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      std::vector<std::uint64_t> ids;
      odb::result<FedMessageRecord> r(d.query<FedMessageRecord>(MsgQ::job_id == job_id));
      for (const FedMessageRecord& rec : r) ids.push_back(rec.id);
      for (std::uint64_t id : ids) d.erase_query<FedChunkRecord>(ChunkQ::message_id == id);
      n = static_cast<std::size_t>(d.erase_query<FedMessageRecord>(MsgQ::job_id == job_id));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return n;
  }

 private:
  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<FederationRepository> MakeFederationRepository(Database& db) {
  return std::unique_ptr<FederationRepository>(new OdbFederationRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
