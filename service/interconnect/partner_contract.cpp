#include "service/interconnect/partner_contract.hpp"

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <boost/json/serialize.hpp>

namespace fedflow::interconnect {

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  // Printing a well-formed message cannot fail; an empty object keeps the envelope valid anyway.
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}";
  return out;
}

Status FromJson(std::string_view json, google::protobuf::Message* message, std::string_view what) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto s = google::protobuf::util::JsonStringToMessage(std::string(json.empty() ? "{}" : json), message, options);
  if (!s.ok()) {
    return InvalidArgumentError(std::string(what) + " does not match " + message->GetTypeName() + ": " +
                                std::string(s.message()));
  }
  return Status::OK();
}

Status ReplyInto(const PartyReply& reply, google::protobuf::Message* message) {
  if (!reply.status.ok()) return reply.status;
  std::string data = reply.data.is_null() ? "{}" : boost::json::serialize(reply.data);
  return FromJson(data, message, "the answer of party " + reply.party_id);
}

}  // namespace fedflow::interconnect
