# SPDX-License-Identifier: BSD-3-Clause
# Fails when docs/programming.md names an example step ("step: NAME" in main.c) that main.c no longer has,
# or when the guide names none: the guide refers to the example, it never copies it.
file(READ ${GUIDE} guide)
file(READ ${EXAMPLE} example)
string(REGEX MATCHALL "main\\.c#step-[a-z_]+" refs "${guide}")
if(NOT refs)
  message(FATAL_ERROR "${GUIDE}: no reference to a step of ${EXAMPLE}")
endif()
foreach(ref ${refs})
  string(REGEX REPLACE "main\\.c#step-" "" step "${ref}")
  string(FIND "${example}" "/* step: ${step} --" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${GUIDE}: step '${step}' is not in ${EXAMPLE}")
  endif()
endforeach()
list(LENGTH refs n)
message(STATUS "${n} step references checked")
