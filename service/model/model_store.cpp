#include "service/model/model_store.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "service/files/private_file.hpp"
#include "service/interconnect/partner_contract.hpp"
#include "service/security/signing_key.hpp"

namespace fedflow::model {
namespace {

namespace fs = std::filesystem;

bool IsKeyChar(char c, bool allow_hash) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-' || (allow_hash && c == '#');
}

bool IsKey(const std::string& s, std::size_t max_len, bool allow_hash) {
  if (s.empty() || s.size() > max_len || !IsKeyChar(s[0], false) || s[0] == '.' || s[0] == '_' || s[0] == '-') {
    return false;
  }
  if (s.find("..") != std::string::npos) return false;
  return std::all_of(s.begin(), s.end(), [allow_hash](char c) { return IsKeyChar(c, allow_hash); });
}

constexpr const char* kManifest = "pipeline.json";

StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

StatusOr<PipelineModel> ReadManifest(const fs::path& part) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string text, ReadFile(part / kManifest));
  PipelineModel m;
  FEDFLOW_RETURN_IF_ERROR(interconnect::FromJson(text, &m, (part / kManifest).string()));
  return m;
}

}  // namespace

Status CheckComponentModel(const ComponentModel& c) {
  if (!IsKey(c.component(), 100, false) || !IsKey(c.output_key(), 100, false)) {
    return InvalidArgumentError("component model '" + c.component().substr(0, 100) + "." +
                                c.output_key().substr(0, 100) + "': names must be letters, digits, _ . -");
  }
  for (const auto& f : c.files()) {
    if (!IsModelFileName(f.name())) {
      return InvalidArgumentError("component model " + c.component() + ": file name '" + f.name().substr(0, 255) +
                                  "' must be '/'-separated letters, digits, _ . -");
    }
  }
  return Status::OK();
}

bool IsPartName(const std::string& s) { return IsKey(s, 64, false); }

namespace {

/// Every file of every component of `model` under `part` is there, with its listed digest.
Status CheckFiles(const fs::path& part, const PipelineModel& model) {
  for (const auto& c : model.components()) {
    for (const auto& f : c.files()) {
      const fs::path path = part / ComponentDirName(c) / f.name();
      auto bytes = ReadFile(path);
      if (!bytes.ok()) return FailedPreconditionError("model file " + path.string() + " is missing");
      if (static_cast<std::int64_t>(bytes->size()) != f.bytes() || security::Sha256Hex(*bytes) != f.sha256()) {
        return FailedPreconditionError("model file " + path.string() + " does not match its SHA-256 in pipeline.json");
      }
    }
  }
  return Status::OK();
}

}  // namespace

bool IsModelId(const std::string& s) { return IsKey(s, 255, true); }

std::string ComponentDirName(const ComponentModel& c) { return c.component() + "/model/" + c.output_key(); }

bool IsModelFileName(const std::string& s) {
  if (s.empty() || s.size() > 255) return false;
  std::size_t at = 0;
  while (at <= s.size()) {
    auto slash = s.find('/', at);
    const std::string part = s.substr(at, slash == std::string::npos ? std::string::npos : slash - at);
    if (part.empty() || part == "." || part == ".." ||
        !std::all_of(part.begin(), part.end(), [](char c) { return IsKeyChar(c, false); })) {
      return false;
    }
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  return true;
}
bool IsModelVersion(const std::string& s) { return IsKey(s, 64, false); }

Status CheckModelKey(const std::string& model_id, const std::string& model_version) {
  if (!IsModelId(model_id)) {
    return InvalidArgumentError("model_id '" + model_id.substr(0, 255) +
                                "' must be 1-255 letters, digits, _ . - or #, starting with a letter or digit");
  }
  if (!IsModelVersion(model_version)) {
    return InvalidArgumentError("model_version '" + model_version.substr(0, 64) +
                                "' must be 1-64 letters, digits, _ . -, starting with a letter or digit");
  }
  return Status::OK();
}

Status CheckServiceId(const std::string& service_id) {
  if (IsModelVersion(service_id)) return Status::OK();
  return InvalidArgumentError("service_id '" + service_id.substr(0, 64) +
                              "' must be 1-64 letters, digits, _ . -, starting with a letter or digit");
}

ModelStore::ModelStore(std::string root) : root_(std::move(root)) {}

std::string ModelStore::PartDir(const std::string& model_id, const std::string& model_version,
                                const std::string& role, const std::string& party_id) const {
  return (fs::path(root_) / model_id / model_version / (role + "#" + party_id)).string();
}

StatusOr<std::string> ModelStore::MakeStagingDir() const {
  const fs::path dir = fs::path(root_) / ".staging" / RandomHex(8);
  FEDFLOW_RETURN_IF_ERROR(files::MakePrivateDirectories(dir.string()));
  return dir.string();
}

Status ModelStore::Put(PipelineModel model, const std::vector<ComponentFile>& files, bool replace) {
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(model.model_id(), model.model_version()));
  FEDFLOW_ASSIGN_OR_RETURN(std::string staged, MakeStagingDir());
  model.clear_components();
  std::error_code ec;
  for (const ComponentFile& f : files) {
    ComponentModel* c = model.add_components();
    *c = f.model;
    c->clear_files();
    for (const auto& [name, source] : f.sources) {
      ModelFile* mf = c->add_files();
      mf->set_name(name);
      Status named = CheckComponentModel(*c);
      auto bytes = named.ok() ? ReadFile(source) : StatusOr<std::string>(named);
      const fs::path target = fs::path(staged) / ComponentDirName(*c) / name;
      Status written = bytes.ok() ? files::MakePrivateDirectories(target.parent_path().string()) : bytes.status();
      if (written.ok()) written = files::WritePrivateFile(target.string(), *bytes);
      if (!written.ok()) {
        fs::remove_all(staged, ec);
        return written;
      }
      mf->set_sha256(security::Sha256Hex(*bytes));
      mf->set_bytes(static_cast<std::int64_t>(bytes->size()));
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(std::string aside, PutStaged(model, staged, replace));
  DropAside(aside);
  return Status::OK();
}

StatusOr<std::string> ModelStore::PutStaged(const PipelineModel& model, const std::string& staged_dir, bool replace) {
  std::error_code ec;
  auto discard = [&] { fs::remove_all(staged_dir, ec); };
  Status checked = CheckModelKey(model.model_id(), model.model_version());
  if (checked.ok() && !IsPartName(model.role())) checked = InvalidArgumentError("role '" + model.role().substr(0, 32) + "' is not a role");
  if (checked.ok() && !IsPartName(model.party_id())) checked = InvalidArgumentError("party_id '" + model.party_id().substr(0, 64) + "' is not a party id");
  for (const auto& c : model.components()) {
    if (checked.ok()) checked = CheckComponentModel(c);
  }
  // The digests are checked against the staged copy, so what lands is what was listed.
  if (checked.ok()) checked = CheckFiles(staged_dir, model);
  if (!checked.ok()) {
    discard();
    return checked.WithContext("model " + model.model_id().substr(0, 255) + " " + model.model_version().substr(0, 64) +
                               " at " + model.role().substr(0, 32) + ":" + model.party_id().substr(0, 64));
  }
  Status written = files::WritePrivateFile((fs::path(staged_dir) / kManifest).string(), interconnect::ToJson(model));
  if (!written.ok()) {
    discard();
    return written;
  }
  const fs::path part = PartDir(model.model_id(), model.model_version(), model.role(), model.party_id());
  std::string aside;
  if (fs::exists(part, ec)) {
    if (!replace) {
      discard();
      return Status(StatusCode::kAlreadyExists, "model " + model.model_id() + " " + model.model_version() +
                                                    " already exists at " + model.role() + ":" + model.party_id());
    }
    // The old part goes aside first, so the new one never mixes with it and can be undone.
    aside = (fs::path(root_) / ".staging" / ("old-" + RandomHex(8))).string();
    fs::rename(part, aside, ec);
    if (ec) {
      discard();
      return InternalError("cannot replace " + part.string() + ": " + ec.message());
    }
  }
  Status parent = files::MakePrivateDirectories(part.parent_path().string());
  if (parent.ok()) {
    fs::rename(staged_dir, part, ec);
    if (ec) parent = InternalError("cannot store " + part.string() + ": " + ec.message());
  }
  if (!parent.ok()) {
    discard();
    if (!aside.empty()) fs::rename(aside, part, ec);
    return parent;
  }
  return aside;
}

void ModelStore::DropAside(const std::string& aside) {
  if (aside.empty()) return;
  std::error_code ec;
  fs::remove_all(aside, ec);
}

Status ModelStore::PutBack(const PipelineModel& model, const std::string& aside) {
  const fs::path part = PartDir(model.model_id(), model.model_version(), model.role(), model.party_id());
  std::error_code ec;
  fs::remove_all(part, ec);
  if (aside.empty()) return Status::OK();
  fs::rename(aside, part, ec);
  if (ec) return InternalError("cannot put back " + part.string() + ": " + ec.message());
  return Status::OK();
}

StatusOr<PipelineModel> ModelStore::Get(const std::string& model_id, const std::string& model_version,
                                        const std::string& role, const std::string& party_id) const {
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(model_id, model_version));
  const fs::path part = PartDir(model_id, model_version, role, party_id);
  std::error_code ec;
  if (!IsPartName(role) || !IsPartName(party_id) || !fs::exists(part / kManifest, ec)) {
    return NotFoundError("party " + party_id.substr(0, 64) + " has no model " + model_id + " version " + model_version +
                         " for role " + role.substr(0, 32));
  }
  return ReadManifest(part);
}

StatusOr<std::vector<PipelineModel>> ModelStore::List(const std::string& model_id,
                                                      const std::string& model_version) const {
  std::vector<PipelineModel> out;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return out;
  // Directories named by the key rules only; iteration errors end a level, never throw.
  auto children = [](const fs::path& dir) {
    std::vector<fs::path> found;
    std::error_code e;
    for (fs::directory_iterator it(dir, e), end; !e && it != end; it.increment(e)) {
      if (it->is_directory(e)) found.push_back(it->path());
    }
    return found;
  };
  for (const auto& id_dir : children(root_)) {
    const std::string id = id_dir.filename().string();
    if (!IsModelId(id) || (!model_id.empty() && id != model_id)) continue;
    for (const auto& version_dir : children(id_dir)) {
      const std::string version = version_dir.filename().string();
      if (!IsModelVersion(version) || (!model_version.empty() && version != model_version)) continue;
      for (const auto& part : children(version_dir)) {
        auto m = ReadManifest(part);
        if (m.ok()) {
          out.push_back(std::move(m).value());
        } else {
          log::Get("model")->warn("model part {} is unreadable and not listed: {}", part.string(), m.status().message());
        }
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const PipelineModel& a, const PipelineModel& b) {
    if (a.created_ms() != b.created_ms()) return a.created_ms() > b.created_ms();
    return std::tie(a.model_id(), a.model_version(), a.role(), a.party_id()) <
           std::tie(b.model_id(), b.model_version(), b.role(), b.party_id());
  });
  return out;
}

Status ModelStore::Update(const PipelineModel& model) {
  FEDFLOW_ASSIGN_OR_RETURN(PipelineModel stored, Get(model.model_id(), model.model_version(), model.role(), model.party_id()));
  // Only what a user may change: the files and their digests stay as stored.
  *stored.mutable_tags() = model.tags();
  const fs::path part = PartDir(model.model_id(), model.model_version(), model.role(), model.party_id());
  const fs::path tmp = part / (std::string(kManifest) + ".tmp");
  FEDFLOW_RETURN_IF_ERROR(files::WritePrivateFile(tmp.string(), interconnect::ToJson(stored)));
  std::error_code ec;
  fs::rename(tmp, part / kManifest, ec);
  if (ec) return InternalError("cannot update " + (part / kManifest).string() + ": " + ec.message());
  return Status::OK();
}

Status ModelStore::Remove(const std::string& model_id, const std::string& model_version, const std::string& role,
                          const std::string& party_id) {
  FEDFLOW_RETURN_IF_ERROR(Get(model_id, model_version, role, party_id).status());
  const fs::path part = PartDir(model_id, model_version, role, party_id);
  const fs::path aside = fs::path(root_) / ".staging" / ("removed-" + RandomHex(8));
  FEDFLOW_RETURN_IF_ERROR(files::MakePrivateDirectories(aside.parent_path().string()));
  std::error_code ec;
  fs::rename(part, aside, ec);
  if (ec) return InternalError("cannot remove " + part.string() + ": " + ec.message());
  fs::remove_all(aside, ec);
  // Empty version and id directories go too; a non-empty one stays (remove fails harmlessly).
  fs::remove(part.parent_path(), ec);
  fs::remove(part.parent_path().parent_path(), ec);
  return Status::OK();
}

StatusOr<std::string> ModelStore::InputPathOf(const PipelineModel& model, const std::string& component,
                                              const std::string& output_key) const {
  for (const auto& c : model.components()) {
    if (c.component() != component || c.output_key() != output_key) continue;
    return (fs::path(PartDir(model.model_id(), model.model_version(), model.role(), model.party_id())) / component /
            output_key)
        .string();
  }
  std::string have;
  for (const auto& c : model.components()) have += (have.empty() ? "" : ", ") + c.component() + "." + c.output_key();
  return NotFoundError("model " + model.model_id() + " " + model.model_version() + " at " + model.role() + ":" +
                       model.party_id() + " has no component model " + component + "." + output_key +
                       " (it has: " + (have.empty() ? "none" : have) + ")");
}

Status ModelStore::Verify(const PipelineModel& model) const {
  for (const auto& c : model.components()) FEDFLOW_RETURN_IF_ERROR(CheckComponentModel(c));
  return CheckFiles(PartDir(model.model_id(), model.model_version(), model.role(), model.party_id()), model);
}

Status ModelStore::Bind(const ModelBinding& binding) {
  FEDFLOW_RETURN_IF_ERROR(CheckServiceId(binding.service_id()));
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(binding.model_id(), binding.model_version()));
  const fs::path dir = fs::path(root_) / ".bindings";
  FEDFLOW_RETURN_IF_ERROR(files::MakePrivateDirectories(dir.string()));
  const fs::path tmp = dir / (binding.service_id() + ".tmp");
  FEDFLOW_RETURN_IF_ERROR(files::WritePrivateFile(tmp.string(), interconnect::ToJson(binding)));
  std::error_code ec;
  fs::rename(tmp, dir / (binding.service_id() + ".json"), ec);
  if (ec) return InternalError("cannot bind " + binding.service_id() + ": " + ec.message());
  return Status::OK();
}

StatusOr<std::vector<ModelBinding>> ModelStore::Bindings() const {
  std::vector<ModelBinding> out;
  std::error_code ec;
  const fs::path dir = fs::path(root_) / ".bindings";
  if (!fs::is_directory(dir, ec)) return out;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".json") continue;
    FEDFLOW_ASSIGN_OR_RETURN(std::string text, ReadFile(it->path()));
    ModelBinding b;
    FEDFLOW_RETURN_IF_ERROR(interconnect::FromJson(text, &b, it->path().string()));
    out.push_back(std::move(b));
  }
  std::sort(out.begin(), out.end(),
            [](const ModelBinding& a, const ModelBinding& b) { return a.service_id() < b.service_id(); });
  return out;
}

}  // namespace fedflow::model
