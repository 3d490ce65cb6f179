#pragma once
// The model registry's storage at this party: pipeline models as files under one directory,
// <root>/<model_id>/<model_version>/<role>#<party_id>/ holding pipeline.json (a PipelineModel)
// and the component model files it lists with their SHA-256. Files rather than rows so that a
// model can be exported, stored and restored as it lies, and outlives the job that trained it.
// Every write goes to a temporary directory first and is renamed into place: a model is either
// there whole or not at all.

#include <string>
#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/pipeline.pb.h"

namespace fedflow::model {

/// A model id: 1-255 letters, digits, _ . - or #, starting with a letter or digit, no "..".
bool IsModelId(const std::string& s);
/// A model version: 1-64 letters, digits, _ . -, starting with a letter or digit, no "..".
bool IsModelVersion(const std::string& s);
/// InvalidArgument naming the argument and the rule.
Status CheckModelKey(const std::string& model_id, const std::string& model_version);
/// A service id for bind: the model version's rule.
Status CheckServiceId(const std::string& service_id);

/// A component model to store with a pipeline model: its files and where to copy them from.
struct ComponentFile {
  ComponentModel model;  ///< component, module, output_key, type_name, meta_json (files are filled in)
  /// (name relative to the component model's directory, source file).
  std::vector<std::pair<std::string, std::string>> sources;
};

/// The directory of a component model inside a part: <component>/model/<output_key>.
std::string ComponentDirName(const ComponentModel& c);
/// InvalidArgument unless the component, output key and file names are plain names.
Status CheckComponentModel(const ComponentModel& c);
/// A role or party id as a part directory holds them: letters, digits, _ . -.
bool IsPartName(const std::string& s);
/// A file name inside a component model: '/'-separated parts of letters, digits, _ . -, none
/// "." or "..", at most 255 characters.
bool IsModelFileName(const std::string& s);

/// Thread-safe (every change is one rename).
class ModelStore final {
 public:
  explicit ModelStore(std::string root);

  const std::string& root() const { return root_; }

  /// Stores `model` with copies of `files`. AlreadyExists when the key is stored here unless
  /// `replace`.
  Status Put(PipelineModel model, const std::vector<ComponentFile>& files, bool replace);
  /// Stores a model whose files are already in `staged_dir` (an import or restore): checks every
  /// name and every listed file's digest first, then moves the directory into place. A replaced
  /// part is moved aside, not deleted: its directory is returned ("" when none) for the caller to
  /// DropAside once everything it stores together is in place, or PutBack on failure.
  StatusOr<std::string> PutStaged(const PipelineModel& model, const std::string& staged_dir, bool replace);
  /// Deletes a part moved aside by PutStaged.
  void DropAside(const std::string& aside);
  /// Removes `model`'s part and moves `aside` (a replaced part, or "") back into its place.
  Status PutBack(const PipelineModel& model, const std::string& aside);
  /// NotFound names the key and the party.
  StatusOr<PipelineModel> Get(const std::string& model_id, const std::string& model_version, const std::string& role,
                              const std::string& party_id) const;
  /// Every stored part (all roles of this party) of the models matching the filters ("" = any),
  /// newest first.
  StatusOr<std::vector<PipelineModel>> List(const std::string& model_id, const std::string& model_version) const;
  /// Rewrites pipeline.json (tags); the files stay.
  Status Update(const PipelineModel& model);
  /// Removes one party's part, and the version's directory when it was the last.
  Status Remove(const std::string& model_id, const std::string& model_version, const std::string& role,
                const std::string& party_id);

  /// The directory of one party's part.
  std::string PartDir(const std::string& model_id, const std::string& model_version, const std::string& role,
                      const std::string& party_id) const;
  /// The input path a worker gets for a component's model output: <part>/<component>/<key>
  /// (its model file is <part>/<component>/model/<key>/model.pb, as in a task's output dir).
  StatusOr<std::string> InputPathOf(const PipelineModel& model, const std::string& component,
                                    const std::string& output_key) const;
  /// FailedPrecondition when a listed file is missing or its digest differs (names the file).
  Status Verify(const PipelineModel& model) const;

  /// A fresh empty directory under the store for staging (removed by the caller or by PutStaged).
  StatusOr<std::string> MakeStagingDir() const;

  // Service bindings (FATE-Flow's bind): service id -> model version.
  Status Bind(const ModelBinding& binding);
  StatusOr<std::vector<ModelBinding>> Bindings() const;

 private:
  std::string root_;
};

}  // namespace fedflow::model
