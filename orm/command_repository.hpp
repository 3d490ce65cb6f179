#pragma once
// Stored answers of interconnect commands (ff_command) and registered providers (ff_provider).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// Idempotency log: the first answer to a command key is kept and replayed for retries.
class CommandRepository {
 public:
  virtual ~CommandRepository() = default;
  /// NotFound when the key was never answered.
  virtual StatusOr<CommandRow> Get(const std::string& command_key) = 0;
  /// Stores an answer; a concurrent duplicate is ignored (the first answer wins).
  virtual Status Put(const CommandRow& row) = 0;
  /// Removes answers older than `before_ms`; returns how many.
  virtual StatusOr<std::size_t> DeleteOlderThan(std::int64_t before_ms) = 0;
};

/// Component providers registered at this party.
class ProviderRepository {
 public:
  virtual ~ProviderRepository() = default;
  /// Inserts or replaces the provider (name, version).
  virtual Status Upsert(const ProviderRow& row) = 0;
  virtual StatusOr<std::vector<ProviderRow>> List() = 0;
  /// Removes (name, version); NotFound when absent.
  virtual Status Delete(const std::string& name, const std::string& version) = 0;
};

std::unique_ptr<CommandRepository> MakeCommandRepository(Database& db);
std::unique_ptr<ProviderRepository> MakeProviderRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
