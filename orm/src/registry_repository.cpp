// OdbRegistryRepository: instances, servers and services through ODB.

#include "orm/registry_repository.hpp"

#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::InstanceRecord;
using records::ServerRecord;
using records::ServiceRecord;
using ServiceQ = odb::query<ServiceRecord>;

class OdbRegistryRepository final : public RegistryRepository {
 public:
  explicit OdbRegistryRepository(OdbDatabase& db) : db_(db) {}

  Status UpsertInstance(const InstanceRow& row) override {
    return RunUpsert(db_, [&](odb::database& d) {
      InstanceRecord r = ToRecord(row);
      std::unique_ptr<InstanceRecord> existing(d.find<InstanceRecord>(row.instance_id));
      if (existing) {
        d.update(r);
      } else {
        d.persist(r);
      }
      return Status::OK();
    });
  }

  StatusOr<std::vector<InstanceRow>> ListInstances() override {
    std::vector<InstanceRow> out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      odb::result<InstanceRecord> r(d.query<InstanceRecord>());
      for (const auto& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  Status UpsertServer(const ServerRow& row) override {
    return RunUpsert(db_, [&](odb::database& d) {
      std::unique_ptr<ServerRecord> existing(d.find<ServerRecord>(row.server_name));
      ServerRecord r = ToRecord(row);
      if (existing) {
        r.created_ms = existing->created_ms;
        d.update(r);
      } else {
        d.persist(r);
      }
      return Status::OK();
    });
  }

  StatusOr<ServerRow> GetServer(const std::string& name) override {
    ServerRow out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      std::unique_ptr<ServerRecord> r(d.find<ServerRecord>(name));
      if (!r) return NotFoundError("server '" + name + "' is not registered");
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<ServerRow>> ListServers() override {
    std::vector<ServerRow> out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      odb::result<ServerRecord> r(d.query<ServerRecord>());
      for (const auto& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  Status DeleteServer(const std::string& name) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      std::unique_ptr<ServerRecord> r(d.find<ServerRecord>(name));
      if (!r) return NotFoundError("server '" + name + "' is not registered");
      d.erase(*r);
      d.erase_query<ServiceRecord>(ServiceQ::server_name == name);
      return Status::OK();
    });
  }

  Status UpsertService(const ServiceRow& row) override {
    return RunUpsert(db_, [&](odb::database& d) {
      std::unique_ptr<ServerRecord> server(d.find<ServerRecord>(row.server_name));
      if (!server) return NotFoundError("server '" + row.server_name + "' is not registered: register it first");
      std::unique_ptr<ServiceRecord> existing(d.query_one<ServiceRecord>(
          ServiceQ::server_name == row.server_name && ServiceQ::service_name == row.service_name));
      ServiceRecord r = ToRecord(row);
      if (existing) {
        r.id = existing->id;
        r.created_ms = existing->created_ms;
        d.update(r);
      } else {
        d.persist(r);
      }
      return Status::OK();
    });
  }

  StatusOr<ServiceRow> GetService(const std::string& server, const std::string& service) override {
    ServiceRow out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      std::unique_ptr<ServiceRecord> r(
          d.query_one<ServiceRecord>(ServiceQ::server_name == server && ServiceQ::service_name == service));
      if (!r) return NotFoundError("service '" + service + "' of server '" + server + "' is not registered");
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  Status DeleteService(const std::string& server, const std::string& service) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      if (d.erase_query<ServiceRecord>(ServiceQ::server_name == server && ServiceQ::service_name == service) == 0) {
        return NotFoundError("service '" + service + "' of server '" + server + "' is not registered");
      }
      return Status::OK();
    });
  }

 private:
  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<RegistryRepository> MakeRegistryRepository(Database& db) {
  return std::unique_ptr<RegistryRepository>(new OdbRegistryRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
