# Project-wide compiler settings and the helpers every module uses.

add_compile_options(-Wall -Wextra -Wpedantic)
if(BULWARK_WERROR)
  add_compile_options(-Werror)
endif()
if(BULWARK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# bulwark_module(NAME SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
# A module is one folder, one static library `bulwark_<name>`, one namespace `bulwark::<name>`.
function(bulwark_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(bulwark_${name} STATIC ${M_SOURCES})
  target_include_directories(bulwark_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(bulwark_${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
endfunction()

# bulwark_test(NAME SOURCES ... [DEPS ...] [LABELS ...])
# A GoogleTest executable registered with CTest, one CTest test per TEST().
function(bulwark_test name)
  if(NOT BULWARK_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    BULWARK_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    BULWARK_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # A hung test fails after five minutes instead of stalling the whole run.
  set(props ENVIRONMENT "BULWARK_SOURCE_DIR=${PROJECT_SOURCE_DIR}" TIMEOUT 300)
  if(T_LABELS)
    list(APPEND props LABELS "${T_LABELS}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES ${props})
endfunction()
