#include "components/ml/intersection/intersection.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>
#include <unordered_set>

#include "components/ml/intersection/psi.hpp"
#include "components/sdk/params.hpp"
#include "components/sdk/table.hpp"
#include "components/sdk/tracking.hpp"
#include "components/sdk/transport.hpp"

namespace fedflow::ml {

namespace bj = boost::json;
using worker::StringOf;

namespace {

// FATE 1.11 IntersectParam keys this module reads, and the ones it accepts and leaves alone
// (they tune FATE's caching, preprocessing and id generation, which fedflow does not have).
const std::set<std::string> kRead = {"intersect_method", "sync_intersect_ids", "only_output_key", "cardinality_only",
                                     "rsa_params", "ecdh_params", "need_run"};
const std::set<std::string> kIgnored = {"join_role", "join_method", "new_sample_id", "sample_id_generator",
                                        "intersect_cache_param", "run_cache", "cardinality_method", "sync_cardinality",
                                        "run_preprocess", "intersect_preprocess_params", "repeated_id_process",
                                        "repeated_id_owner", "with_sample_id", "allow_info_share", "info_owner",
                                        "with_encode", "encode_params", "raw_params", "dh_params"};

StatusOr<PsiOptions> OptionsOf(const worker::Params& p) {
  std::set<std::string> known = kRead;
  known.insert(kIgnored.begin(), kIgnored.end());
  FEDFLOW_RETURN_IF_ERROR(p.CheckKnown(known));
  PsiOptions o;
  FEDFLOW_ASSIGN_OR_RETURN(o.method, p.Choice("intersect_method", "rsa", {"rsa", "ecdh"}));
  FEDFLOW_ASSIGN_OR_RETURN(o.sync_intersect_ids, p.Bool("sync_intersect_ids", true));
  FEDFLOW_ASSIGN_OR_RETURN(o.cardinality_only, p.Bool("cardinality_only", false));
  FEDFLOW_ASSIGN_OR_RETURN(worker::Params rsa, p.Object("rsa_params"));
  FEDFLOW_RETURN_IF_ERROR(rsa.CheckKnown({"hash_method", "final_hash_method", "salt", "split_calculation",
                                          "random_base_fraction", "key_length", "random_bit"}));
  const std::vector<std::string> hashes = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sm3"};
  FEDFLOW_ASSIGN_OR_RETURN(o.hash_method, rsa.Choice("hash_method", "sha256", hashes));
  FEDFLOW_ASSIGN_OR_RETURN(o.final_hash_method, rsa.Choice("final_hash_method", "sha256", hashes));
  FEDFLOW_ASSIGN_OR_RETURN(o.salt, rsa.String("salt", ""));
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t bits, rsa.Int("key_length", 1024, 1024, 8192));
  if (bits % 2 != 0) return rsa.Error("key_length", "must be even");
  o.key_length = static_cast<int>(bits);
  FEDFLOW_ASSIGN_OR_RETURN(bool split, rsa.Bool("split_calculation", false));
  if (split) return rsa.Error("split_calculation", "true is not supported (FATE's split variant); set it to false");
  FEDFLOW_ASSIGN_OR_RETURN(worker::Params ecdh, p.Object("ecdh_params"));
  FEDFLOW_RETURN_IF_ERROR(ecdh.CheckKnown({"hash_method", "salt", "curve"}));
  // FATE's curve25519 and our ristretto255 give the same security; no wire compatibility is needed.
  FEDFLOW_RETURN_IF_ERROR(ecdh.Choice("curve", "curve25519", {"curve25519", "ristretto255"}).status());
  FEDFLOW_ASSIGN_OR_RETURN(std::string ecdh_salt, ecdh.String("salt", ""));
  FEDFLOW_ASSIGN_OR_RETURN(std::string ecdh_hash, ecdh.Choice("hash_method", "sha256", hashes));
  if (o.method == "ecdh") {
    // FATE hashes the id (with the salt) by hash_method before mapping it to the curve.
    o.salt = ecdh_salt;
    o.hash_method = ecdh_hash;
  }
  o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return o;
}

}  // namespace

Status RunIntersection(worker::WorkerSession& s) {
  const std::string role = StringOf(s.config(), "role");
  const std::string where = "component " + StringOf(s.config(), "task_name") + " at " + role + ":" +
                            StringOf(s.config(), "party_id");
  worker::Params params(s.parameters(), where);
  FEDFLOW_ASSIGN_OR_RETURN(PsiOptions options, OptionsOf(params));
  FEDFLOW_ASSIGN_OR_RETURN(bool only_key, params.Bool("only_output_key", false));
  if (role != "guest" && role != "host") {
    return InvalidArgumentError(where + ": Intersection runs at guest and host, not " + role);
  }
  FEDFLOW_ASSIGN_OR_RETURN(worker::DataInput input, worker::ReadDataInput(s));
  const worker::CsvTable& table = input.table;
  std::vector<std::string> all_ids;
  all_ids.reserve(table.rows.size());
  for (const auto& r : table.rows) all_ids.push_back(r[0]);
  const std::vector<std::string> ids = Distinct(all_ids);
  std::printf("intersection: %s, %zu rows, %zu distinct ids, method %s\n", where.c_str(), table.rows.size(), ids.size(),
              options.method.c_str());
  std::fflush(stdout);
  s.Progress(10);

  worker::Transport transport(s);
  TransportChannel channel(transport, StringOf(s.config(), "task_name") + ".intersect");
  PsiResult result;
  if (role == "guest") {
    std::vector<PartyRef> hosts = transport.PartiesOf("host");
    FEDFLOW_ASSIGN_OR_RETURN(result, RunPsiGuest(channel, options, ids, hosts));
  } else {
    std::vector<PartyRef> guests = transport.PartiesOf("guest");
    if (guests.size() != 1) return FailedPreconditionError(where + ": an intersection needs exactly one guest");
    FEDFLOW_ASSIGN_OR_RETURN(result, RunPsiHost(channel, options, ids, guests.front()));
  }
  s.Progress(90);
  std::printf("intersection: count %lld (%s)\n", static_cast<long long>(result.count),
              result.knows_ids ? "ids known here" : "ids not known here");

  if (result.knows_ids) {
    std::unordered_set<std::string> common(result.ids.begin(), result.ids.end());
    worker::CsvTable out;
    out.header = only_key ? std::vector<std::string>{table.header[0]} : table.header;
    for (const auto& r : table.rows) {
      if (!common.count(r[0])) continue;
      out.rows.push_back(only_key ? std::vector<std::string>{r[0]} : r);
    }
    FEDFLOW_RETURN_IF_ERROR(worker::SaveDataOutput(s, worker::FirstDataOutput(s), out, input.id_column,
                                                   only_key ? "" : input.label_column));
  }
  const double rate = ids.empty() || result.count < 0 ? 0.0 : static_cast<double>(result.count) / static_cast<double>(ids.size());
  worker::MetricPoints points = {{"intersect_count", result.count}};
  if (result.count >= 0) points.emplace_back("intersect_rate", rate);
  return worker::LogMetric(s, "train", "intersection", points, "INTERSECTION",
                           bj::object{{"intersect_method", options.method},
                                      {"join_method", "inner_join"},
                                      {"sync_intersect_ids", options.sync_intersect_ids},
                                      {"cardinality_only", options.cardinality_only}});
}

}  // namespace fedflow::ml
