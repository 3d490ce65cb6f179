// OdbMetricRepository and OdbOutputRepository.

#include "orm/tracking_repository.hpp"

#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::MetricRecord;
using records::OutputRecord;
using MetricQ = odb::query<MetricRecord>;
using OutputQ = odb::query<OutputRecord>;

class OdbMetricRepository final : public MetricRepository {
 public:
  explicit OdbMetricRepository(OdbDatabase& db) : db_(db) {}

  Status Append(const std::vector<MetricRow>& points) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      for (const MetricRow& p : points) {
        MetricRecord r = ToRecord(p);
        d.persist(r);
      }
      return Status::OK();
    });
  }

  Status SetMeta(const MetricRow& meta) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.erase_query<MetricRecord>(MetricQ::job_id == meta.job_id && MetricQ::role == meta.role &&
                                  MetricQ::party_id == meta.party_id && MetricQ::task_name == meta.task_name &&
                                  MetricQ::attempt == meta.attempt && MetricQ::metric_namespace == meta.metric_namespace &&
                                  MetricQ::metric_name == meta.metric_name && MetricQ::kind == "meta");
      MetricRecord r = ToRecord(meta);
      d.persist(r);
      return Status::OK();
    });
  }

  StatusOr<std::vector<MetricRow>> List(const std::string& job_id, const std::string& role,
                                        const std::string& party_id, const std::string& task_name) override {
    std::vector<MetricRow> out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      odb::result<MetricRecord> r(d.query<MetricRecord>(
          MetricQ(MetricQ::job_id == job_id && MetricQ::role == role && MetricQ::party_id == party_id &&
                  MetricQ::task_name == task_name) +
          "ORDER BY" + MetricQ::attempt + "," + MetricQ::metric_namespace + "," + MetricQ::metric_name + "," +
          MetricQ::id));
      for (const MetricRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::size_t> Delete(const std::string& job_id, const std::string& role, const std::string& party_id,
                               const std::string& task_name) override {
    std::size_t n = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      MetricQ q(MetricQ::job_id == job_id);
      if (!task_name.empty()) {
        q = q && MetricQ::role == role && MetricQ::party_id == party_id && MetricQ::task_name == task_name;
      }
      n = static_cast<std::size_t>(d.erase_query<MetricRecord>(q));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return n;
  }

 private:
  OdbDatabase& db_;
};

class OdbOutputRepository final : public OutputRepository {
 public:
  explicit OdbOutputRepository(OdbDatabase& db) : db_(db) {}

  Status Put(const OutputRow& row) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.erase_query<OutputRecord>(OutputQ::job_id == row.job_id && OutputQ::role == row.role &&
                                  OutputQ::party_id == row.party_id && OutputQ::task_name == row.task_name &&
                                  OutputQ::attempt == row.attempt && OutputQ::kind == row.kind &&
                                  OutputQ::output_key == row.output_key);
      OutputRecord r = ToRecord(row);
      d.persist(r);
      return Status::OK();
    });
  }

  StatusOr<std::vector<OutputRow>> List(const std::string& job_id, const std::string& role,
                                        const std::string& party_id, const std::string& task_name) override {
    std::vector<OutputRow> out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      OutputQ q(OutputQ::job_id == job_id);
      if (!role.empty()) q = q && OutputQ::role == role;
      if (!party_id.empty()) q = q && OutputQ::party_id == party_id;
      if (!task_name.empty()) q = q && OutputQ::task_name == task_name;
      odb::result<OutputRecord> r(d.query<OutputRecord>(q + "ORDER BY" + OutputQ::task_name + "," + OutputQ::attempt +
                                                        "," + OutputQ::kind + "," + OutputQ::output_key));
      for (const OutputRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::size_t> DeleteJob(const std::string& job_id) override {
    std::size_t n = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      n = static_cast<std::size_t>(d.erase_query<OutputRecord>(OutputQ::job_id == job_id));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return n;
  }

 private:
  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<MetricRepository> MakeMetricRepository(Database& db) {
  return std::unique_ptr<MetricRepository>(new OdbMetricRepository(Unwrap(db)));
}

std::unique_ptr<OutputRepository> MakeOutputRepository(Database& db) {
  return std::unique_ptr<OutputRepository>(new OdbOutputRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
