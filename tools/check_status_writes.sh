#!/bin/sh
# Proves that every persisted status change passes its state machine: outside service/lifecycle,
# no code calls a status compare-and-set, and inside orm/ a status column is changed only by
# ExecuteStatusCas (the one conditional UPDATE) or set when a row is first inserted.
#   tools/check_status_writes.sh [source root]     (run as a ctest; exits 1 naming each offence)
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
fail=0

# 1. Status compare-and-sets are called by the lifecycles only.
hits=$(grep -rnE 'CompareAndSet[A-Za-z]*Status[[:space:]]*\(' service tools tests/support \
        --include='*.cpp' --include='*.hpp' | grep -v '^service/lifecycle/' | grep -v 'virtual ')
if [ -n "$hits" ]; then
  echo "status compare-and-set outside service/lifecycle (use its Apply/Move* entry points):"
  echo "$hits"
  fail=1
fi

# 2. In orm/, no SQL writes a status column except ExecuteStatusCas in database.cpp.
hits=$(grep -rniE "(SET|,)[[:space:]]*(federated_)?status[[:space:]]*=" orm/src --include='*.cpp' \
        | grep -v '^orm/src/database.cpp')
if [ -n "$hits" ]; then
  echo "a status column written by SQL outside ExecuteStatusCas:"
  echo "$hits"
  fail=1
fi

# 3. In orm/, a record's status field is assigned only where a new row is built (mapping of a
#    row to its record, or an insert): an assignment followed by an update would bypass the CAS.
hits=$(grep -rnE '(->|\.)(federated_)?status[[:space:]]*=[^=]' orm/src --include='*.cpp' \
        | grep -v '^orm/src/mapping.cpp' | grep -v '// new row')
if [ -n "$hits" ]; then
  echo "a record's status assigned in orm/ outside a new row (mark inserts with '// new row'):"
  echo "$hits"
  fail=1
fi

[ "$fail" -eq 0 ] && echo "status writes: every change goes through service/lifecycle"
exit "$fail"
