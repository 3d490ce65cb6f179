#pragma once
// The runtime conf of a FATE 1.x job (`dsl_version: 2`): who takes part (roles, parties, the
// initiator), the job parameters with their ranges, and the per-component sections
// (component_parameters common and by role, provider, job_parameters.common.task_conf).
// Role-scoped entries are addressed by FATE's party index specs: "0", "0|1" or "all".

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/dsl/plan_context.hpp"

namespace fedflow::dsl {

/// One party of the job, with its index inside its role's list (FATE addresses parties by index).
struct ConfParty {
  std::string role;
  std::string party_id;
  int index = 0;
};

/// Retries and timeout of one component: the job's, or its task_conf entry's.
struct ComponentTaskConf {
  int max_retries = 0;
  std::int64_t timeout_ms = 0;
};

/// A runtime conf, read in two steps: `Read` checks everything that stands on its own, and
/// `ReadComponentSections` checks what names components once the DSL has been read. The
/// accessors then resolve what applies to one component or party. Every error is InvalidArgument
/// naming the field. Holds copies of the sections it needs; not thread-safe while reading.
class RuntimeConf final {
 public:
  /// Reads the layout version, initiator, roles (each party checked with `ctx.check_party`) and
  /// job parameters (over `ctx.defaults`, job type "train" when they name none).
  static StatusOr<RuntimeConf> Read(const boost::json::object& conf, const PlanContext& ctx);

  /// Checks component_parameters, provider and task_conf against the DSL's `components`, and
  /// records the providers the conf pins.
  Status ReadComponentSections(const std::set<std::string>& components);

  /// Role of the initiator.
  const std::string& initiator_role() const { return initiator_role_; }
  /// Party id of the initiator.
  const std::string& initiator_party_id() const { return initiator_party_id_; }
  /// Every party, roles in conf order and parties in list order.
  const std::vector<ConfParty>& parties() const { return parties_; }
  /// The job parameters of job_parameters.common over the defaults.
  const JobParameters& job_parameters() const { return job_parameters_; }

  /// What the conf holds that FATE accepts and ignores (read so far): parameters of components
  /// the DSL lacks, role entries whose key is no party index.
  const std::vector<std::string>& warnings() const { return warnings_; }

  /// The provider runtime_conf.provider.common pins for `component`, or null.
  const std::string* ProviderOf(const std::string& component) const;
  /// The job's retries and task timeout, overridden by job_parameters.common.task_conf.<component>.
  StatusOr<ComponentTaskConf> TaskConfOf(const std::string& component) const;
  /// The parameters of `component` at `party`: component_parameters.common, then the role entries
  /// covering the party merged over it ("all", then multi-index, then its own index).
  StatusOr<boost::json::object> ParametersOf(const std::string& component, const ConfParty& party) const;
  /// The job parameters at `party`: job_parameters.role entries covering it over the common ones.
  StatusOr<JobParameters> JobParametersAt(const ConfParty& party) const;

 private:
  RuntimeConf() = default;

  /// The whole conf, for the sections `ReadComponentSections` reads.
  boost::json::object conf_;
  /// The initiator's role.
  std::string initiator_role_;
  /// The initiator's party id.
  std::string initiator_party_id_;
  /// Party ids by role, in list order (the index of a party is its position here).
  std::map<std::string, std::vector<std::string>> roles_;
  /// Every party in conf order.
  std::vector<ConfParty> parties_;
  /// job_parameters.common over the defaults.
  JobParameters job_parameters_;
  /// job_parameters.common as written (it holds task_conf).
  boost::json::object common_job_parameters_;
  /// job_parameters.role as written.
  boost::json::object role_job_parameters_;
  /// component_parameters.common as written.
  boost::json::object common_component_parameters_;
  /// component_parameters.role as written.
  boost::json::object role_component_parameters_;
  /// job_parameters.common.task_conf as written.
  boost::json::object task_conf_;
  /// Provider pins by component.
  std::map<std::string, std::string> providers_;
  std::vector<std::string> warnings_;
};

}  // namespace fedflow::dsl
