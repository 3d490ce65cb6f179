#define BOOST_TEST_MODULE ff_queue_integration_test
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "tests/support/federation.hpp"
#include "tests/support/job_checks.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;

namespace {

// guest and host only (the arbiter holds no cores), one component.
const char* kOneTaskDsl = R"({"components": {"reader_0": {"module": "Reader", "output": {"data": ["data"]}}}})";

std::string TwoPartyConf(int task_cores, double seconds, int priority = 0) {
  return R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
    "role": {"guest": [9999], "host": [10000]},
    "job_parameters": {"common": {"task_cores": )" + std::to_string(task_cores) +
         R"(, "priority": )" + std::to_string(priority) + R"(}},
    "component_parameters": {"common": {"reader_0": {"seconds": )" + std::to_string(seconds) + "}}}}";
}

std::int64_t TimeOf(Federation& f, const std::string& job_id, const char* field) {
  auto s = f.JobStatus("9999", job_id);
  if (!s.ok() || !s->at(field).is_int64()) return 0;
  return s->at(field).as_int64();
}

std::string WaitingReason(Federation& f, const std::string& job_id) {
  auto s = f.JobStatus("9999", job_id);
  return s.ok() ? std::string(s->at("waiting_reason").as_string()) : "";
}

bool WaitUntil(const std::function<bool()>& cond, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 50) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(QueueIntegrationTest)

BOOST_AUTO_TEST_CASE(SmallJobsPassABigJobThatCannotFitYet) {
  auto f = Federation::Start("hol", {{"9999", 4}, {"10000", 4}});
  BOOST_REQUIRE(f.ok());
  Federation& fed = **f;
  auto holder = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(2, 4.0));  // holds 2 of 4 cores for 4 s
  BOOST_REQUIRE(holder.ok());
  BOOST_REQUIRE(fed.WaitJobStatus("9999", *holder, {"running"}, 10000).ok());
  auto big = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(4, 0.1));  // needs every core
  BOOST_REQUIRE_MESSAGE(big.ok(), big.status().ToString());
  std::vector<std::string> small;
  for (int i = 0; i < 10; ++i) {
    auto job = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(1, 0.1));
    BOOST_REQUIRE(job.ok());
    small.push_back(*job);
  }
  // While it waits, the big job says why, per party.
  BOOST_REQUIRE(WaitUntil([&] { return WaitingReason(fed, *big).find("needs 4 cores") != std::string::npos; }, 10000));
  std::string reason = WaitingReason(fed, *big);
  BOOST_TEST(reason.find("party 9999") != std::string::npos, reason);
  for (const auto& id : small) {
    auto end = fed.WaitJobEnd("9999", id, 60000);
    BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
    BOOST_TEST(*end == "success");
  }
  BOOST_REQUIRE(*fed.WaitJobEnd("9999", *big, 60000) == "success");
  BOOST_REQUIRE(*fed.WaitJobEnd("9999", *holder, 60000) == "success");
  // No head-of-line blocking: small jobs submitted after the big one started before it.
  std::int64_t big_start = TimeOf(fed, *big, "start_time");
  int passed = 0;
  for (const auto& id : small) passed += TimeOf(fed, id, "start_time") < big_start ? 1 : 0;
  BOOST_TEST(passed >= 1, "no small job passed the big one");
  CheckNothingHeld(fed, *big, true);
}

BOOST_AUTO_TEST_CASE(AJobWaitingPastTheAgingThresholdReservesItsParties) {
  FederationOptions options;
  options.aging_ms = 1000;
  auto f = Federation::Start("aging", {{"9999", 4}, {"10000", 4}}, options);
  BOOST_REQUIRE(f.ok());
  Federation& fed = **f;
  auto holder = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(2, 3.0));
  BOOST_REQUIRE(holder.ok());
  BOOST_REQUIRE(fed.WaitJobStatus("9999", *holder, {"running"}, 10000).ok());
  auto big = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(4, 0.2));
  BOOST_REQUIRE(big.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the big job is now starving
  std::vector<std::string> small;
  for (int i = 0; i < 4; ++i) small.push_back(*fed.Submit("9999", kOneTaskDsl, TwoPartyConf(1, 0.1)));
  BOOST_REQUIRE(WaitUntil([&] { return WaitingReason(fed, small[0]).find("reserved for job " + *big) != std::string::npos; },
                          10000));
  BOOST_REQUIRE(*fed.WaitJobEnd("9999", *big, 60000) == "success");
  std::int64_t big_start = TimeOf(fed, *big, "start_time");
  for (const auto& id : small) {
    BOOST_REQUIRE(*fed.WaitJobEnd("9999", id, 60000) == "success");
    BOOST_TEST(TimeOf(fed, id, "start_time") >= big_start, "a small job overtook the starving one");
  }
}

BOOST_AUTO_TEST_CASE(RunningJobLimitPerPartyQueuesTheRest) {
  auto f = Federation::Start("limit", {{"9999", 16, 1}, {"10000", 16}});
  BOOST_REQUIRE(f.ok());
  Federation& fed = **f;
  auto first = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(1, 1.5));
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(fed.WaitJobStatus("9999", *first, {"running"}, 10000).ok());
  auto second = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(1, 0.1));
  BOOST_REQUIRE(second.ok());
  BOOST_REQUIRE(WaitUntil([&] { return WaitingReason(fed, *second).find("running-job limit 1 reached") != std::string::npos; },
                          10000));
  BOOST_REQUIRE(*fed.WaitJobEnd("9999", *second, 60000) == "success");
  BOOST_TEST(TimeOf(fed, *second, "start_time") >= TimeOf(fed, *first, "end_time"));
  // The resource view derives free cores from the ledger.
  auto r = fed.Call("9999", "GET", "/v2/resource/query");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->data().at("cores").as_int64() == 16);
  BOOST_TEST(r->data().at("free_cores").as_int64() == 16);
  BOOST_TEST(r->data().at("max_running_jobs").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(HigherPriorityIsAdmittedFirst) {
  auto f = Federation::Start("priority", {{"9999", 2}, {"10000", 2}});
  BOOST_REQUIRE(f.ok());
  Federation& fed = **f;
  auto holder = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(2, 1.5));
  BOOST_REQUIRE(holder.ok());
  BOOST_REQUIRE(fed.WaitJobStatus("9999", *holder, {"running"}, 10000).ok());
  auto low = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(2, 0.3, 0));
  auto high = fed.Submit("9999", kOneTaskDsl, TwoPartyConf(2, 0.3, 5));
  BOOST_REQUIRE(low.ok());
  BOOST_REQUIRE(high.ok());
  BOOST_REQUIRE(*fed.WaitJobEnd("9999", *low, 60000) == "success");
  BOOST_REQUIRE(*fed.WaitJobEnd("9999", *high, 60000) == "success");
  BOOST_TEST(TimeOf(fed, *high, "start_time") < TimeOf(fed, *low, "start_time"));
}

BOOST_AUTO_TEST_SUITE_END()
