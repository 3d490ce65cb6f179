#pragma once
// The model registry's operations at this party, on every part (role) of a model kept here:
// deploy a new version, check it is whole (load), bind a service id, migrate to new party ids,
// tag, delete, export and import archives, and store to / restore from a backend directory.
// Federated operations call these at every party of the model (service/api/model_routes.cpp).

#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "proto/fedflow/partner.pb.h"
#include "proto/fedflow/pipeline.pb.h"
#include "service/model/model_store.hpp"

namespace fedflow::model {

/// A model version an import must hold and nothing else.
struct ModelKeyFilter {
  std::string model_id;
  std::string model_version;
};

struct RegistryOptions {
  std::string party_id;
  /// Where store/restore keep archives ("" = store and restore are off).
  std::string backend_dir;
  /// Largest archive import accepts, packed and unpacked.
  std::size_t max_archive_bytes = 64u << 20;
};

/// Thread-safe (the store is).
class ModelRegistry final {
 public:
  ModelRegistry(ModelStore& store, RegistryOptions options, const Clock& clock)
      : store_(store), options_(std::move(options)), clock_(clock) {}

  ModelStore& store() { return store_; }
  const std::string& party_id() const { return options_.party_id; }

  /// Every part of the model at this party; NotFound names the key and the party.
  StatusOr<std::vector<PipelineModel>> PartsHere(const std::string& model_id, const std::string& model_version) const;
  /// Every part of the model stored here, whoever's party id it carries (a migrated copy carries
  /// the new ids until it is exported to them); NotFound when none.
  StatusOr<std::vector<PipelineModel>> StoredParts(const std::string& model_id, const std::string& model_version) const;
  /// PermissionDenied unless `sender` is a party of the model as this party recorded it (with
  /// `initiator_only`: its initiator, who alone may change it at its partners).
  Status CheckSender(const std::string& model_id, const std::string& model_version, const std::string& sender,
                     bool initiator_only = false) const;
  /// The roles the model is held for here, after checking every file's digest.
  StatusOr<std::vector<std::string>> Check(const std::string& model_id, const std::string& model_version) const;
  /// Version `new_version` (which must be new here) of every part here, with only `components`
  /// and the predict DSL derived here from this party's training DSL; all parts or none.
  Status Deploy(const contract::DeployModel& request);
  /// A partner's undo of a deploy: deletes the version only if it is a deployed one (OK when absent).
  Status UndoDeploy(const std::string& model_id, const std::string& model_version);
  /// Deletes every part of the model version stored here.
  Status Delete(const std::string& model_id, const std::string& model_version);
  /// `from_partner`: refused when the service id is bound here to another model.
  Status Bind(const std::string& service_id, const std::string& model_id, const std::string& model_version,
              bool from_partner);
  /// A copy of every part here under the moved party ids, keyed (new_model_id, new_version); the
  /// new id must be the one the moved roles make, and the version new here. This party's own
  /// part moves to its new id: the result is what the new party imports.
  Status Migrate(const contract::MigrateModel& request);
  /// Adds and removes tags on every part here.
  Status Tag(const std::string& model_id, const std::string& model_version, const std::vector<std::string>& add,
             const std::vector<std::string>& remove);

  /// Every part stored here as a .tar.gz: manifest.json (every file's SHA-256) and the parts' files.
  StatusOr<std::string> Export(const std::string& model_id, const std::string& model_version) const;
  /// Stores every part of an archive, all or nothing: names, digests and manifests are checked
  /// first. AlreadyExists unless `replace`.
  /// With `only_key`, every part must be of that model version (a restore).
  StatusOr<std::vector<PipelineModel>> Import(const std::string& archive, bool replace,
                                              const ModelKeyFilter* only_key = nullptr);
  /// Export to / import from <backend_dir>/<model_id>/<model_version>.tar.gz.
  StatusOr<std::string> StoreToBackend(const std::string& model_id, const std::string& model_version) const;
  StatusOr<std::vector<PipelineModel>> RestoreFromBackend(const std::string& model_id,
                                                          const std::string& model_version, bool replace);

 private:
  ModelStore& store_;
  RegistryOptions options_;
  const Clock& clock_;
};

}  // namespace fedflow::model
