# Per-target compiler settings: warnings and sanitizers.
# Call cicada_target_options(<target>) for every target the project builds.

function(cicada_target_options target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough
    # GCC 12 misreads Asio's recycling allocator for coroutine frames as a
    # new/delete mismatch (false positive at -O1 and above).
    -Wno-mismatched-new-delete)
  if(CICADA_SANITIZE)
    # GCC 12 reports false "maybe uninitialized" warnings inside libstdc++'s
    # <regex> and <functional> when sanitizers change inlining.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(CICADA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

set(CICADA_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
if(CICADA_SANITIZE)
  add_compile_options(${CICADA_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined)
endif()
