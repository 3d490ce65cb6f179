#include "tools/bench/seed_jobs.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "orm/job_repository.hpp"

namespace fedflow::bench {

Status SeedFinishedJobs(const orm::DbConfig& db, int count, std::int64_t now_ms, const std::string& plan_json) {
  auto opened = orm::OpenDatabase(db);
  if (!opened.ok()) return opened.status();
  auto jobs = orm::MakeJobRepository(**opened);
  for (int start = 0; start < count; start += 500) {
    std::vector<orm::JobRow> batch;
    for (int i = start; i < std::min(count, start + 500); ++i) {
      orm::JobRow r;
      char id[32];
      std::snprintf(id, sizeof(id), "2026010100000%08d", i);
      r.job_id = id;
      r.role = "guest";
      r.party_id = "9999";
      r.status = JOB_STATUS_SUCCESS;
      r.initiator_party_id = "9999";
      r.scheduler_party_id = "9999";
      r.cores = 1;
      r.progress = 100;
      r.description = "seeded by fedflow-bench";
      r.plan_json = plan_json;
      r.created_ms = now_ms - 3600000 + i;
      r.updated_ms = r.end_ms = r.created_ms + 900;
      r.start_ms = r.created_ms + 100;
      batch.push_back(std::move(r));
    }
    FEDFLOW_RETURN_IF_ERROR(jobs->CreateAll(batch));
  }
  return Status::OK();
}

}  // namespace fedflow::bench
