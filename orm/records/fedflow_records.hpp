#pragma once
// ODB persistent records: the input of the odb compiler (codegen/cmake/Odb.cmake).
// C++14 and std types only. Records never leave orm/: repositories map them to the
// ODB-free rows of orm/rows.hpp. The tables themselves are defined once, in orm/tables.def;
// only what is not a plain table (the views) is written here.

#include <cstdint>
#include <string>

// Version history: 1 = lifecycle tables; 2 = interconnect command log, providers, queue fields;
// 3 = security (nonces, partner permissions), tracking and data (metrics, outputs, tables);
// 4 = the allocation ledger keeps every decision (request_seq, refusals); 5 = indexes for job
// lists by creation and for unsynced ends; 6 = the federation data plane (messages, chunks,
// traffic and progress of attempts).
#pragma db model version(1, 6)

// _Pragma only takes a string literal, so the pragma text is stringised after its arguments
// (the record name pasted from the table name) have been expanded.
#define FF_RECORD_PRAGMA_TEXT(text_) _Pragma(#text_)
#define FF_RECORD_PRAGMA(text_) FF_RECORD_PRAGMA_TEXT(text_)

namespace fedflow {
namespace orm {
namespace records {

// First pass: the record structs.
#define FF_TABLE(T_, Sql_, Obj_) struct T_##Record {
#define FF_COLUMN(T_, Ty_, Mb_, Init_, Db_) Ty_ Mb_{Init_};
#define FF_STATUS(T_, En_, Mb_, Init_, Db_) std::string Mb_;
#define FF_RECORD_ONLY(T_, Ty_, Mb_, Init_, Db_) Ty_ Mb_{Init_};
#define FF_END_TABLE(T_) };
#include "orm/tables.def"

// Second pass: their mapping, as named pragmas (a positional pragma produced by a macro would
// attach to the next member).
#define FF_TABLE(T_, Sql_, Obj_) FF_RECORD_PRAGMA(db object(T_##Record) table(Sql_) Obj_)
#define FF_COLUMN(T_, Ty_, Mb_, Init_, Db_) FF_RECORD_PRAGMA(db member(T_##Record::Mb_) Db_)
#define FF_STATUS(T_, En_, Mb_, Init_, Db_) FF_RECORD_PRAGMA(db member(T_##Record::Mb_) Db_)
#define FF_RECORD_ONLY(T_, Ty_, Mb_, Init_, Db_) FF_RECORD_PRAGMA(db member(T_##Record::Mb_) Db_)
#define FF_INDEX(T_, Ix_, IxOpt_) FF_RECORD_PRAGMA(db index(T_##Record::Ix_) IxOpt_)
#include "orm/tables.def"

// odb generates code only for classes defined in its input file, and a struct expanded inside
// tables.def counts as defined there; `definition` moves each record's generation point here.
// One line per table of tables.def; a missing line shows up as "fedflow_records-odb.hpp: fatal
// error: orm/tables-odb.hpp: No such file or directory".
#define FF_RECORD_DEFINED_HERE(T_) FF_RECORD_PRAGMA(db object(T_##Record) definition)
FF_RECORD_DEFINED_HERE(Job)
FF_RECORD_DEFINED_HERE(ScheduleJob)
FF_RECORD_DEFINED_HERE(ScheduleTask)
FF_RECORD_DEFINED_HERE(ScheduleTaskParty)
FF_RECORD_DEFINED_HERE(TaskAttempt)
FF_RECORD_DEFINED_HERE(Allocation)
FF_RECORD_DEFINED_HERE(EngineCapacity)
FF_RECORD_DEFINED_HERE(Command)
FF_RECORD_DEFINED_HERE(Provider)
FF_RECORD_DEFINED_HERE(Instance)
FF_RECORD_DEFINED_HERE(Server)
FF_RECORD_DEFINED_HERE(Service)
FF_RECORD_DEFINED_HERE(Nonce)
FF_RECORD_DEFINED_HERE(Permission)
FF_RECORD_DEFINED_HERE(Metric)
FF_RECORD_DEFINED_HERE(Output)
FF_RECORD_DEFINED_HERE(Table)
FF_RECORD_DEFINED_HERE(FedMessage)
FF_RECORD_DEFINED_HERE(FedChunk)
#undef FF_RECORD_DEFINED_HERE

#undef FF_RECORD_PRAGMA
#undef FF_RECORD_PRAGMA_TEXT

/// Sum of an allocation selection (free capacity is derived from it).
#pragma db view object(AllocationRecord)
struct AllocationTotalsView {
#pragma db column("COALESCE(SUM(" + AllocationRecord::cores + "), 0)")
  std::int64_t cores = 0;
#pragma db column("COALESCE(SUM(" + AllocationRecord::memory_mb + "), 0)")
  std::int64_t memory_mb = 0;
#pragma db column("COUNT(" + AllocationRecord::id + ")")
  std::int64_t rows = 0;
};

/// Ids of a job selection: a deep page is found in the index, then only its rows are read.
#pragma db view object(JobRecord)
struct JobIdView {
#pragma db column(JobRecord::id)
  std::uint64_t id = 0;
};

/// Job ids of a scheduler selection: the tick lists the jobs to drive without their specs.
#pragma db view object(ScheduleJobRecord)
struct ScheduleJobIdView {
#pragma db column(ScheduleJobRecord::job_id)
  std::string job_id;
};

/// Bytes of a selection of federation messages (the per-job spool quota).
#pragma db view object(FedMessageRecord)
struct FedPendingBytesView {
#pragma db column("COALESCE(SUM(" + FedMessageRecord::received_bytes + "), 0)")
  std::int64_t bytes = 0;
};

/// Row count of a job selection (list paging).
#pragma db view object(JobRecord)
struct JobCountView {
#pragma db column("COUNT(" + JobRecord::id + ")")
  std::int64_t count = 0;
};

}  // namespace records
}  // namespace orm
}  // namespace fedflow
