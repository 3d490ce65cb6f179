// OdbTableRepository.

#include "orm/table_repository.hpp"

#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::TableRecord;
using TableQ = odb::query<TableRecord>;

TableQ KeyOf(const std::string& ns, const std::string& name) {
  return TableQ::table_namespace == ns && TableQ::table_name == name;
}

class OdbTableRepository final : public TableRepository {
 public:
  explicit OdbTableRepository(OdbDatabase& db) : db_(db) {}

  Status Create(const TableRow& row) override {
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      TableRecord r = ToRecord(row);
      d.persist(r);
      return Status::OK();
    });
    if (s.code() == StatusCode::kAlreadyExists) {
      return AlreadyExistsError("table " + row.table_namespace + "." + row.table_name + " already exists");
    }
    return s;
  }

  StatusOr<TableRow> Replace(const TableRow& row) override {
    TableRow old;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      old = TableRow();
      old.engine.clear();
      std::unique_ptr<TableRecord> existing(d.query_one<TableRecord>(KeyOf(row.table_namespace, row.table_name)));
      TableRecord r = ToRecord(row);
      if (existing) {
        old = ToRow(*existing);
        r.id = existing->id;
        r.created_ms = old.created_ms;
        d.update(r);
      } else {
        d.persist(r);
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
    return old;
  }

  StatusOr<TableRow> Get(const std::string& ns, const std::string& name) override {
    TableRow out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      std::unique_ptr<TableRecord> r(d.query_one<TableRecord>(KeyOf(ns, name)));
      if (!r) return NotFoundError("no table " + ns + "." + name + " at this party");
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<TableRow>> List(const std::string& ns) override {
    std::vector<TableRow> out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      const TableQ order = "ORDER BY" + TableQ::table_namespace + "," + TableQ::table_name;
      odb::result<TableRecord> r(ns.empty() ? d.query<TableRecord>(order)
                                            : d.query<TableRecord>(TableQ(TableQ::table_namespace == ns) + order));
      for (const TableRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<TableRow> Delete(const std::string& ns, const std::string& name) override {
    TableRow out;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      std::unique_ptr<TableRecord> r(d.query_one<TableRecord>(KeyOf(ns, name)));
      if (!r) return NotFoundError("no table " + ns + "." + name + " at this party");
      out = ToRow(*r);
      d.erase(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

 private:
  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<TableRepository> MakeTableRepository(Database& db) {
  return std::unique_ptr<TableRepository>(new OdbTableRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
