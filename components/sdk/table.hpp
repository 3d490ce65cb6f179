#pragma once
// Data tables as components exchange them: CSV files (header first, comma-delimited) in the
// attempt's output directory, registered with the server with their id and label columns.

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::worker {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  /// Reads a CSV file; every row must have the header's width (the error names the line).
  static StatusOr<CsvTable> Read(const std::string& path);
  /// -1 when absent.
  int ColumnOf(const std::string& name) const;
  Status Write(const std::string& path) const;
};

/// A data input with the columns its producer declared (schema.json beside data.csv; without
/// one, the first column is the id and there is no label).
struct DataInput {
  std::string file;
  CsvTable table;
  std::string id_column;
  std::string label_column;
};
StatusOr<DataInput> ReadDataInput(WorkerSession& session, std::size_t index = 0);
/// Writes schema.json (id and label column) into an output directory.
Status WriteSchema(const std::string& dir, const std::string& id_column, const std::string& label_column);

/// The data file of the session's `index`-th data input (FailedPrecondition naming the input
/// when it is missing: the upstream task did not run at this party).
StatusOr<std::string> InputDataFile(WorkerSession& session, std::size_t index = 0);
/// The name of the first declared data output ("data" when none is declared).
std::string FirstDataOutput(WorkerSession& session);
/// Writes `table` as data output `key` and registers it (schema, id and label columns).
Status SaveDataOutput(WorkerSession& session, const std::string& key, const CsvTable& table,
                      const std::string& id_column, const std::string& label_column);

}  // namespace fedflow::worker
