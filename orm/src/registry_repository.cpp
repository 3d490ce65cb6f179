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

InstanceRow ToInstanceRow(const InstanceRecord& r) {
  return InstanceRow{r.instance_id, r.party_id, r.host, r.port, r.version, r.started_ms, r.heartbeat_ms};
}
ServerRow ToServerRow(const ServerRecord& r) {
  return ServerRow{r.server_name, r.host, r.port, r.protocol, r.created_ms, r.updated_ms};
}
ServiceRow ToServiceRow(const ServiceRecord& r) {
  return ServiceRow{r.server_name, r.service_name, r.uri,      r.method,     r.params_json,
                    r.data_json,   r.headers_json, r.protocol, r.created_ms, r.updated_ms};
}

class OdbRegistryRepository final : public RegistryRepository {
 public:
  explicit OdbRegistryRepository(OdbDatabase& db) : db_(db) {}

  Status UpsertInstance(const InstanceRow& row) override {
    return RunUpsert(db_, [&](odb::database& d) {
      InstanceRecord r{row.instance_id, row.party_id, row.host, row.port, row.version, row.started_ms, row.heartbeat_ms};
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
      for (const auto& rec : r) out.push_back(ToInstanceRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  Status UpsertServer(const ServerRow& row) override {
    return RunUpsert(db_, [&](odb::database& d) {
      std::unique_ptr<ServerRecord> existing(d.find<ServerRecord>(row.server_name));
      ServerRecord r{row.server_name, row.host, row.port, row.protocol, row.created_ms, row.updated_ms};
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
      out = ToServerRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<ServerRow>> ListServers() override {
    std::vector<ServerRow> out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      odb::result<ServerRecord> r(d.query<ServerRecord>());
      for (const auto& rec : r) out.push_back(ToServerRow(rec));
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
      std::unique_ptr<ServiceRecord> r(d.query_one<ServiceRecord>(ServiceQ::server_name == row.server_name &&
                                                                  ServiceQ::service_name == row.service_name));
      bool exists = r != nullptr;
      if (!exists) {
        r.reset(new ServiceRecord());
        r->created_ms = row.created_ms;
      }
      r->server_name = row.server_name;
      r->service_name = row.service_name;
      r->uri = row.uri;
      r->method = row.method;
      r->params_json = row.params_json;
      r->data_json = row.data_json;
      r->headers_json = row.headers_json;
      r->protocol = row.protocol;
      r->updated_ms = row.updated_ms;
      if (exists) {
        d.update(*r);
      } else {
        d.persist(*r);
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
      out = ToServiceRow(*r);
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
