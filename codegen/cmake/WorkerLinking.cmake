# Worker executables (one process per task attempt) link their C++ dependencies statically:
# dynamic loading and symbol binding were most of a worker's start-up (docs/scheduling.md,
# "Worker start-up"). Libraries name a dependency through fedflow_dep(); the choice is made per
# consuming executable, which opts in with fedflow_static_worker(<target>), so the Beast client
# is still compiled once and the server keeps the shared libraries.
#
#   fedflow_dep(<out-var> "<shared-target>[;...]" <archive-name>...)
#   fedflow_static_worker(<target>)

set(FEDFLOW_STATIC_WORKERS ON CACHE BOOL "Link worker executables against static C++ dependencies when the archives exist")

function(fedflow_dep out shared)
  set(archives)
  foreach(name IN LISTS ARGN)
    find_library(FEDFLOW_ARCHIVE_${name} NAMES lib${name}.a)
    if(NOT FEDFLOW_ARCHIVE_${name})
      set(${out} ${shared} PARENT_SCOPE)   # an archive is missing: shared everywhere
      return()
    endif()
    list(APPEND archives ${FEDFLOW_ARCHIVE_${name}})
  endforeach()
  list(JOIN archives "$<SEMICOLON>" static_list)
  list(JOIN shared "$<SEMICOLON>" shared_list)
  # In a link interface, TARGET_PROPERTY without a target reads the consuming executable.
  set(${out} "$<IF:$<BOOL:$<TARGET_PROPERTY:FEDFLOW_STATIC_DEPS>>,${static_list},${shared_list}>" PARENT_SCOPE)
endfunction()

function(fedflow_static_worker target)
  if(FEDFLOW_STATIC_WORKERS)
    set_target_properties(${target} PROPERTIES FEDFLOW_STATIC_DEPS ON)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
endfunction()
