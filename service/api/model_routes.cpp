#include "service/api/model_routes.hpp"

#include <map>
#include <set>

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "proto/fedflow/partner.pb.h"
#include "service/api/request_args.hpp"
#include "service/http/envelope.hpp"
#include "service/interconnect/partner_contract.hpp"
#include "service/json/json.hpp"
#include "service/model/pipeline_models.hpp"

namespace fedflow::api {
namespace {

namespace bj = boost::json;
namespace paths = interconnect::paths;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

/// model_id and model_version, flat or under job_parameters (FATE 1.x load/bind confs).
StatusOr<model::ModelKey> KeyOf(const bj::object& args) {
  const bj::object* from = &args;
  if (!args.contains("model_id")) {
    if (const bj::value* jp = args.if_contains("job_parameters"); jp && jp->is_object()) {
      from = &jp->as_object();
      if (const bj::value* c = from->if_contains("common"); c && c->is_object()) from = &c->as_object();
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(std::string id, RequireString(*from, "model_id"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string version, RequireString(*from, "model_version"));
  FEDFLOW_RETURN_IF_ERROR(model::CheckModelKey(id, version));
  return model::ModelKey{id, version};
}

/// A list argument: a JSON array of strings, or comma-separated text.
StatusOr<std::vector<std::string>> ListArg(const bj::object& args, const char* key) {
  std::vector<std::string> out;
  const bj::value* v = args.if_contains(key);
  if (!v || v->is_null()) return out;
  if (v->is_string()) {
    std::string text(v->as_string());
    std::size_t at = 0;
    while (at <= text.size()) {
      auto comma = text.find(',', at);
      std::string item = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      if (!item.empty()) out.push_back(item);
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
    if (out.size() > 1000) return InvalidArgumentError(std::string("'") + key + "' has more than 1000 entries");
    return out;
  }
  if (!v->is_array()) return InvalidArgumentError(std::string("'") + key + "' must be a list of strings");
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) return InvalidArgumentError(std::string("'") + key + "' must be a list of strings");
    out.emplace_back(item.as_string());
  }
  if (out.size() > 1000) return InvalidArgumentError(std::string("'") + key + "' has more than 1000 entries");
  return out;
}

bj::object ModelView(const PipelineModel& m, bool detail) {
  bj::array parties, components, tags, deployed;
  for (const auto& p : m.parties()) parties.push_back(bj::object{{"role", p.role()}, {"party_id", p.party_id()}});
  for (const auto& c : m.components()) {
    auto meta = json::Parse(c.meta_json(), "meta");
    bj::array files;
    for (const auto& f : c.files()) files.push_back(bj::object{{"name", f.name()}, {"sha256", f.sha256()}, {"bytes", f.bytes()}});
    components.push_back(bj::object{{"component", c.component()},
                                    {"module", c.module()},
                                    {"output_key", c.output_key()},
                                    {"type_name", c.type_name()},
                                    {"files", std::move(files)},
                                    {"meta", meta.ok() ? *meta : bj::value(bj::object())}});
  }
  for (const auto& t : m.tags()) tags.emplace_back(t);
  for (const auto& d : m.deployed_components()) deployed.emplace_back(d);
  bj::object v{{"model_id", m.model_id()},
               {"model_version", m.model_version()},
               {"role", m.role()},
               {"party_id", m.party_id()},
               {"job_id", m.job_id()},
               {"format", m.format()},
               {"parent_version", m.parent_version()},
               {"initiator", bj::object{{"role", m.initiator().role()}, {"party_id", m.initiator().party_id()}}},
               {"parties", std::move(parties)},
               {"components", std::move(components)},
               {"deployed_components", std::move(deployed)},
               {"tags", std::move(tags)},
               {"created_ms", m.created_ms()}};
  if (detail) {
    auto dsl = json::Parse(m.train_dsl_json(), "train_dsl");
    auto conf = json::Parse(m.train_conf_json().empty() ? "{}" : m.train_conf_json(), "train_conf");
    auto inference = json::Parse(m.inference_dsl_json().empty() ? "{}" : m.inference_dsl_json(), "inference_dsl");
    v["train_dsl"] = dsl.ok() ? *dsl : bj::value(m.train_dsl_json());
    v["train_runtime_conf"] = conf.ok() ? *conf : bj::value();
    v["inference_dsl"] = inference.ok() ? *inference : bj::value();
  }
  return v;
}

/// The distinct party ids of a model, in the order recorded.
std::vector<std::string> PartiesOf(const PipelineModel& m) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& p : m.parties()) {
    if (seen.insert(p.party_id()).second) out.push_back(p.party_id());
  }
  return out;
}

/// Sends `message` to every party and answers per-party results; `ok` when all succeeded.
struct FanOut {
  bj::array results;
  std::vector<std::string> succeeded;
  Status first_error;
};

FanOut SendToAll(interconnect::PartyClient& client, const std::vector<std::string>& parties, const char* path,
                 const google::protobuf::Message& message, const std::string& key_of) {
  std::vector<interconnect::PartyCommand> commands;
  const std::string body = interconnect::ToJson(message);
  for (const auto& p : parties) commands.push_back({p, path, body, interconnect::NewCommandKey(key_of, "model")});
  auto replies = client.Send(commands);
  FanOut out;
  for (const auto& r : replies) {
    bj::object one{{"party_id", r.party_id}, {"ok", r.status.ok()}};
    if (r.status.ok()) {
      out.succeeded.push_back(r.party_id);
      if (!r.data.is_null()) one["data"] = r.data;
    } else {
      one["message"] = r.status.message();
      if (out.first_error.ok()) out.first_error = r.status;
    }
    out.results.push_back(std::move(one));
  }
  return out;
}

HttpResponse FanOutAnswer(FanOut&& out, bj::object data) {
  data["parties"] = std::move(out.results);
  if (!out.first_error.ok()) {
    HttpResponse r = JsonError(out.first_error);
    // The per-party results travel with the error, so a client sees who refused.
    auto env = json::ParseObject(r.body, "envelope");
    if (env.ok()) {
      (*env)["data"] = std::move(data);
      r.body = bj::serialize(*env);
    }
    return r;
  }
  return JsonOk(std::move(data));
}

/// A partner route's common checks: the body as `Request`, the sender one of the model's parties.
template <typename Request, typename Handler>
http::RouteHandler PartnerModelRoute(model::ModelRegistry& registry, bool initiator_only, Handler handler) {
  return [&registry, initiator_only, handler](const HttpRequest& req) -> HttpResponse {
    Request r;
    Status parsed = interconnect::FromJson(req.body, &r, "request body");
    if (!parsed.ok()) return JsonError(parsed);
    Status key = model::CheckModelKey(r.model_id(), r.model_version());
    if (!key.ok()) return JsonError(key);
    if (!req.internal) {
      Status allowed =
          registry.CheckSender(r.model_id(), r.model_version(), req.Header("x-fedflow-src-party"), initiator_only);
      if (!allowed.ok()) return JsonError(allowed);
    }
    return handler(r, req.internal);
  };
}

/// The preamble of a client route about one model version: its key, checked.
using KeyHandler = std::function<HttpResponse(const bj::object& args, const model::ModelKey& key)>;
http::RouteHandler ForKey(KeyHandler handler) {
  return WithArgs([handler](const HttpRequest&, const bj::object& args) -> HttpResponse {
    auto key = KeyOf(args);
    if (!key.ok()) return JsonError(key.status());
    return handler(args, *key);
  });
}

/// The same for a version this party holds: its parts here too (NotFound names the party).
using ModelHandler =
    std::function<HttpResponse(const bj::object& args, const model::ModelKey& key, const std::vector<PipelineModel>& parts)>;
http::RouteHandler ForModel(model::ModelRegistry* reg, ModelHandler handler) {
  return ForKey([reg, handler](const bj::object& args, const model::ModelKey& key) -> HttpResponse {
    auto parts = reg->PartsHere(key.model_id, key.model_version);
    if (!parts.ok()) return JsonError(parts.status());
    return handler(args, key, *parts);
  });
}

}  // namespace

void RegisterModelRoutes(http::Router& router, model::ModelRegistry& registry, interconnect::PartyClient& parties,
                         const Clock& clock) {
  model::ModelRegistry* reg = &registry;
  interconnect::PartyClient* client = &parties;
  const Clock* clk = &clock;

  // ---- partners ----
  router.Add("POST", paths::kModelDeploy,
             {"interconnect", "Derive a deployed version of a model at this party.",
              "model_id, model_version, new_version, components, inference_dsl_json"},
             PartnerModelRoute<contract::DeployModel>(registry, true, [reg](const contract::DeployModel& r, bool) {
               Status s = reg->Deploy(r);
               return s.ok() ? JsonOk() : JsonError(s);
             }));
  router.Add("POST", paths::kModelCheck,
             {"interconnect", "Is the model here, whole? Answers the roles held.", "model_id, model_version"},
             PartnerModelRoute<contract::ModelRef>(registry, false, [reg](const contract::ModelRef& r, bool) {
               auto roles = reg->Check(r.model_id(), r.model_version());
               if (!roles.ok()) return JsonError(roles.status());
               contract::ModelHeld held;
               for (const auto& role : *roles) held.add_roles(role);
               return http::JsonOkRaw(interconnect::ToJson(held));
             }));
  router.Add("POST", paths::kModelDelete,
             {"interconnect", "Undo a deploy at this party: delete a deployed (never a trained) version.",
              "model_id, model_version"},
             PartnerModelRoute<contract::ModelRef>(registry, true, [reg](const contract::ModelRef& r, bool) {
               Status s = reg->UndoDeploy(r.model_id(), r.model_version());
               return s.ok() ? JsonOk() : JsonError(s);
             }));
  router.Add("POST", paths::kModelBind,
             {"interconnect", "Bind a service id to a model version at this party.",
              "service_id, model_id, model_version"},
             PartnerModelRoute<contract::BindModel>(registry, true, [reg](const contract::BindModel& r, bool internal) {
               Status s = reg->Bind(r.service_id(), r.model_id(), r.model_version(), !internal);
               return s.ok() ? JsonOk() : JsonError(s);
             }));
  router.Add("POST", paths::kModelMigrate,
             {"interconnect", "Copy a model at this party under new party ids.",
              "model_id, model_version, new_model_id, new_version, moves"},
             PartnerModelRoute<contract::MigrateModel>(registry, true, [reg](const contract::MigrateModel& r, bool) {
               Status s = reg->Migrate(r);
               return s.ok() ? JsonOk() : JsonError(s);
             }));

  // ---- clients ----
  router.Add("POST", "/v2/model/query",
             {"application", "Models kept at this party (FATE's model query/list/info), newest first.",
              "model_id, model_version, role, party_id (filters), detail (DSLs and conf)"},
             WithArgs([reg](const HttpRequest&, const bj::object& args) -> HttpResponse {
               auto id = OptionalString(args, "model_id");
               auto version = OptionalString(args, "model_version");
               auto role = OptionalString(args, "role");
               auto party = OptionalString(args, "party_id");
               if (!id.ok() || !version.ok() || !role.ok() || !party.ok()) {
                 return JsonError(InvalidArgumentError("model_id, model_version, role and party_id are strings"));
               }
               if (!id->empty() && !model::IsModelId(*id)) return JsonError(model::CheckModelKey(*id, "0"));
               if (!version->empty() && !model::IsModelVersion(*version)) return JsonError(model::CheckModelKey("m", *version));
               const bj::value* d = args.if_contains("detail");
               const bool detail = d && ((d->is_bool() && d->as_bool()) || (d->is_string() && d->as_string() == "true"));
               auto models = reg->store().List(*id, *version);
               if (!models.ok()) return JsonError(models.status());
               bj::array out;
               for (const auto& m : *models) {
                 if ((!role->empty() && m.role() != *role) || (!party->empty() && m.party_id() != *party)) continue;
                 out.push_back(ModelView(m, detail));
               }
               return JsonOk(bj::object{{"count", out.size()}, {"data", std::move(out)}});
             }));

  router.Add("POST", "/v2/model/deploy",
             {"application",
              "Deploy a trained model at every party of it: a new model version with the chosen components and "
              "their predict (inference) DSL.",
              "model_id, model_version, cpn_list (components; default all but Evaluation)"},
             ForModel(reg, [reg, client, clk](const bj::object& args, const model::ModelKey& key,
                                  const std::vector<PipelineModel>& parts) -> HttpResponse {
               const PipelineModel& here = parts.front();
               if (here.format() != "fate-1.x-dsl") {
                 return JsonError(FailedPreconditionError("model " + key.model_id +
                                                          " was trained from a 2.x DAG: predict with a DAG whose "
                                                          "inputs name it in model_warehouse"));
               }
               auto cpn = ListArg(args, args.contains("cpn_list") ? "cpn_list" : "cpn_str");
               if (!cpn.ok()) return JsonError(cpn.status());
               std::vector<std::string> components = *cpn;
               if (components.empty()) {
                 auto defaults = model::DefaultDeployComponents(here.train_dsl_json());
                 if (!defaults.ok()) return JsonError(defaults.status());
                 components = *defaults;
               }
               auto dsl = model::InferenceDsl(here.train_dsl_json(), components);
               if (!dsl.ok()) return JsonError(dsl.status());
               contract::DeployModel m;
               m.set_model_id(key.model_id);
               m.set_model_version(key.model_version);
               m.set_new_version(NewJobId(clk->NowMs()));
               for (const auto& c : components) m.add_components(c);
               m.set_inference_dsl_json(*dsl);
               FanOut out = SendToAll(*client, PartiesOf(here), paths::kModelDeploy, m, m.new_version());
               if (!out.first_error.ok()) {
                 // Undone everywhere (a party that timed out may have done it): a deployed version
                 // exists at every party or at none.
                 contract::ModelRef undo;
                 undo.set_model_id(key.model_id);
                 undo.set_model_version(m.new_version());
                 FanOut undone = SendToAll(*client, PartiesOf(parts.front()), paths::kModelDelete, undo, m.new_version());
                 // A party that misses the undo keeps an unused version (model query lists it).
                 if (!undone.first_error.ok()) {
                   log::Get("model")->warn("model_id={} model_version={} deploy not undone: {}", key.model_id,
                                           m.new_version(), undone.first_error.message());
                 }
               }
               auto dsl_value = json::Parse(*dsl, "inference dsl");
               bj::array cl;
               for (const auto& c : components) cl.emplace_back(c);
               return FanOutAnswer(std::move(out), bj::object{{"model_id", key.model_id},
                                                              {"model_version", m.new_version()},
                                                              {"parent_model_version", key.model_version},
                                                              {"components", std::move(cl)},
                                                              {"dsl", dsl_value.ok() ? *dsl_value : bj::value()}});
             }));

  router.Add("POST", "/v2/model/predict/dsl",
             {"application", "The predict (inference) DSL of a model version (FATE's get-predict-dsl).",
              "model_id, model_version"},
             ForModel(reg, [reg](const bj::object& args, const model::ModelKey& key,
                                  const std::vector<PipelineModel>& parts) -> HttpResponse {
               if (parts.front().inference_dsl_json().empty()) {
                 return JsonError(FailedPreconditionError("model " + key.model_id + " " + key.model_version +
                                                          " has no predict DSL (a 2.x model)"));
               }
               auto dsl = json::Parse(parts.front().inference_dsl_json(), "inference dsl");
               if (!dsl.ok()) return JsonError(dsl.status());
               return JsonOk(*dsl);
             }));
  router.Add("POST", "/v2/model/predict/conf",
             {"application",
              "A predict runtime conf to start from (FATE's get-predict-conf): the training roles, job_type "
              "predict with the model's key, the Readers' tables of the training job.",
              "model_id, model_version"},
             ForModel(reg, [reg](const bj::object& args, const model::ModelKey& key,
                                  const std::vector<PipelineModel>& parts) -> HttpResponse {
               auto conf = model::PredictConfTemplate(parts.front());
               if (!conf.ok()) return JsonError(conf.status());
               return JsonOk(*conf);
             }));

  router.Add("POST", "/v2/model/load",
             {"application",
              "Check that every party of a model holds it whole (FATE's load); answers each party's roles, or "
              "names the parties that miss it.",
              "model_id, model_version (flat or under job_parameters)"},
             ForModel(reg, [reg, client](const bj::object& args, const model::ModelKey& key,
                                  const std::vector<PipelineModel>& parts) -> HttpResponse {
               contract::ModelRef m;
               m.set_model_id(key.model_id);
               m.set_model_version(key.model_version);
               FanOut out = SendToAll(*client, PartiesOf(parts.front()), paths::kModelCheck, m, key.model_version);
               return FanOutAnswer(std::move(out),
                                   bj::object{{"model_id", key.model_id}, {"model_version", key.model_version}});
             }));
  router.Add("POST", "/v2/model/bind",
             {"application", "Bind a service id to a model version at every party of it (FATE's bind).",
              "service_id, model_id, model_version"},
             ForKey([reg, client](const bj::object& args, const model::ModelKey& key) -> HttpResponse {
               auto service = RequireString(args, "service_id");
               if (!service.ok()) return JsonError(service.status());
               Status sid = model::CheckServiceId(*service);
               if (!sid.ok()) return JsonError(sid);
               auto parts = reg->PartsHere(key.model_id, key.model_version);
               if (!parts.ok()) return JsonError(parts.status());
               contract::BindModel m;
               m.set_service_id(*service);
               m.set_model_id(key.model_id);
               m.set_model_version(key.model_version);
               FanOut out = SendToAll(*client, PartiesOf(parts->front()), paths::kModelBind, m, key.model_version);
               return FanOutAnswer(std::move(out), bj::object{{"service_id", *service},
                                                              {"model_id", key.model_id},
                                                              {"model_version", key.model_version}});
             }));
  router.Add("POST", "/v2/model/bindings",
             {"application", "The service ids bound at this party.", ""},
             WithArgs([reg](const HttpRequest&, const bj::object&) -> HttpResponse {
               auto bindings = reg->store().Bindings();
               if (!bindings.ok()) return JsonError(bindings.status());
               bj::array out;
               for (const auto& b : *bindings) {
                 out.push_back(bj::object{{"service_id", b.service_id()},
                                          {"model_id", b.model_id()},
                                          {"model_version", b.model_version()},
                                          {"bound_ms", b.bound_ms()}});
               }
               return JsonOk(std::move(out));
             }));

  router.Add("POST", "/v2/model/migrate",
             {"application",
              "Copy a model under new party ids at the parties that execute it (FATE's migrate); the new model "
              "id follows the new roles, the version is unify_model_version or a new one.",
              "model_id, model_version, migrate_role {role: [new ids]}, role {role: [old ids]} (default the "
              "model's), execute_party {role: [ids]} (default every party), unify_model_version"},
             ForModel(reg, [reg, client, clk](const bj::object& args, const model::ModelKey& key,
                                  const std::vector<PipelineModel>& parts) -> HttpResponse {
               const PipelineModel& here = parts.front();
               const bj::value* to = args.if_contains("migrate_role");
               if (!to || !to->is_object()) return JsonError(InvalidArgumentError("migrate_role {role: [party ids]} is required"));
               // Old ids by role: the model's, in its order (or the conf's `role`).
               std::map<std::string, std::vector<std::string>> old_ids;
               for (const auto& p : here.parties()) old_ids[p.role()].push_back(p.party_id());
               contract::MigrateModel m;
               m.set_model_id(key.model_id);
               m.set_model_version(key.model_version);
               JobSpec moved;
               for (const auto& [role, ids] : old_ids) {
                 const bj::value* list = to->as_object().if_contains(role);
                 if (!list || !list->is_array() || list->as_array().size() != ids.size()) {
                   return JsonError(InvalidArgumentError("migrate_role." + role + " must list " +
                                                         std::to_string(ids.size()) + " party ids, one per party of "
                                                         "the model in that role"));
                 }
                 for (std::size_t i = 0; i < ids.size(); ++i) {
                   auto id = json::ScalarToString(list->as_array()[i], "migrate_role");
                   if (!id.ok() || !model::IsModelVersion(*id)) {
                     return JsonError(InvalidArgumentError("migrate_role." + role + "[" + std::to_string(i) +
                                                           "] is not a party id"));
                   }
                   contract::PartyMove* mv = m.add_moves();
                   mv->set_role(role);
                   mv->set_from_party_id(ids[i]);
                   mv->set_to_party_id(*id);
                   PartyRef* p = moved.add_parties();
                   p->set_role(role);
                   p->set_party_id(*id);
                 }
               }
               for (const auto& kv : to->as_object()) {
                 if (!old_ids.count(std::string(kv.key()))) {
                   return JsonError(InvalidArgumentError("migrate_role." + std::string(kv.key()) + ": the model has no such role"));
                 }
               }
               moved.set_format("fate-1.x-dsl");
               m.set_new_model_id(model::FateModelId(moved));
               auto unify = OptionalString(args, "unify_model_version");
               if (!unify.ok()) return JsonError(unify.status());
               m.set_new_version(unify->empty() ? NewJobId(clk->NowMs()) : *unify);
               Status key_ok = model::CheckModelKey(m.new_model_id(), m.new_version());
               if (!key_ok.ok()) return JsonError(key_ok);
               std::vector<std::string> execute = PartiesOf(here);
               if (const bj::value* ex = args.if_contains("execute_party"); ex && ex->is_object()) {
                 std::set<std::string> listed;
                 for (const auto& kv : ex->as_object()) {
                   if (!kv.value().is_array()) return JsonError(InvalidArgumentError("execute_party." + std::string(kv.key()) + " must be a list"));
                   for (const auto& id : kv.value().as_array()) {
                     auto text = json::ScalarToString(id, "execute_party");
                     if (!text.ok()) return JsonError(text.status());
                     listed.insert(*text);
                   }
                 }
                 std::vector<std::string> chosen;
                 for (const auto& p : execute) {
                   if (listed.count(p)) chosen.push_back(p);
                 }
                 if (chosen.size() != listed.size()) {
                   return JsonError(InvalidArgumentError("execute_party names a party that is not a party of the model"));
                 }
                 execute = chosen;
               }
               FanOut out = SendToAll(*client, execute, paths::kModelMigrate, m, m.new_version());
               return FanOutAnswer(std::move(out), bj::object{{"model_id", m.new_model_id()},
                                                              {"model_version", m.new_version()},
                                                              {"from_model_id", key.model_id},
                                                              {"from_model_version", key.model_version}});
             }));

  router.Add("POST", "/v2/model/delete",
             {"application", "Delete a model version at this party (every role it is kept for here).",
              "model_id, model_version"},
             ForKey([reg](const bj::object& args, const model::ModelKey& key) -> HttpResponse {
               Status s = reg->Delete(key.model_id, key.model_version);
               if (!s.ok()) return JsonError(s);
               return JsonOk(bj::object{{"model_id", key.model_id}, {"model_version", key.model_version}});
             }));
  router.Add("POST", "/v2/model/tag",
             {"application", "Add or remove tags of a model version at this party.",
              "model_id, model_version, add, remove (lists of tags)"},
             ForKey([reg](const bj::object& args, const model::ModelKey& key) -> HttpResponse {
               auto add = ListArg(args, "add");
               auto remove = ListArg(args, "remove");
               if (!add.ok()) return JsonError(add.status());
               if (!remove.ok()) return JsonError(remove.status());
               Status s = reg->Tag(key.model_id, key.model_version, *add, *remove);
               if (!s.ok()) return JsonError(s);
               auto parts = reg->StoredParts(key.model_id, key.model_version);
               if (!parts.ok()) return JsonError(parts.status());
               bj::array tags;
               for (const auto& t : parts->front().tags()) tags.emplace_back(t);
               return JsonOk(bj::object{{"model_id", key.model_id}, {"model_version", key.model_version},
                                        {"tags", std::move(tags)}});
             }));
  router.Add("POST", "/v2/model/export",
             {"application",
              "This party's parts of a model version as a .tar.gz (manifest.json with every file's SHA-256).",
              "model_id, model_version"},
             ForKey([reg](const bj::object& args, const model::ModelKey& key) -> HttpResponse {
               auto archive = reg->Export(key.model_id, key.model_version);
               if (!archive.ok()) return JsonError(archive.status());
               HttpResponse r;
               r.content_type = "application/gzip";
               r.headers.push_back({"Content-Disposition", "attachment; filename=\"model_" + key.model_version + ".tar.gz\""});
               r.body = std::move(archive).value();
               return r;
             }));
  router.Add("POST", "/v2/model/import",
             {"application",
              "Import a model export (the body, a .tar.gz): every file's digest is checked first, and nothing is "
              "stored unless all of it is.",
              "body: the archive (Content-Type application/gzip); query force=true replaces an existing version"},
             [reg](const HttpRequest& req) -> HttpResponse {
               auto imported = reg->Import(req.body, req.Query("force") == "true");
               if (!imported.ok()) return JsonError(imported.status());
               bj::array out;
               for (const auto& m : *imported) out.push_back(ModelView(m, false));
               return JsonOk(bj::object{{"count", out.size()}, {"data", std::move(out)}});
             });
  router.Add("POST", "/v2/model/store",
             {"application", "Store this party's parts of a model version in the model store backend.",
              "model_id, model_version"},
             ForKey([reg](const bj::object& args, const model::ModelKey& key) -> HttpResponse {
               auto path = reg->StoreToBackend(key.model_id, key.model_version);
               if (!path.ok()) return JsonError(path.status());
               return JsonOk(bj::object{{"model_id", key.model_id}, {"model_version", key.model_version},
                                        {"path", *path}});
             }));
  router.Add("POST", "/v2/model/restore",
             {"application", "Restore a model version from the model store backend (checked like an import).",
              "model_id, model_version, force"},
             ForKey([reg](const bj::object& args, const model::ModelKey& key) -> HttpResponse {
               const bj::value* force = args.if_contains("force");
               const bool replace = force && ((force->is_bool() && force->as_bool()) ||
                                              (force->is_string() && force->as_string() == "true"));
               auto restored = reg->RestoreFromBackend(key.model_id, key.model_version, replace);
               if (!restored.ok()) return JsonError(restored.status());
               bj::array out;
               for (const auto& m : *restored) out.push_back(ModelView(m, false));
               return JsonOk(bj::object{{"count", out.size()}, {"data", std::move(out)}});
             }));
}

}  // namespace fedflow::api
