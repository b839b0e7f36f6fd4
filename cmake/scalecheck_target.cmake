# scalecheck_configure(<target>): the warnings and sanitizers every target of
# ours gets. Third-party targets are left alone.
function(scalecheck_configure target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wnon-virtual-dtor -Woverloaded-virtual
    $<$<BOOL:${SCALECHECK_WERROR}>:-Werror>
    # GCC 12's -Wrestrict misfires on std::string concatenation at -O2
    # (GCC bug 105651); it is not a defect of ours.
    -Wno-restrict)
  if(SCALECHECK_SANITIZERS)
    target_compile_options(${target} PRIVATE
      -fsanitize=${SCALECHECK_SANITIZERS} -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${SCALECHECK_SANITIZERS})
  endif()
endfunction()
