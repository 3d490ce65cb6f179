#include "service/model/model_registry.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "base/log.hpp"
#include "service/files/private_file.hpp"
#include "service/files/tar_gz.hpp"
#include "service/interconnect/partner_contract.hpp"
#include "service/json/json.hpp"
#include "service/model/pipeline_models.hpp"
#include "service/security/signing_key.hpp"

namespace fedflow::model {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;

constexpr std::size_t kMaxArchiveFiles = 10000;

/// The files of a part as ComponentFiles to store again (deploy, migrate).
std::vector<ComponentFile> FilesOf(const ModelStore& store, const PipelineModel& m,
                                   const std::set<std::string>* only = nullptr) {
  std::vector<ComponentFile> out;
  const fs::path part = store.PartDir(m.model_id(), m.model_version(), m.role(), m.party_id());
  for (const auto& c : m.components()) {
    if (only && !only->count(c.component())) continue;
    ComponentFile f{c, {}};
    for (const auto& file : c.files()) f.sources.emplace_back(file.name(), (part / ComponentDirName(c) / file.name()).string());
    out.push_back(std::move(f));
  }
  return out;
}

std::string Moved(const std::string& role, const std::string& party_id,
                  const google::protobuf::RepeatedPtrField<contract::PartyMove>& moves) {
  for (const auto& m : moves) {
    if (m.role() == role && m.from_party_id() == party_id) return m.to_party_id();
  }
  return party_id;
}

/// A 1.x runtime conf with its initiator and role lists moved to the new party ids.
StatusOr<std::string> MovedConf(const std::string& conf_json,
                                const google::protobuf::RepeatedPtrField<contract::PartyMove>& moves) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object parsed, json::ParseObject(conf_json, "the model's training conf"));
  bj::object* conf = &parsed;
  if (bj::value* roles = conf->if_contains("role"); roles && roles->is_object()) {
    for (auto& kv : roles->as_object()) {
      if (!kv.value().is_array()) continue;
      for (auto& id : kv.value().as_array()) {
        auto text = json::ScalarToString(id, "role");
        if (text.ok()) id = bj::value(Moved(std::string(kv.key()), *text, moves));
      }
    }
  }
  if (bj::value* init = conf->if_contains("initiator"); init && init->is_object()) {
    bj::object& o = init->as_object();
    if (o.contains("role") && o.at("role").is_string() && o.contains("party_id")) {
      auto text = json::ScalarToString(o.at("party_id"), "initiator.party_id");
      if (text.ok()) o["party_id"] = Moved(std::string(o.at("role").as_string()), *text, moves);
    }
  }
  return json::Dump(parsed);
}

/// "<id>/<version>/<role>#<party>/<rest>" split; nullopt-like false when the name is not one.
bool SplitEntry(const std::string& name, std::string* id, std::string* version, std::string* part, std::string* rest) {
  auto a = name.find('/');
  if (a == std::string::npos) return false;
  auto b = name.find('/', a + 1);
  if (b == std::string::npos) return false;
  auto c = name.find('/', b + 1);
  if (c == std::string::npos) return false;
  *id = name.substr(0, a);
  *version = name.substr(a + 1, b - a - 1);
  *part = name.substr(b + 1, c - b - 1);
  *rest = name.substr(c + 1);
  return IsModelId(*id) && IsModelVersion(*version) && !rest->empty();
}

/// Removes the parts an operation stored before it failed (all its parts or none), and returns
/// the failure.
Status Undone(ModelStore& store, const std::vector<PipelineModel>& done, Status failure) {
  for (const auto& d : done) {
    Status removed = store.Remove(d.model_id(), d.model_version(), d.role(), d.party_id());
    if (!removed.ok()) log::Get("model")->error("undoing a partial {}: {}", failure.message(), removed.message());
  }
  return failure;
}

}  // namespace

StatusOr<std::vector<PipelineModel>> ModelRegistry::PartsHere(const std::string& model_id,
                                                              const std::string& model_version) const {
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(model_id, model_version));
  FEDFLOW_ASSIGN_OR_RETURN(auto all, store_.List(model_id, model_version));
  std::vector<PipelineModel> out;
  for (auto& m : all) {
    if (m.party_id() == options_.party_id) out.push_back(std::move(m));
  }
  if (out.empty()) {
    return NotFoundError("party " + options_.party_id + " has no model " + model_id + " version " + model_version);
  }
  return out;
}

StatusOr<std::vector<PipelineModel>> ModelRegistry::StoredParts(const std::string& model_id,
                                                                const std::string& model_version) const {
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(model_id, model_version));
  FEDFLOW_ASSIGN_OR_RETURN(auto all, store_.List(model_id, model_version));
  if (all.empty()) {
    return NotFoundError("party " + options_.party_id + " stores no model " + model_id + " version " + model_version);
  }
  return all;
}

Status ModelRegistry::CheckSender(const std::string& model_id, const std::string& model_version,
                                  const std::string& sender, bool initiator_only) const {
  FEDFLOW_ASSIGN_OR_RETURN(auto parts, PartsHere(model_id, model_version));
  for (const auto& m : parts) {
    if (initiator_only) {
      if (m.initiator().party_id() == sender) return Status::OK();
      continue;
    }
    for (const auto& p : m.parties()) {
      if (p.party_id() == sender) return Status::OK();
    }
  }
  if (initiator_only) {
    return PermissionDeniedError("only the initiator of model " + model_id + " " + model_version + " (party " +
                                 parts.front().initiator().party_id() + ") may change it at party " + options_.party_id +
                                 ", not party " + sender.substr(0, 64));
  }
  return PermissionDeniedError("party " + sender.substr(0, 64) + " is no party of model " + model_id + " " +
                               model_version + " at party " + options_.party_id);
}

StatusOr<std::vector<std::string>> ModelRegistry::Check(const std::string& model_id,
                                                        const std::string& model_version) const {
  FEDFLOW_ASSIGN_OR_RETURN(auto parts, PartsHere(model_id, model_version));
  std::vector<std::string> roles;
  for (const auto& m : parts) {
    FEDFLOW_RETURN_IF_ERROR(store_.Verify(m).WithContext("party " + options_.party_id + ", role " + m.role()));
    roles.push_back(m.role());
  }
  return roles;
}

Status ModelRegistry::Deploy(const contract::DeployModel& r) {
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(r.model_id(), r.new_version()));
  FEDFLOW_ASSIGN_OR_RETURN(auto parts, PartsHere(r.model_id(), r.model_version()));
  if (r.components().empty()) return InvalidArgumentError("deploy names no components");
  const std::vector<std::string> components(r.components().begin(), r.components().end());
  const std::set<std::string> kept(components.begin(), components.end());
  std::vector<PipelineModel> done;
  auto undo = [&](Status failure) { return Undone(store_, done, std::move(failure)); };
  for (const auto& m : parts) {
    // The predict DSL is derived here from this party's own training DSL, never taken as sent.
    auto dsl = InferenceDsl(m.train_dsl_json(), components);
    if (!dsl.ok()) return undo(dsl.status());
    PipelineModel next = m;
    next.set_model_version(r.new_version());
    next.set_parent_version(m.model_version());
    next.set_inference_dsl_json(*dsl);
    next.clear_deployed_components();
    for (const auto& c : components) next.add_deployed_components(c);
    next.set_created_ms(clock_.NowMs());
    Status put = store_.Put(next, FilesOf(store_, m, &kept), false);
    if (!put.ok()) return undo(put);
    done.push_back(next);
    log::Get("model")->info("model_id={} model_version={} party={}:{} deployed_from={} components={} deployed",
                            r.model_id(), r.new_version(), m.role(), m.party_id(), m.model_version(), kept.size());
  }
  return Status::OK();
}

Status ModelRegistry::UndoDeploy(const std::string& model_id, const std::string& model_version) {
  auto parts = PartsHere(model_id, model_version);
  if (!parts.ok()) return parts.status().code() == StatusCode::kNotFound ? Status::OK() : parts.status();
  for (const auto& m : *parts) {
    if (m.parent_version().empty()) {
      return PermissionDeniedError("model " + model_id + " " + model_version +
                                   " was trained, not deployed: only its own party deletes it");
    }
  }
  return Delete(model_id, model_version);
}

Status ModelRegistry::Delete(const std::string& model_id, const std::string& model_version) {
  FEDFLOW_ASSIGN_OR_RETURN(auto parts, StoredParts(model_id, model_version));
  for (const auto& m : parts) {
    FEDFLOW_RETURN_IF_ERROR(store_.Remove(model_id, model_version, m.role(), m.party_id()));
    log::Get("model")->info("model_id={} model_version={} party={}:{} deleted", model_id, model_version, m.role(),
                            m.party_id());
  }
  return Status::OK();
}

Status ModelRegistry::Bind(const std::string& service_id, const std::string& model_id,
                           const std::string& model_version, bool from_partner) {
  FEDFLOW_RETURN_IF_ERROR(Check(model_id, model_version).status());
  if (from_partner) {
    // A partner moves a service id between versions of one model, never to another model.
    FEDFLOW_ASSIGN_OR_RETURN(auto bindings, store_.Bindings());
    for (const auto& b : bindings) {
      if (b.service_id() == service_id && b.model_id() != model_id) {
        return PermissionDeniedError("service id " + service_id + " is bound to model " + b.model_id() +
                                     " at party " + options_.party_id + ": a partner cannot re-point it");
      }
    }
  }
  ModelBinding b;
  b.set_service_id(service_id);
  b.set_model_id(model_id);
  b.set_model_version(model_version);
  b.set_bound_ms(clock_.NowMs());
  FEDFLOW_RETURN_IF_ERROR(store_.Bind(b));
  log::Get("model")->info("service_id={} model_id={} model_version={} party={} bound", service_id, model_id,
                          model_version, options_.party_id);
  return Status::OK();
}

Status ModelRegistry::Migrate(const contract::MigrateModel& r) {
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(r.new_model_id(), r.new_version()));
  FEDFLOW_ASSIGN_OR_RETURN(auto parts, PartsHere(r.model_id(), r.model_version()));
  for (const auto& mv : r.moves()) {
    if (!IsPartName(mv.to_party_id()) || !IsPartName(mv.role())) {
      return InvalidArgumentError("migrate: party id '" + mv.to_party_id().substr(0, 64) + "' of role '" +
                                  mv.role().substr(0, 32) + "' is not a party id");
    }
  }
  std::vector<PipelineModel> done;
  auto undo = [&](Status failure) { return Undone(store_, done, std::move(failure)); };
  for (const auto& m : parts) {
    PipelineModel next = m;
    next.set_model_version(r.new_version());
    next.set_party_id(Moved(m.role(), m.party_id(), r.moves()));
    next.mutable_initiator()->set_party_id(Moved(m.initiator().role(), m.initiator().party_id(), r.moves()));
    for (auto& p : *next.mutable_parties()) p.set_party_id(Moved(p.role(), p.party_id(), r.moves()));
    // The new id follows the moved roles as this party recorded them, whatever the sender says.
    JobSpec moved;
    moved.set_format("fate-1.x-dsl");
    *moved.mutable_parties() = next.parties();
    if (FateModelId(moved) != r.new_model_id()) {
      return undo(InvalidArgumentError("migrate: the moved roles make model id " + FateModelId(moved) + ", not " +
                                       r.new_model_id().substr(0, 255)));
    }
    next.set_model_id(r.new_model_id());
    if (!m.train_conf_json().empty()) {
      auto conf = MovedConf(m.train_conf_json(), r.moves());
      if (!conf.ok()) return undo(conf.status());
      next.set_train_conf_json(*conf);
    }
    next.set_created_ms(clock_.NowMs());
    Status put = store_.Put(next, FilesOf(store_, m), false);
    if (!put.ok()) return undo(put);
    done.push_back(next);
    log::Get("model")->info("model_id={} model_version={} party={}:{} migrated_from={} {} migrated", r.new_model_id(),
                            r.new_version(), next.role(), next.party_id(), r.model_id(), r.model_version());
  }
  return Status::OK();
}

Status ModelRegistry::Tag(const std::string& model_id, const std::string& model_version,
                          const std::vector<std::string>& add, const std::vector<std::string>& remove) {
  for (const auto& t : add) {
    if (t.empty() || t.size() > 64 || !IsModelVersion(t)) {
      return InvalidArgumentError("tag '" + t.substr(0, 64) + "' must be 1-64 letters, digits, _ . -");
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(auto parts, StoredParts(model_id, model_version));
  for (auto& m : parts) {
    std::vector<std::string> tags(m.tags().begin(), m.tags().end());
    for (const auto& t : add) {
      if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
    }
    tags.erase(std::remove_if(tags.begin(), tags.end(),
                              [&](const std::string& t) { return std::find(remove.begin(), remove.end(), t) != remove.end(); }),
               tags.end());
    if (tags.size() > 100) return InvalidArgumentError("a model has at most 100 tags");
    m.clear_tags();
    for (const auto& t : tags) m.add_tags(t);
    FEDFLOW_RETURN_IF_ERROR(store_.Update(m));
  }
  return Status::OK();
}

StatusOr<std::string> ModelRegistry::Export(const std::string& model_id, const std::string& model_version) const {
  FEDFLOW_ASSIGN_OR_RETURN(auto parts, StoredParts(model_id, model_version));
  std::vector<std::pair<std::string, std::string>> entries;
  bj::array listed;
  for (const auto& m : parts) {
    FEDFLOW_RETURN_IF_ERROR(store_.Verify(m));
    const std::string prefix = model_id + "/" + model_version + "/" + m.role() + "#" + m.party_id() + "/";
    const fs::path part = store_.PartDir(model_id, model_version, m.role(), m.party_id());
    std::vector<std::string> names{"pipeline.json"};
    for (const auto& c : m.components()) {
      for (const auto& file : c.files()) names.push_back(ComponentDirName(c) + "/" + file.name());
    }
    for (const auto& n : names) {
      std::ifstream in(part / n, std::ios::binary);
      if (!in) return InternalError("cannot read " + (part / n).string());
      std::ostringstream bytes;
      bytes << in.rdbuf();
      std::string content = std::move(bytes).str();
      listed.push_back(bj::object{{"name", prefix + n}, {"sha256", security::Sha256Hex(content)},
                                  {"bytes", static_cast<std::int64_t>(content.size())}});
      entries.emplace_back(prefix + n, std::move(content));
    }
  }
  bj::object manifest{{"format", "fedflow-model-archive/1"},
                      {"model_id", model_id},
                      {"model_version", model_version},
                      {"party_id", options_.party_id},
                      {"files", std::move(listed)}};
  entries.insert(entries.begin(), {"manifest.json", json::Dump(manifest)});
  return files::TarGzEntries(entries);
}

StatusOr<std::vector<PipelineModel>> ModelRegistry::Import(const std::string& archive, bool replace,
                                                           const ModelKeyFilter* only_key) {
  if (archive.size() > options_.max_archive_bytes) {
    return InvalidArgumentError("the archive is larger than " + std::to_string(options_.max_archive_bytes) + " bytes");
  }
  FEDFLOW_ASSIGN_OR_RETURN(auto entries, files::UntarGzEntries(archive, options_.max_archive_bytes, kMaxArchiveFiles));
  if (entries.empty() || entries.front().first != "manifest.json") {
    return InvalidArgumentError("the archive does not start with manifest.json: it is not a model export");
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object manifest, json::ParseObject(entries.front().second, "manifest.json"));
  const bj::value* listed = manifest.if_contains("files");
  if (!listed || !listed->is_array()) return InvalidArgumentError("manifest.json lists no files");
  std::map<std::string, std::string> digests;
  for (const auto& f : listed->as_array()) {
    if (!f.is_object() || !f.as_object().contains("name") || !f.as_object().at("name").is_string() ||
        !f.as_object().contains("sha256") || !f.as_object().at("sha256").is_string()) {
      return InvalidArgumentError("manifest.json: every file needs a name and a sha256");
    }
    digests[std::string(f.as_object().at("name").as_string())] = std::string(f.as_object().at("sha256").as_string());
  }
  // Every entry: a name of the layout (<id>/<version>/<role>#<party>/<plain names>), listed, with
  // the listed digest. Nothing is written before every entry and part passed.
  std::map<std::string, std::map<std::string, std::string>> by_part;  // "<id>/<version>/<part>" -> rest -> bytes
  for (std::size_t i = 1; i < entries.size(); ++i) {
    const auto& [name, content] = entries[i];
    std::string id, version, part, rest;
    if (!SplitEntry(name, &id, &version, &part, &rest) || part.find('#') == std::string::npos ||
        !IsPartName(part.substr(0, part.find('#'))) || !IsPartName(part.substr(part.find('#') + 1)) ||
        (rest != "pipeline.json" && !IsModelFileName(rest))) {
      return InvalidArgumentError("archive entry '" + name.substr(0, 200) + "' is not a model file name");
    }
    if (only_key && (id != only_key->model_id || version != only_key->model_version)) {
      return InvalidArgumentError("archive entry '" + name.substr(0, 200) + "' is not of model " + only_key->model_id +
                                  " " + only_key->model_version);
    }
    auto d = digests.find(name);
    if (d == digests.end()) return InvalidArgumentError("archive entry '" + name.substr(0, 200) + "' is not in manifest.json");
    if (security::Sha256Hex(content) != d->second) {
      return InvalidArgumentError("archive entry '" + name.substr(0, 200) +
                                  "' does not match its SHA-256 in manifest.json: the archive was changed");
    }
    digests.erase(d);
    by_part[id + "/" + version + "/" + part][rest] = content;
  }
  if (!digests.empty()) return InvalidArgumentError("manifest.json lists '" + digests.begin()->first.substr(0, 200) + "', which the archive lacks");

  std::vector<PipelineModel> parts;
  for (const auto& [key, part_files] : by_part) {
    auto manifest_it = part_files.find("pipeline.json");
    if (manifest_it == part_files.end()) return InvalidArgumentError("archive part " + key.substr(0, 200) + " has no pipeline.json");
    PipelineModel m;
    FEDFLOW_RETURN_IF_ERROR(interconnect::FromJson(manifest_it->second, &m, key + "/pipeline.json"));
    const std::string expected = m.model_id() + "/" + m.model_version() + "/" + m.role() + "#" + m.party_id();
    if (expected != key) return InvalidArgumentError(key + "/pipeline.json describes " + expected.substr(0, 200));
    std::size_t listed_files = 1;
    for (const auto& c : m.components()) {
      FEDFLOW_RETURN_IF_ERROR(CheckComponentModel(c).WithContext(key + "/pipeline.json"));
      listed_files += static_cast<std::size_t>(c.files_size());
      for (const auto& file : c.files()) {
        if (!part_files.count(ComponentDirName(c) + "/" + file.name())) {
          return InvalidArgumentError(key + ": component file " + ComponentDirName(c) + "/" + file.name() + " is missing");
        }
      }
    }
    if (listed_files != part_files.size()) {
      return InvalidArgumentError(key + ": the files do not match the components pipeline.json lists");
    }
    if (!replace && store_.Get(m.model_id(), m.model_version(), m.role(), m.party_id()).ok()) {
      return Status(StatusCode::kAlreadyExists, "model " + m.model_id() + " " + m.model_version() + " at " + m.role() +
                                                    ":" + m.party_id() + " exists already: pass force to replace it");
    }
    parts.push_back(std::move(m));
  }

  // Stage every part (every name checked above), then move them into place together.
  std::vector<std::string> staged;
  auto discard = [&] {
    std::error_code ec;
    for (const auto& dir : staged) fs::remove_all(dir, ec);
  };
  for (const auto& m : parts) {
    const auto& part_files = by_part.at(m.model_id() + "/" + m.model_version() + "/" + m.role() + "#" + m.party_id());
    auto dir = store_.MakeStagingDir();
    if (!dir.ok()) {
      discard();
      return dir.status();
    }
    staged.push_back(*dir);
    for (const auto& c : m.components()) {
      for (const auto& file : c.files()) {
        const std::string name = ComponentDirName(c) + "/" + file.name();
        const fs::path target = fs::path(*dir) / name;
        Status written = files::MakePrivateDirectories(target.parent_path().string());
        if (written.ok()) written = files::WritePrivateFile(target.string(), part_files.at(name));
        if (!written.ok()) {
          discard();
          return written;
        }
      }
    }
  }
  std::vector<std::pair<PipelineModel, std::string>> placed;  // with the part each replaced
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto aside = store_.PutStaged(parts[i], staged[i], replace);
    if (!aside.ok()) {
      // Nothing is half-imported: the parts already placed go, and what they replaced comes back.
      for (const auto& [done, old] : placed) {
        Status back = store_.PutBack(done, old);
        if (!back.ok()) log::Get("model")->error("import rollback: {}", back.message());
      }
      std::error_code ec;
      for (std::size_t j = i + 1; j < staged.size(); ++j) fs::remove_all(staged[j], ec);
      return aside.status();
    }
    placed.emplace_back(parts[i], *aside);
  }
  for (const auto& [m, old] : placed) {
    store_.DropAside(old);
    log::Get("model")->info("model_id={} model_version={} party={}:{} imported", m.model_id(), m.model_version(),
                            m.role(), m.party_id());
  }
  return parts;
}

StatusOr<std::string> ModelRegistry::StoreToBackend(const std::string& model_id, const std::string& model_version) const {
  if (options_.backend_dir.empty()) {
    return FailedPreconditionError("no model store backend: set model_store.dir in the server config");
  }
  FEDFLOW_ASSIGN_OR_RETURN(std::string archive, Export(model_id, model_version));
  const fs::path dir = fs::path(options_.backend_dir) / model_id;
  FEDFLOW_RETURN_IF_ERROR(files::MakePrivateDirectories(dir.string()));
  const fs::path target = dir / (model_version + ".tar.gz");
  const fs::path tmp = dir / (model_version + ".tar.gz.tmp");
  FEDFLOW_RETURN_IF_ERROR(files::WritePrivateFile(tmp.string(), archive));
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) return InternalError("cannot store " + target.string() + ": " + ec.message());
  log::Get("model")->info("model_id={} model_version={} party={} stored to={}", model_id, model_version,
                          options_.party_id, target.string());
  return target.string();
}

StatusOr<std::vector<PipelineModel>> ModelRegistry::RestoreFromBackend(const std::string& model_id,
                                                                       const std::string& model_version, bool replace) {
  if (options_.backend_dir.empty()) {
    return FailedPreconditionError("no model store backend: set model_store.dir in the server config");
  }
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(model_id, model_version));
  const fs::path source = fs::path(options_.backend_dir) / model_id / (model_version + ".tar.gz");
  std::ifstream in(source, std::ios::binary);
  if (!in) return NotFoundError("the model store backend has no " + source.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const ModelKeyFilter key{model_id, model_version};
  return Import(std::move(bytes).str(), replace, &key);
}

}  // namespace fedflow::model
