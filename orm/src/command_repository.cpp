// OdbCommandRepository and OdbProviderRepository.

#include "orm/command_repository.hpp"

#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::CommandRecord;
using records::ProviderRecord;
using CmdQ = odb::query<CommandRecord>;
using ProvQ = odb::query<ProviderRecord>;

class OdbCommandRepository final : public CommandRepository {
 public:
  explicit OdbCommandRepository(OdbDatabase& db) : db_(db) {}

  StatusOr<CommandRow> Get(const std::string& command_key) override {
    CommandRow out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      std::unique_ptr<CommandRecord> r(d.query_one<CommandRecord>(CmdQ::command_key == command_key));
      if (!r) return NotFoundError("command " + command_key + " not answered yet");
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  Status Put(const CommandRow& row) override {
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      CommandRecord r = ToRecord(row);
      d.persist(r);
      return Status::OK();
    });
    if (s.code() == StatusCode::kAlreadyExists) return Status::OK();
    return s;
  }

  StatusOr<std::size_t> DeleteOlderThan(std::int64_t before_ms) override {
    std::size_t n = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      n = static_cast<std::size_t>(d.erase_query<CommandRecord>(CmdQ::created_ms < before_ms));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return n;
  }

 private:
  OdbDatabase& db_;
};

class OdbProviderRepository final : public ProviderRepository {
 public:
  explicit OdbProviderRepository(OdbDatabase& db) : db_(db) {}

  Status Upsert(const ProviderRow& row) override {
    return RunUpsert(db_, [&](odb::database& d) {
      std::unique_ptr<ProviderRecord> existing(
          d.query_one<ProviderRecord>(ProvQ::name == row.name && ProvQ::version == row.version));
      ProviderRecord r = ToRecord(row);
      if (existing) {
        r.id = existing->id;
        d.update(r);
      } else {
        d.persist(r);
      }
      return Status::OK();
    });
  }

  StatusOr<std::vector<ProviderRow>> List() override {
    std::vector<ProviderRow> out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<ProviderRecord> r(d.query<ProviderRecord>("ORDER BY" + ProvQ::name + "," + ProvQ::version));
      for (const ProviderRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  Status Delete(const std::string& name, const std::string& version) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      if (d.erase_query<ProviderRecord>(ProvQ::name == name && ProvQ::version == version) == 0) {
        return NotFoundError("provider " + name + "@" + version + " is not registered");
      }
      return Status::OK();
    });
  }

 private:
  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<CommandRepository> MakeCommandRepository(Database& db) {
  return std::unique_ptr<CommandRepository>(new OdbCommandRepository(Unwrap(db)));
}

std::unique_ptr<ProviderRepository> MakeProviderRepository(Database& db) {
  return std::unique_ptr<ProviderRepository>(new OdbProviderRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
