#pragma once
// Server instances of this party (ff_instance) and the third-party server registry of
// FATE-Flow 2.x (ff_server, ff_service). ODB-free, C++14-clean.

#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// Thread-safe.
class RegistryRepository {
 public:
  virtual ~RegistryRepository() = default;
  /// Inserts or refreshes an instance row (start and heartbeat).
  virtual Status UpsertInstance(const InstanceRow& row) = 0;
  virtual StatusOr<std::vector<InstanceRow>> ListInstances() = 0;

  virtual Status UpsertServer(const ServerRow& row) = 0;
  virtual StatusOr<ServerRow> GetServer(const std::string& server_name) = 0;
  virtual StatusOr<std::vector<ServerRow>> ListServers() = 0;
  /// Removes the server and its services; NotFound when absent.
  virtual Status DeleteServer(const std::string& server_name) = 0;

  virtual Status UpsertService(const ServiceRow& row) = 0;
  virtual StatusOr<ServiceRow> GetService(const std::string& server_name, const std::string& service_name) = 0;
  virtual Status DeleteService(const std::string& server_name, const std::string& service_name) = 0;
};

std::unique_ptr<RegistryRepository> MakeRegistryRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
