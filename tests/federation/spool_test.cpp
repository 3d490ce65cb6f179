// The federation spool on a real SQLite index: chunks stored once and in conflict, the quota
// error naming its key, waiting readers, release and job cleanup, and a reader racing the last
// chunk's commit (it must come back with the message's chunk count), and a chunk's file going as
// soon as its reader asks for the next one.

#define BOOST_TEST_MODULE ff_federation_test
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>

#include "base/clock.hpp"
#include "orm/database.hpp"
#include "orm/federation_repository.hpp"
#include "service/federation/spool.hpp"
#include "service/security/signing_key.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::federation;
namespace fs = std::filesystem;

namespace {

const char* kJob = "202612030000000000001";

/// An index that, once armed, commits a chunk between a reader's message read and chunk read: the
/// reader gets the message row from before the commit.
class RacingIndex final : public orm::FederationRepository {
 public:
  explicit RacingIndex(orm::FederationRepository& real) : real_(real) {}
  std::function<void()> before_stale_return;

  StatusOr<orm::FedMessageRow> GetOrCreate(const orm::FedMessageRow& row) override { return real_.GetOrCreate(row); }
  StatusOr<orm::FedMessageRow> Get(const std::string& key) override {
    auto row = real_.Get(key);
    if (before_stale_return) {
      auto commit = std::move(before_stale_return);
      before_stale_return = nullptr;
      commit();
    }
    return row;
  }
  StatusOr<orm::FedChunkRow> GetChunk(std::uint64_t id, std::int32_t seq) override { return real_.GetChunk(id, seq); }
  StatusOr<orm::ChunkOutcome> AddChunk(const orm::FedChunkRow& c, std::int32_t chunks, const std::string& digest,
                                       std::int64_t now) override {
    return real_.AddChunk(c, chunks, digest, now);
  }
  Status MarkTaken(std::uint64_t id, std::int64_t now) override { return real_.MarkTaken(id, now); }
  StatusOr<std::int64_t> PendingBytesOfJob(const std::string& job) override { return real_.PendingBytesOfJob(job); }
  StatusOr<std::vector<orm::FedMessageRow>> ListByJob(const std::string& job) override { return real_.ListByJob(job); }
  StatusOr<std::size_t> DeleteJob(const std::string& job) override { return real_.DeleteJob(job); }

 private:
  orm::FederationRepository& real_;
};

struct Fixture {
  std::string dir = testing::FreshDir("spool");
  std::unique_ptr<orm::Database> db;
  std::unique_ptr<orm::FederationRepository> real;
  std::unique_ptr<RacingIndex> index;
  std::unique_ptr<Spool> spool;

  explicit Fixture(std::int64_t quota = 1 << 20) {
    orm::DbConfig c;
    c.engine = "sqlite";
    c.sqlite_path = dir + "/fedflow.db";
    auto opened = orm::OpenDatabase(c);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    db = std::move(opened).value();
    real = orm::MakeFederationRepository(*db);
    index = std::make_unique<RacingIndex>(*real);
    spool = std::make_unique<Spool>(dir + "/federation", *index, SystemClock::Instance(), quota);
  }
};

MessageKey Key(const std::string& name = "x") { return MessageKey{kJob, "intersect_0", 0, name, "t", "guest", "9999", "host", "10000"}; }

ChunkInfo Chunk(std::int32_t seq, const std::string& bytes, std::int32_t chunks = 0, std::int64_t total = 0,
                const std::string& digest = "") {
  return ChunkInfo{seq, chunks, total, digest, security::Sha256Hex(bytes)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SpoolTest)

BOOST_AUTO_TEST_CASE(AReaderRacingTheLastChunkGetsItsMessagesChunkCount) {
  Fixture f;
  const std::string bytes = "only chunk";
  // The message exists (an earlier chunk's upsert) but its only chunk is not stored yet.
  orm::FedMessageRow row;
  row.message_key = Key().Digest();
  row.job_id = kJob;
  row.task_name = "intersect_0";
  row.name = "x";
  row.tag = "t";
  row.src_role = "guest";
  row.src_party_id = "9999";
  row.dst_role = "host";
  row.dst_party_id = "10000";
  BOOST_REQUIRE(f.real->GetOrCreate(row).ok());
  // While the reader holds the message row from before, the last chunk commits.
  f.index->before_stale_return = [&] {
    auto stored = f.spool->Store(Key(), Chunk(0, bytes, 1, static_cast<std::int64_t>(bytes.size()), security::Sha256Hex(bytes)), bytes);
    BOOST_REQUIRE_MESSAGE(stored.ok(), stored.status().ToString());
  };
  auto got = f.spool->Read(Key(), 0, 0);
  BOOST_REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  BOOST_TEST(got->bytes == bytes);
  BOOST_TEST(got->chunks == 1);  // 0 would make the receiver wait for a chunk 1 that never comes
  BOOST_TEST(got->digest == security::Sha256Hex(bytes));
}

BOOST_AUTO_TEST_CASE(ChunksAreStoredOnceConflictsAndQuotaAreRefused) {
  Fixture f(10);
  const std::string a = "12345";
  auto first = f.spool->Store(Key(), Chunk(0, a), a);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->stored);
  auto again = f.spool->Store(Key(), Chunk(0, a), a);
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(!again->stored);
  auto other = f.spool->Store(Key(), Chunk(0, "54321"), "54321");
  BOOST_TEST(other.status().code() == StatusCode::kAlreadyExists);
  // Another message that would pass the job's quota: wait (senders retry this one).
  auto full = f.spool->Store(Key("y"), Chunk(0, "123456"), "123456");
  BOOST_TEST(full.status().code() == StatusCode::kResourceExhausted);
  BOOST_TEST(full.status().message().find("federation.job_spool_quota_bytes") != std::string::npos);
  // A message that is itself larger than the quota can never fit: refused for good.
  auto too_large = f.spool->Store(Key(), Chunk(1, "123456"), "123456");
  BOOST_TEST(too_large.status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(too_large.status().message().find("larger than the spool quota of 10 bytes") != std::string::npos,
             too_large.status().message());
  BOOST_TEST(testing::CountFilesUnder(f.dir + "/federation") == 1u);
}

BOOST_AUTO_TEST_CASE(ReadersWaitReleaseAndForgetRemoveFiles) {
  Fixture f;
  auto missing = f.spool->Read(Key(), 0, 10);
  BOOST_TEST(missing.status().code() == StatusCode::kDeadlineExceeded);
  const std::string bytes = "abc";
  BOOST_REQUIRE(f.spool->Store(Key(), Chunk(0, bytes, 1, 3, security::Sha256Hex(bytes)), bytes).ok());
  BOOST_REQUIRE(f.spool->Store(Key("y"), Chunk(0, bytes), bytes).ok());
  BOOST_REQUIRE(f.spool->Read(Key(), 0, 0).ok());
  BOOST_REQUIRE(f.spool->Release(Key()).ok());
  BOOST_TEST(f.spool->Read(Key(), 0, 0).status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(f.spool->Release(Key("y")).code() == StatusCode::kFailedPrecondition);  // not complete
  BOOST_TEST(testing::CountFilesUnder(f.dir + "/federation") == 1u);
  BOOST_REQUIRE(f.spool->ForgetJob(kJob).ok());
  BOOST_TEST(testing::CountFilesUnder(f.dir + "/federation") == 0u);
  BOOST_TEST(f.real->ListByJob(kJob)->empty());
}

BOOST_AUTO_TEST_CASE(AChunksFileGoesWhenItsReaderAsksForTheNextOne) {
  Fixture f;
  const std::string first = "first", second = "second";
  BOOST_REQUIRE(f.spool->Store(Key(), Chunk(0, first), first).ok());
  BOOST_REQUIRE(f.spool->Store(Key(), Chunk(1, second, 2, 11, security::Sha256Hex("x")), second).ok());
  BOOST_TEST(testing::CountFilesUnder(f.dir + "/federation") == 2u);
  // Asking for chunk 0 again (a lost answer) still finds it.
  BOOST_TEST(f.spool->Read(Key(), 0, 0)->bytes == first);
  BOOST_TEST(f.spool->Read(Key(), 0, 0)->bytes == first);
  BOOST_TEST(testing::CountFilesUnder(f.dir + "/federation") == 2u);
  // Asking for chunk 1 says chunk 0 is at the receiver: its file goes, its row stays.
  BOOST_TEST(f.spool->Read(Key(), 1, 0)->bytes == second);
  BOOST_TEST(testing::CountFilesUnder(f.dir + "/federation") == 1u);
  auto retry = f.spool->Store(Key(), Chunk(0, first), first);
  BOOST_REQUIRE(retry.ok());
  BOOST_TEST(!retry->stored);
  BOOST_TEST(testing::CountFilesUnder(f.dir + "/federation") == 1u);  // not written again
  auto conflict = f.spool->Store(Key(), Chunk(0, "other"), "other");
  BOOST_TEST(conflict.status().code() == StatusCode::kAlreadyExists);
}

BOOST_AUTO_TEST_SUITE_END()
