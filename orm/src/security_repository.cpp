// OdbNonceRepository and OdbPermissionRepository.

#include "orm/security_repository.hpp"

#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::NonceRecord;
using records::PermissionRecord;
using NonceQ = odb::query<NonceRecord>;
using PermQ = odb::query<PermissionRecord>;

class OdbNonceRepository final : public NonceRepository {
 public:
  explicit OdbNonceRepository(OdbDatabase& db) : db_(db) {}

  StatusOr<bool> Remember(const std::string& sender, const std::string& nonce, std::int64_t expires_ms) override {
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      NonceRecord r;
      r.sender = sender;
      r.nonce = nonce;
      r.expires_ms = expires_ms;
      d.persist(r);
      return Status::OK();
    });
    if (s.code() == StatusCode::kAlreadyExists) return false;
    if (!s.ok()) return s;
    return true;
  }

  StatusOr<std::size_t> Purge(std::int64_t now_ms) override {
    std::size_t n = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      n = static_cast<std::size_t>(d.erase_query<NonceRecord>(NonceQ::expires_ms < now_ms));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return n;
  }

 private:
  OdbDatabase& db_;
};

PermQ KeyOf(const PermissionRow& row) {
  return PermQ::party_id == row.party_id && PermQ::role == row.role && PermQ::kind == row.kind &&
         PermQ::value == row.value;
}

class OdbPermissionRepository final : public PermissionRepository {
 public:
  explicit OdbPermissionRepository(OdbDatabase& db) : db_(db) {}

  StatusOr<std::size_t> Grant(const std::vector<PermissionRow>& rows) override {
    std::size_t added = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      added = 0;
      for (const PermissionRow& row : rows) {
        std::unique_ptr<PermissionRecord> existing(d.query_one<PermissionRecord>(KeyOf(row)));
        if (existing) continue;
        PermissionRecord r = ToRecord(row);
        d.persist(r);
        ++added;
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
    return added;
  }

  StatusOr<std::size_t> Revoke(const std::vector<PermissionRow>& rows) override {
    std::size_t removed = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      removed = 0;
      for (const PermissionRow& row : rows) removed += static_cast<std::size_t>(d.erase_query<PermissionRecord>(KeyOf(row)));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return removed;
  }

  StatusOr<std::vector<PermissionRow>> List(const std::string& party_id) override {
    std::vector<PermissionRow> out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      const PermQ order = "ORDER BY" + PermQ::party_id + "," + PermQ::role + "," + PermQ::kind + "," + PermQ::value;
      odb::result<PermissionRecord> r(party_id.empty() ? d.query<PermissionRecord>(order)
                                                       : d.query<PermissionRecord>(PermQ(PermQ::party_id == party_id) + order));
      for (const PermissionRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

 private:
  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<NonceRepository> MakeNonceRepository(Database& db) {
  return std::unique_ptr<NonceRepository>(new OdbNonceRepository(Unwrap(db)));
}

std::unique_ptr<PermissionRepository> MakePermissionRepository(Database& db) {
  return std::unique_ptr<PermissionRepository>(new OdbPermissionRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
