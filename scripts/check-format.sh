#!/usr/bin/env bash
# Checks that every C++ source of the project follows the committed .clang-format; lists the files
# that do not and exits 1. `make format` rewrites them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mapfile -t files < <(find src test bench fuzz -type f \( -name '*.cc' -o -name '*.h' \) | sort)
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "not formatted as .clang-format says (run 'make format'):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "${#files[@]} files follow .clang-format"
