# odb_generate(TARGET <tgt> HEADER <model.hpp> CHANGELOG_DIR <dir> [DATABASES sqlite mysql])
#
# Runs the ODB compiler on one persistent-class header in dynamic multi-database mode
# (common interface + one backend per database, schema embedded in the generated code).
# The committed changelogs in CHANGELOG_DIR are copied into the build tree and updated there
# by odb; the test <tgt>_changelog_current_<db> fails when the model changed but the committed
# changelog was not refreshed (copy build/gen/orm/changelog/*.xml back into CHANGELOG_DIR).
find_program(ODB_EXECUTABLE odb REQUIRED)

function(odb_generate)
  cmake_parse_arguments(ARG "" "TARGET;HEADER;CHANGELOG_DIR" "DATABASES" ${ARGN})
  if(NOT ARG_DATABASES)
    set(ARG_DATABASES sqlite mysql)
  endif()
  get_filename_component(hdr ${ARG_HEADER} ABSOLUTE)
  get_filename_component(name ${hdr} NAME_WE)
  set(out ${CMAKE_BINARY_DIR}/gen/orm)
  set(cl_out ${out}/changelog)

  set(outputs ${out}/${name}-odb.hpp ${out}/${name}-odb.ipp ${out}/${name}-odb.cpp)
  set(sources ${out}/${name}-odb.cpp)
  set(copy_cmds)
  set(db_args)
  set(committed)
  foreach(db ${ARG_DATABASES})
    list(APPEND outputs ${out}/${name}-odb-${db}.hpp ${out}/${name}-odb-${db}.ipp ${out}/${name}-odb-${db}.cpp)
    list(APPEND sources ${out}/${name}-odb-${db}.cpp)
    list(APPEND db_args -d ${db})
    set(src_cl ${ARG_CHANGELOG_DIR}/${name}-${db}.xml)
    list(APPEND committed ${src_cl})
    list(APPEND copy_cmds COMMAND ${CMAKE_COMMAND} -E copy ${src_cl} ${cl_out}/${name}-${db}.xml)
  endforeach()

  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out} ${cl_out}
    ${copy_cmds}
    COMMAND ${ODB_EXECUTABLE} --std c++14 --multi-database dynamic -d common ${db_args}
            --generate-query --generate-prepared --generate-schema --schema-format embedded
            --hxx-suffix .hpp --ixx-suffix .ipp --cxx-suffix .cpp
            -I ${CMAKE_SOURCE_DIR}
            --changelog-dir ${cl_out} --output-dir ${out} ${hdr}
    DEPENDS ${hdr} ${committed}
    COMMENT "odb: generating persistence code for ${name}"
    VERBATIM)

  # Only the .cpp files are sources: CMake would compile the .ipp inline files as sources too.
  target_sources(${ARG_TARGET} PRIVATE ${sources})
  get_filename_component(hdr_dir ${hdr} DIRECTORY)
  target_include_directories(${ARG_TARGET} PRIVATE ${out} ${hdr_dir})

  foreach(db ${ARG_DATABASES})
    add_test(NAME ${ARG_TARGET}_changelog_current_${db}
             COMMAND ${CMAKE_COMMAND} -E compare_files
                     ${ARG_CHANGELOG_DIR}/${name}-${db}.xml ${cl_out}/${name}-${db}.xml)
    set_tests_properties(${ARG_TARGET}_changelog_current_${db} PROPERTIES LABELS unit)
  endforeach()
endfunction()
