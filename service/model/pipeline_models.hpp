#pragma once
// What the registry derives from jobs: the key a training job's models are stored under (FATE's
// rules), the pipeline model a party keeps when a training job succeeds, the 1.x inference
// (predict) DSL derived from a training DSL, and the predict conf a user starts from.

#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/status.hpp"
#include "orm/rows.hpp"
#include "orm/tracking_repository.hpp"
#include "proto/fedflow/job.pb.h"
#include "proto/fedflow/pipeline.pb.h"
#include "service/model/model_store.hpp"

namespace fedflow::model {

struct ModelKey {
  std::string model_id;
  std::string model_version;
};

/// FATE 1.x: "<role>-<party ids joined by _>" for each role in name order, joined by '#', then
/// "#model" (e.g. "arbiter-10000#guest-9999#host-10000#model").
std::string FateModelId(const JobSpec& spec);
/// Where a training job's models go: 1.x (FateModelId, job id); 2.x (dag.conf.model_id or the job
/// id, dag.conf.model_version or "0"). A predict job keeps no model: nullopt-like empty key.
ModelKey TrainedModelKey(const JobSpec& spec);

/// The pipeline model of (role, party) for a succeeded training job: its component models are
/// the model outputs the job's tasks registered there (latest attempt of each task wins).
StatusOr<ComponentFile> ComponentFileOf(const orm::OutputRow& output, const JobSpec& spec);
PipelineModel PipelineOf(const JobSpec& spec, const std::string& role, const std::string& party_id,
                         std::int64_t now_ms);

/// The components a deploy keeps by default: every one except Evaluation and those the DSL marks
/// need_deploy: false.
StatusOr<std::vector<std::string>> DefaultDeployComponents(const std::string& train_dsl_json);
/// The 1.x predict DSL for `components` of a training DSL: data outputs only; train_data becomes
/// test_data, validate_data goes; a component with a model output reads it from the pipeline
/// ("pipeline.<name>.<output>"), one that read another's model reads that from the pipeline. A
/// kept component reading data from one that is not kept is refused, naming both.
StatusOr<std::string> InferenceDsl(const std::string& train_dsl_json, const std::vector<std::string>& components);
/// A predict runtime conf to start from: the training roles and initiator, job_type predict with
/// the model's key, and the Readers' parameters of the training conf.
StatusOr<boost::json::object> PredictConfTemplate(const PipelineModel& model);
/// The training conf's parameters of `components` under a predict conf's own (FATE runs a predict
/// job with the training parameters, overridden by the predict conf's).
StatusOr<boost::json::object> WithTrainingParameters(const boost::json::object& predict_conf,
                                                     const std::string& train_conf_json,
                                                     const std::set<std::string>& components);

/// At admission: the key a 2.x DAG names for its models is valid and not another job's here.
Status CheckTrainedKey(const ModelStore& store, const JobSpec& spec, const std::string& party_id);

/// Stores the pipeline model of every role `party_id` plays in a succeeded training job (nothing
/// for a predict job). Replaces an earlier one of the same key (a rerun that succeeded again).
Status KeepPipelineModels(ModelStore& store, orm::OutputRepository& outputs, const JobSpec& spec,
                          const std::string& party_id, std::int64_t now_ms);

}  // namespace fedflow::model
