# One npm step of the web UI build: STEP=ci installs the locked dependencies, STEP=build runs
# `npm run build` into DIST. Any npm failure stops the CMake build with a message saying how to
# reproduce it.
# Usage: cmake -DSTEP=ci|build -DNPM=<npm> -DWEB_DIR=<web/> -DDIST=<output dir> -P RunNpm.cmake
foreach(var STEP NPM WEB_DIR DIST)
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

if(STEP STREQUAL "ci")
  run_npm("install the locked dependencies" ci --no-audit --no-fund)
  # npm ci writes this file; touch it so it is newer than package-lock.json for the build tool.
  file(TOUCH "${WEB_DIR}/node_modules/.package-lock.json")
elseif(STEP STREQUAL "build")
  run_npm("build the web UI" run build -- --outDir "${DIST}" --emptyOutDir)
  if(NOT EXISTS "${DIST}/index.html")
    message(FATAL_ERROR "web UI: the build wrote no ${DIST}/index.html")
  endif()
else()
  message(FATAL_ERROR "RunNpm.cmake: -DSTEP must be ci or build")
endif()
