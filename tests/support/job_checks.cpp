#include "tests/support/job_checks.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>

namespace fedflow::testing {

namespace bj = boost::json;

const char* const kFiveComponentDsl = R"({"components": {
  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
  "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                       "output": {"data": ["data"], "model": ["model"]}},
  "intersection_0": {"module": "Intersection", "input": {"data": {"data": ["data_transform_0.data"]}},
                     "output": {"data": ["data"]}},
  "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["intersection_0.data"]}},
                  "output": {"data": ["data"], "model": ["model"]}},
  "evaluation_0": {"module": "Evaluation", "input": {"data": {"data": ["hetero_lr_0.data"]}},
                   "output": {"data": ["data"]}}}})";

std::string ThreePartyConf(const std::string& job_params, const std::string& component_params,
                           const std::string& common_params) {
  return R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
    "role": {"guest": [9999], "host": [10000], "arbiter": [10001]},
    "job_parameters": {"common": {"task_parallelism": 1)" + job_params + R"(}},
    "component_parameters": {"common": {)" + common_params + R"(}, "role": {)" + component_params + "}}}";
}

void CheckEveryPartyEnded(Federation& f, const std::string& job_id, const std::string& status,
                          std::vector<std::string> servers) {
  if (servers.empty()) servers = f.parties();
  for (const auto& party : servers) {
    auto rows = f.LocalJobs(party, job_id);
    BOOST_TEST(!rows.empty(), "party " << party << " has no rows");
    for (const auto& r : rows) {
      BOOST_TEST(std::string(r.at("status").as_string()) == status,
                 "party " << party << " role " << r.at("role").as_string() << " is " << r.at("status").as_string());
    }
  }
}

void CheckNoDoubleStart(Federation& f) {
  for (const auto& party : f.parties()) {
    std::string jobs = f.HomeOf(party) + "/jobs";
    if (!std::filesystem::exists(jobs)) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(jobs)) {
      BOOST_TEST(e.path().filename() != "DOUBLE_START", "double start: " << e.path());
    }
  }
}

void CheckNothingHeld(Federation& f, const std::string& job_id, bool none_at_all, std::vector<std::string> servers) {
  if (servers.empty()) servers = f.parties();
  for (const auto& party : servers) {
    auto r = f.Call(party, "GET", "/v2/resource/query", bj::object{{"job_id", job_id}});
    BOOST_REQUIRE(r.ok());
    for (const auto& a : r->data().at("allocations").as_array()) {
      BOOST_TEST(std::string(a.at("status").as_string()) != "held", "party " << party << " still holds " << a);
    }
    if (none_at_all) BOOST_TEST(r->data().at("held_cores").as_int64() == 0, "party " << party);
  }
}

int CountAttempts(Federation& f, const std::string& party, const std::string& job_id, const std::string& task) {
  int n = 0;
  for (const auto& r : f.LocalTasks(party, job_id)) n += r.at("task_name").as_string() == task ? 1 : 0;
  return n;
}

std::string FailureReason(Federation& f, const std::string& scheduler, const std::string& job_id) {
  auto s = f.JobStatus(scheduler, job_id);
  return s.ok() ? std::string(s->at("failure_reason").as_string()) : "";
}

}  // namespace fedflow::testing
