#include "service/dsl/spec_json.hpp"

#include <google/protobuf/util/json_util.h>

namespace fedflow::dsl {

std::string SpecToJson(const JobSpec& spec) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  // Printing a well-formed message cannot fail (only unset Any fields could); an empty result
  // would be refused by the reader, never taken for a job.
  if (!google::protobuf::util::MessageToJsonString(spec, &out, options).ok()) out.clear();
  return out;
}

StatusOr<JobSpec> SpecFromJson(const std::string& json) {
  JobSpec spec;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // a newer party may add fields
  auto s = google::protobuf::util::JsonStringToMessage(json, &spec, options);
  if (!s.ok()) return InvalidArgumentError("job spec is not valid: " + std::string(s.message()));
  return spec;
}

}  // namespace fedflow::dsl
