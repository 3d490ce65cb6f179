#pragma once
// Tables of this party by (namespace, name) (ff_table): uploads, bound files, bound MySQL tables.
// ODB-free, C++14-clean.

#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// Thread-safe.
class TableRepository {
 public:
  virtual ~TableRepository() = default;
  /// AlreadyExists when (namespace, name) is taken.
  virtual Status Create(const TableRow& row) = 0;
  /// Creates or replaces (namespace, name) in one transaction; returns the replaced row
  /// (empty `engine` when there was none).
  virtual StatusOr<TableRow> Replace(const TableRow& row) = 0;
  /// NotFound when absent.
  virtual StatusOr<TableRow> Get(const std::string& table_namespace, const std::string& table_name) = 0;
  /// Every table, or those of one namespace, ordered by namespace and name.
  virtual StatusOr<std::vector<TableRow>> List(const std::string& table_namespace) = 0;
  /// Removes the row and returns it; NotFound when absent.
  virtual StatusOr<TableRow> Delete(const std::string& table_namespace, const std::string& table_name) = 0;
};

std::unique_ptr<TableRepository> MakeTableRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
