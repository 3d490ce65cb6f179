# fedflow_proto_library(<target> <file.proto>...)
# Runs protoc on the listed files (relative to the calling directory) with the repository root as
# import root, into ${CMAKE_BINARY_DIR}/gen: "proto/fedflow/x.proto" -> "proto/fedflow/x.pb.h".
# Generated code lives only in the build tree (never committed).
function(fedflow_proto_library target)
  set(gen_dir ${CMAKE_BINARY_DIR}/gen)
  set(sources)
  set(all_protos)
  foreach(proto ${ARGN})
    get_filename_component(abs ${proto} ABSOLUTE)
    list(APPEND all_protos ${abs})
  endforeach()
  foreach(proto ${ARGN})
    get_filename_component(abs ${proto} ABSOLUTE)
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${abs})
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    set(out_h ${gen_dir}/${stem}.pb.h)
    set(out_cc ${gen_dir}/${stem}.pb.cc)
    add_custom_command(
      OUTPUT ${out_h} ${out_cc}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${gen_dir}
      COMMAND protobuf::protoc --cpp_out=${gen_dir} -I ${CMAKE_SOURCE_DIR} ${abs}
      DEPENDS ${all_protos} protobuf::protoc
      COMMENT "protoc: ${rel}"
      VERBATIM)
    list(APPEND sources ${out_cc})
  endforeach()
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC ${gen_dir})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf)
endfunction()
