#pragma once
// Private to orm/: the ODB-backed Database and the transaction/error helpers every repository
// uses. Compiled as C++14 only: libodb 2.4 headers use dynamic exception specifications, which C++17 removed.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <odb/database.hxx>
#include <odb/exceptions.hxx>
#include <odb/prepared-query.hxx>
#include <odb/query.hxx>
#include <odb/transaction.hxx>

#include "base/log.hpp"
#include "base/status.hpp"
#include "orm/database.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

/// The concrete Database: owns the odb::database (connection pool).
class OdbDatabase final : public Database {
 public:
  OdbDatabase(std::unique_ptr<odb::database> db, std::string engine, std::int64_t version)
      : db_(std::move(db)), engine_(std::move(engine)), version_(version) {}

  const std::string& engine() const override { return engine_; }
  std::int64_t schema_version() const override { return version_; }
  Status Ping() override;

  odb::database& db() { return *db_; }
  bool is_sqlite() const { return engine_ == "sqlite"; }
  /// Begins a write transaction. On SQLite this is BEGIN IMMEDIATE, so concurrent writers queue
  /// on the write lock (busy timeout) instead of failing when a read lock is upgraded.
  odb::transaction_impl* BeginWrite();
  /// Begins a read of one statement in autocommit (no BEGIN, no COMMIT); see RunSingleRead.
  odb::transaction_impl* BeginSingleRead();

 private:
  std::unique_ptr<odb::database> db_;
  std::string engine_;
  std::int64_t version_;
};

/// The OdbDatabase behind a Database (every Database in this build is one).
OdbDatabase& Unwrap(Database& db);

/// Maps an ODB exception to a Status (unique violations -> AlreadyExists, stale object ->
/// Aborted, connection trouble -> Unavailable, the rest -> Internal).
Status StatusFromOdb(const odb::exception& e);

enum class TransactionKind { kRead, kWrite, kSingleRead };

/// Runs `fn(odb::database&) -> Status` in one transaction of `kind`; commits when it returns OK,
/// rolls back otherwise. Recoverable database errors (busy, deadlock, lost connection) are
/// retried a few times with backoff.

template <typename Fn>
Status RunTransactionOf(OdbDatabase& db, TransactionKind kind, Fn&& fn) {
  const int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    try {
      odb::transaction t(kind == TransactionKind::kWrite        ? db.BeginWrite()
                         : kind == TransactionKind::kSingleRead ? db.BeginSingleRead()
                                                                : db.db().begin());
      Status s = fn(db.db());
      if (s.ok()) {
        t.commit();
      } else {
        t.rollback();
      }
      return s;
    } catch (const odb::recoverable& e) {
      if (attempt >= kAttempts) return UnavailableError(std::string("database busy after retries: ") + e.what());
      log::Get("orm")->debug("retrying transaction after recoverable error attempt={} error={}", attempt,
                             e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
    } catch (const odb::exception& e) {
      return StatusFromOdb(e);
    }
  }
}

/// RunTransactionOf a write transaction when `write`, else a read transaction.
template <typename Fn>
Status RunTransaction(OdbDatabase& db, bool write, Fn&& fn) {
  return RunTransactionOf(db, write ? TransactionKind::kWrite : TransactionKind::kRead, std::forward<Fn>(fn));
}

/// Runs `fn`, which executes exactly one SELECT, in autocommit: the statement is its own
/// snapshot, and no BEGIN or COMMIT is sent (hot reads: job query, a job's rows, a worker's
/// token, the idempotency log). A read of several statements that must agree uses RunTransaction.
template <typename Fn>
Status RunSingleRead(OdbDatabase& db, Fn&& fn) {
  return RunTransactionOf(db, TransactionKind::kSingleRead, std::forward<Fn>(fn));
}

/// A find-then-update-or-persist write transaction. When a concurrent writer inserted the same
/// key between our find and our persist (AlreadyExists: two HA instances starting together, say),
/// it runs once more and then finds the row and updates it.
template <typename Fn>
Status RunUpsert(OdbDatabase& db, Fn&& fn) {
  Status s = RunTransaction(db, true, fn);
  if (s.code() == StatusCode::kAlreadyExists) s = RunTransaction(db, true, fn);
  return s;
}

/// A process-lifetime copy of `name` for a cached statement (ODB keeps the pointer), or nullptr
/// once 1024 names exist: a caller then runs its query once-off. Thread-safe.
const char* StatementName(const std::string& name);

/// Executes a query that each connection prepares once and keeps in its cache under `name`,
/// which must outlive the database (a literal or a static). `build(P&)` makes the query with its
/// parameters bound by reference to members of `P` (`odb::query<T>::_ref`); `fill(P&)` sets them
/// for this execution. Hot queries use it: SQLite spent more time parsing than running them.
/// Must run inside a transaction; the result is read there.
template <typename T, typename P, typename Build, typename Fill>
odb::result<T> ExecuteCached(odb::database& d, const char* name, Build&& build, Fill&& fill) {
  P* params = nullptr;
  odb::prepared_query<T> pq(d.lookup_query<T>(name, params));
  if (!pq) {
    std::unique_ptr<P> owned(new P());
    params = owned.get();
    pq = d.prepare_query<T>(name, build(*params));
    d.cache_query(pq, std::move(owned));
  }
  fill(*params);
  return pq.execute();
}

/// The parameter of a cached query keyed by one string (a job id, a token).
struct StringParam {
  std::string value;
};

/// Re-runs a read-modify-write `fn() -> Status` when it lost an optimistic race (Aborted).
template <typename Fn>
Status RetryOnAborted(Fn&& fn) {
  Status s;
  for (int attempt = 0; attempt < 5; ++attempt) {
    s = fn();
    if (s.code() != StatusCode::kAborted) return s;
  }
  return s;
}

/// `UPDATE <table> SET <column>='<to>', version=version+1, updated_ms=<now> [, start_ms=..]
/// [, end_ms=..] WHERE id=<id> AND <column>='<from>'`. Only numbers and whitelisted status
/// names are spliced in. Returns the number of rows changed (0 or 1).
unsigned long long ExecuteStatusCas(odb::database& db, const char* table, const char* column, std::uint64_t id,
                                    const char* from, const char* to, std::int64_t now_ms,
                                    const TransitionExtras& extras);

/// Upper bound for free-text columns (reasons): longer text is cut with a marker.
std::string Truncate(const std::string& text, std::size_t max_len = 4000);

}  // namespace orm
}  // namespace fedflow
