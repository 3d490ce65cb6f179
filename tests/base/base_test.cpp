#define BOOST_TEST_MODULE ff_base_test
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <set>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "base/log_limiter.hpp"
#include "base/status.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/test_dirs.hpp"

namespace fs = std::filesystem;
using namespace fedflow;

BOOST_AUTO_TEST_SUITE(StatusTest)

BOOST_AUTO_TEST_CASE(DefaultIsOk) {
  Status s;
  BOOST_TEST(s.ok());
  BOOST_TEST(s.ToString() == "OK");
}

BOOST_AUTO_TEST_CASE(ErrorCarriesCodeMessageAndContext) {
  Status s = NotFoundError("job 1 missing").WithContext("query");
  BOOST_TEST(!s.ok());
  BOOST_TEST(static_cast<int>(s.code()) == static_cast<int>(StatusCode::kNotFound));
  BOOST_TEST(s.message() == "query: job 1 missing");
  BOOST_TEST(s.ToString() == "NotFound: query: job 1 missing");
}

BOOST_AUTO_TEST_CASE(ApiCodeSurvivesContext) {
  Status s = ResourceExhaustedError("too big");
  s.set_api_code(1006);
  BOOST_TEST(s.WithContext("x").api_code() == 1006);
}

StatusOr<int> Half(int x) {
  if (x % 2) return InvalidArgumentError("odd");
  return x / 2;
}

Status UseHalf(int x, int* out) {
  FEDFLOW_ASSIGN_OR_RETURN(*out, Half(x));
  return Status::OK();
}

BOOST_AUTO_TEST_CASE(StatusOrHoldsValueOrError) {
  BOOST_TEST(Half(4).ok());
  BOOST_TEST(*Half(4) == 2);
  BOOST_TEST(!Half(3).ok());
  BOOST_TEST(Half(3).status().message() == "odd");
  int out = 0;
  BOOST_TEST(UseHalf(8, &out).ok());
  BOOST_TEST(out == 4);
  BOOST_TEST(!UseHalf(7, &out).ok());
}

BOOST_AUTO_TEST_CASE(StatusOrMovesOnlyTypesAndCopies) {
  StatusOr<std::unique_ptr<int>> p(std::make_unique<int>(5));
  std::unique_ptr<int> v = std::move(p).value();
  BOOST_TEST(*v == 5);
  StatusOr<std::string> a(std::string("x"));
  StatusOr<std::string> b = a;
  b = StatusOr<std::string>(NotFoundError("gone"));
  BOOST_TEST(*a == "x");
  BOOST_TEST(!b.ok());
  StatusOr<std::string> empty;
  BOOST_TEST(!empty.ok());
}

BOOST_AUTO_TEST_CASE(StatusOrFromOkStatusBecomesInternal) {
  StatusOr<int> s(Status::OK());
  BOOST_TEST(!s.ok());
  BOOST_TEST(static_cast<int>(s.status().code()) == static_cast<int>(StatusCode::kInternal));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(IdsTest)

BOOST_AUTO_TEST_CASE(JobIdsAreDigitsUniqueAndTimeOrdered) {
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewJobId(1700000000000 + i / 10);
    BOOST_TEST(id.size() == 21u);
    BOOST_TEST(id.find_first_not_of("0123456789") == std::string::npos);
    BOOST_TEST(seen.insert(id).second);
    if (!previous.empty() && i % 10 == 0) BOOST_TEST(id.substr(0, 17) > previous.substr(0, 17));
    previous = id;
  }
}

BOOST_AUTO_TEST_CASE(RandomHexHasRequestedLength) {
  std::string a = RandomHex(16), b = RandomHex(16);
  BOOST_TEST(a.size() == 32u);
  BOOST_TEST(a != b);
  BOOST_TEST(a.find_first_not_of("0123456789abcdef") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(SafeIdentifierRejectsPathAndQuoteCharacters) {
  BOOST_TEST(IsSafeIdentifier("job_1-2.x"));
  BOOST_TEST(IsSafeIdentifier("v1.11.2"));
  BOOST_TEST(!IsSafeIdentifier(""));
  BOOST_TEST(!IsSafeIdentifier(".."));
  BOOST_TEST(!IsSafeIdentifier("a/b"));
  BOOST_TEST(!IsSafeIdentifier("a'b"));
  BOOST_TEST(!IsSafeIdentifier(std::string(200, 'a')));
  // Names that become path parts: no leading dot, no "..", no NUL.
  BOOST_TEST(!IsSafeIdentifier(".hidden"));
  BOOST_TEST(!IsSafeIdentifier("a..b"));
  BOOST_TEST(!IsSafeIdentifier("..."));
  BOOST_TEST(!IsSafeIdentifier(std::string("a\0b", 3)));
  BOOST_TEST(!IsSafeIdentifier("../../../../tmp/x"));
}

BOOST_AUTO_TEST_CASE(JobIdsHaveOneFormat) {
  BOOST_TEST(IsJobId(NewJobId(1700000000000)));
  BOOST_TEST(IsJobId("202211031022350366550"));  // FATE's
  BOOST_TEST(!IsJobId("fedflow"));
  BOOST_TEST(!IsJobId(".."));
  BOOST_TEST(!IsJobId("12345"));
  BOOST_TEST(!IsJobId("2022110310223503665a0"));
  BOOST_TEST(!IsJobId(std::string(33, '1')));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(LogTest)

BOOST_AUTO_TEST_CASE(NamedLoggersWriteToRotatingServerAndErrorFiles) {
  std::string dir = testing::FreshDir("log");
  log::LogConfig config;
  config.dir = dir;
  config.max_file_bytes = 4096;
  config.max_files = 2;
  config.console = false;
  BOOST_REQUIRE(log::Init(config).ok());
  for (int i = 0; i < 200; ++i) FF_LOG(info, "scheduler", "job_id=J{} tick line padding padding padding", i);
  FF_LOG(error, "http", "job_id=J1 request failed");
  FF_LOG(info, "audit", "party=9999 cmd=create job_id=J1 accepted");
  log::Shutdown();
  BOOST_TEST(fs::exists(dir + "/fedflow/server.log"));
  BOOST_TEST(fs::exists(dir + "/fedflow/server.1.log"));
  BOOST_TEST(fs::exists(dir + "/fedflow/server.2.log"));
  BOOST_TEST(!fs::exists(dir + "/fedflow/server.3.log"));
  std::string errors = testing::ReadFile(dir + "/fedflow/error.log");
  BOOST_TEST(errors.find("job_id=J1 request failed") != std::string::npos);
  BOOST_TEST(errors.find("tick line") == std::string::npos);
  BOOST_TEST(testing::ReadFile(dir + "/fedflow/audit.log").find("cmd=create") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(LimiterLetsABurstThroughPerWindowAndCountsTheRest) {
  testing::FakeClock clock;
  log::LogLimiter limiter(clock, 10000, 3);
  std::uint64_t suppressed = 99;
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(limiter.Allow("k", &suppressed));
    BOOST_TEST(suppressed == 0u);
  }
  for (int i = 0; i < 7; ++i) BOOST_TEST(!limiter.Allow("k", &suppressed));
  BOOST_TEST(limiter.Allow("other", &suppressed));  // keys have their own budgets
  clock.Advance(9999);
  BOOST_TEST(!limiter.Allow("k", &suppressed));
  clock.Advance(1);
  BOOST_TEST(limiter.Allow("k", &suppressed));
  BOOST_TEST(suppressed == 8u);  // what the window held back is reported with the next line
  BOOST_TEST(log::LogLimiter::Note(8) == " (8 similar lines suppressed)");
  BOOST_TEST(log::LogLimiter::Note(0) == "");
}

BOOST_AUTO_TEST_CASE(LimiterForgetsOldKeysBeyondItsTable) {
  testing::FakeClock clock;
  log::LogLimiter limiter(clock, 1000, 1, 4);
  std::uint64_t suppressed = 0;
  for (int i = 0; i < 4; ++i) BOOST_TEST(limiter.Allow("k" + std::to_string(i), &suppressed));
  clock.Advance(1000);
  // A fifth key evicts the idle ones; a line for it passes.
  BOOST_TEST(limiter.Allow("k4", &suppressed));
  BOOST_TEST(limiter.Allow("k0", &suppressed));
}

BOOST_AUTO_TEST_CASE(UnknownLevelIsRefusedWithTheAcceptedNames) {
  log::LogConfig config;
  config.dir = testing::FreshDir("log-bad");
  config.level = "verbose";
  Status s = log::Init(config);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("trace, debug, info") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(FakeClockTest)

BOOST_AUTO_TEST_CASE(MovesOnlyWhenAdvanced) {
  testing::FakeClock clock(1000);
  BOOST_TEST(clock.NowMs() == 1000);
  std::int64_t steady = clock.SteadyMs();
  clock.Advance(250);
  BOOST_TEST(clock.NowMs() == 1250);
  BOOST_TEST(clock.SteadyMs() == steady + 250);
}

BOOST_AUTO_TEST_SUITE_END()
