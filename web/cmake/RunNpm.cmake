# Builds the web UI: `npm ci` when node_modules is missing or older than package-lock.json, then
# `npm run build` into DIST. Any npm failure stops the CMake build with a message saying how to
# reproduce it.
# Usage: cmake -DNPM=<npm> -DWEB_DIR=<web/> -DDIST=<output dir> -P RunNpm.cmake
foreach(var NPM WEB_DIR DIST)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "RunNpm.cmake: -D${var}=... is required")
  endif()
endforeach()

function(run_npm what)
  execute_process(COMMAND "${NPM}" ${ARGN} WORKING_DIRECTORY "${WEB_DIR}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " cmdline)
    message(FATAL_ERROR
      "web UI: `npm ${cmdline}` failed (${rc}) while trying to ${what}; see the npm output above. "
      "Reproduce with: cd ${WEB_DIR} && npm ${cmdline}")
  endif()
endfunction()

set(installed "${WEB_DIR}/node_modules/.package-lock.json")
if(NOT EXISTS "${installed}" OR "${WEB_DIR}/package-lock.json" IS_NEWER_THAN "${installed}")
  run_npm("install the locked dependencies" ci --no-audit --no-fund)
  file(TOUCH "${installed}")
endif()
run_npm("build the web UI" run build -- --outDir "${DIST}" --emptyOutDir)
if(NOT EXISTS "${DIST}/index.html")
  message(FATAL_ERROR "web UI: the build wrote no ${DIST}/index.html")
endif()
