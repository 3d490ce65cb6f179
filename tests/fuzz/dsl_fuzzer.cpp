// libFuzzer target: job input parsing. The first byte picks the format; the rest is the text:
//   0: FATE 1.x DSL and runtime conf, separated by a line "----"
//   1: FATE-Flow 2.x DAG in YAML (or JSON)
//   2: a JobSpec in JSON (what parties exchange), then planned again as a receiving party does
// Every input must end in a JobSpec or an error Status, never a crash or a hang.

#include <cstdint>
#include <string>
#include <string_view>

#include "service/dsl/fate_dag.hpp"
#include "service/dsl/fate_dsl.hpp"
#include "service/dsl/job_planner.hpp"
#include "service/dsl/spec_json.hpp"

namespace {

fedflow::dsl::PlanContext Context() {
  fedflow::dsl::PlanContext ctx;
  ctx.defaults.set_task_cores(1);
  ctx.defaults.set_task_parallelism(1);
  ctx.check_module = [](const std::string& module, const std::string&) {
    return module.size() < 64 ? fedflow::Status::OK() : fedflow::InvalidArgumentError("no provider");
  };
  ctx.check_party = [](const std::string&) { return fedflow::Status::OK(); };
  return ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > (256u << 10)) return 0;
  static const fedflow::dsl::PlanContext ctx = Context();
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      std::size_t split = text.find("\n----\n");
      std::string_view dsl = split == std::string_view::npos ? text : text.substr(0, split);
      std::string_view conf = split == std::string_view::npos ? std::string_view("{}") : text.substr(split + 6);
      (void)fedflow::dsl::ParseFateDslText(dsl, conf, ctx);
      break;
    }
    case 1: {
      auto dag = fedflow::dsl::YamlToJson(text, "dag");
      if (dag.ok()) (void)fedflow::dsl::ParseFateDag(*dag, "9999", ctx);
      break;
    }
    default: {
      auto spec = fedflow::dsl::SpecFromJson(std::string(text));
      if (spec.ok()) (void)fedflow::dsl::ReplanReceived(*spec, ctx);
    }
  }
  return 0;
}
