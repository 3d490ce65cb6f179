#pragma once
// Security state shared by every instance of a party: nonces of signed requests (ff_nonce) and
// the permissions granted to partners (ff_permission). ODB-free, C++14-clean.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// Thread-safe.
class NonceRepository {
 public:
  virtual ~NonceRepository() = default;
  /// Records (sender, nonce) until `expires_ms`; false when it is already recorded (a replay).
  virtual StatusOr<bool> Remember(const std::string& sender, const std::string& nonce, std::int64_t expires_ms) = 0;
  /// Forgets nonces that expired before `now_ms`; returns how many.
  virtual StatusOr<std::size_t> Purge(std::int64_t now_ms) = 0;
};

/// Thread-safe.
class PermissionRepository {
 public:
  virtual ~PermissionRepository() = default;
  /// Adds grants in one transaction; grants already present are kept. Returns how many were new.
  virtual StatusOr<std::size_t> Grant(const std::vector<PermissionRow>& rows) = 0;
  /// Removes grants in one transaction; returns how many existed.
  virtual StatusOr<std::size_t> Revoke(const std::vector<PermissionRow>& rows) = 0;
  /// Every grant, or those of one party (any role) when `party_id` is not empty.
  virtual StatusOr<std::vector<PermissionRow>> List(const std::string& party_id) = 0;
};

std::unique_ptr<NonceRepository> MakeNonceRepository(Database& db);
std::unique_ptr<PermissionRepository> MakePermissionRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
