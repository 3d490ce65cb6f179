#pragma once
// FATE-Flow 2.x business codes (`ReturnCode`): the `code` of the response envelope that FATE
// clients branch on, by name. A Status carries one when the default for its StatusCode
// (service/http/envelope.cpp) is not what FATE would answer.

namespace fedflow {

enum class ApiCode : int {
  kSuccess = 0,
  kJobParamsError = 1000,         ///< the job's DSL, conf or DAG is invalid
  kJobNotFound = 1001,
  kResourceLimitExceeded = 1006,  ///< the job needs more than a party has in total
  kTaskStartFailed = 2001,        ///< a worker could not be launched
  kProviderParamsError = 4000,
  kDeviceNotSupported = 4001,
  kSignatureExpired = 5000,       ///< a client signature's timestamp is outside the allowed skew
  kInvalidParameter = 5001,
  kAppNotFound = 5002,
  kSignatureInvalid = 5003,
  kAuthenticationFailed = 5004,
  kNoPermission = 5005,
  kServerException = 6000,
  kFunctionRestricted = 6001,
  kResponseException = 6002,
  kNotFound = 6003,
  kTableNotFound = 7001,
  kTableExists = 7002,            ///< FATE's EXISTS (tables, and other things that exist already)
};

}  // namespace fedflow
