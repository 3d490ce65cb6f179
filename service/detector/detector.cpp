#include "service/detector/detector.hpp"

#include <map>

#include "base/log.hpp"
#include "proto/status_names.hpp"

namespace fedflow::detector {

Detector::Detector(DetectorOptions options, DetectorDeps deps)
    : options_(std::move(options)), d_(std::move(deps)), started_ms_(d_.clock->NowMs()) {}

Detector::~Detector() { Stop(); }

void Detector::Start() {
  thread_ = std::thread([this] {
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms), [this] { return stopping_; });
        if (stopping_) return;
      }
      try {
        RunOnce();
      } catch (const std::exception& e) {
        log::Get("detector")->error("pass failed: {}", e.what());
      }
    }
  });
}

void Detector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Detector::Fail(const orm::TaskAttemptRow& attempt, const std::string& reason, bool kill) {
  // Re-read: the worker may have reported between the listing and now.
  auto fresh = d_.tasks->GetById(attempt.id);
  if (!fresh.ok() || fresh->status != TASK_STATUS_RUNNING) return;
  auto applied = d_.task_lifecycle->Apply(*fresh, sm::TaskEvent::kFailed, reason);
  if (!applied.ok()) return;
  if (kill) d_.executor->Kill(*fresh);
  log::Get("detector")->warn("job_id={} task={} attempt={} party={}:{} failed: {}", fresh->job_id, fresh->task_name,
                             fresh->attempt, fresh->role, fresh->party_id, reason);
  if (d_.on_attempt_failed) d_.on_attempt_failed(*fresh);
}

void Detector::CheckWorkers(DetectorReport& report) {
  auto running = d_.tasks->ListByStatus(TASK_STATUS_RUNNING, 100000);
  if (!running.ok()) return;
  const std::int64_t now = d_.clock->NowMs();
  // Right after a start the workers had no server to send heartbeats to: judge heartbeats only
  // once they had a full timeout to come back.
  const bool judge_heartbeats = now - started_ms_ > options_.heartbeat_timeout_ms;
  for (const auto& a : *running) {
    if (a.pid <= 0) {
      if (now - a.updated_ms > options_.launch_grace_ms) {
        ++report.never_launched;
        Fail(a, "the worker was never started (the server stopped between accepting the task and launching it)",
             false);
      }
      continue;
    }
    // Process liveness only for this instance's own workers: another instance of this party (HA)
    // may run on another host, where its pids mean nothing here. Heartbeats cover those.
    // A child this server still has to reap is left to the reaper, which reports how it ended
    // (exit code or signal) instead of a bare "gone".
    if (a.launched_by == options_.instance_id && !d_.executor->AwaitsReaping(a) && !d_.executor->IsWorkerAlive(a)) {
      ++report.workers_gone;
      Fail(a, "worker process " + std::to_string(a.pid) + " is gone without reporting a result; see " +
                  d_.executor->LogPathOf(a),
           false);
      continue;
    }
    if (judge_heartbeats && a.heartbeat_ms > 0 && now - a.heartbeat_ms > options_.heartbeat_timeout_ms) {
      ++report.heartbeats_stale;
      Fail(a, "no heartbeat from worker " + std::to_string(a.pid) + " for " +
                  std::to_string((now - a.heartbeat_ms) / 1000) + " s (timeout " +
                  std::to_string(options_.heartbeat_timeout_ms / 1000) + " s) from instance " + a.launched_by,
           true);
    }
  }
}

void Detector::ReleaseLeakedAllocations(DetectorReport& report) {
  auto held = d_.allocations->ListByStatus(ALLOCATION_STATUS_HELD, 100000);
  if (!held.ok()) return;
  std::map<std::string, bool> ended;  // job -> every row of it here ended
  for (const auto& a : *held) {
    auto it = ended.find(a.job_id);
    if (it == ended.end()) {
      auto rows = d_.jobs->ListByJob(a.job_id);
      if (!rows.ok()) continue;
      bool all_ended = true;
      for (const auto& r : *rows) all_ended = all_ended && IsEndStatus(r.status);
      it = ended.emplace(a.job_id, all_ended).first;
    }
    if (!it->second) continue;
    auto released = d_.allocation_lifecycle->Release(a.job_id, a.party_id, a.run_epoch,
                                                     "the job ended; released by the detector");
    if (released.ok() && *released) {
      ++report.allocations_released;
      log::Get("detector")->warn("job_id={} party={} epoch={} cores={} leaked allocation released", a.job_id,
                                 a.party_id, a.run_epoch, a.cores);
    }
  }
}

DetectorReport Detector::RunOnce() {
  DetectorReport report;
  CheckWorkers(report);
  ReleaseLeakedAllocations(report);
  if (options_.also_each_pass) options_.also_each_pass();
  const std::int64_t now = d_.clock->NowMs();
  if (now - last_purge_ms_ > 3600000) {
    last_purge_ms_ = now;
    auto purged = d_.commands->DeleteOlderThan(now - options_.command_log_ttl_ms);
    if (purged.ok() && *purged > 0) log::Get("detector")->info("purged {} old command answers", *purged);
  }
  log::Get("detector")->debug("pass workers_gone={} never_launched={} heartbeats_stale={} released={}",
                              report.workers_gone, report.never_launched, report.heartbeats_stale,
                              report.allocations_released);
  return report;
}

}  // namespace fedflow::detector
