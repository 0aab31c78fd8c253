#!/bin/sh
# no-unsafe.sh - prove that programs hold no code of the unsafe archive
# (run by `make lint`).
#
#   tools/no-unsafe.sh build/libunsafe.a cgi-bin/api.fcgi cgi-bin/auth.fcgi
#
# Every global symbol the archive defines (the deliberately insecure demos
# of src/unsafe/) is looked for among the symbols each program defines.
# Prints what it found and exits 1 when a program holds any of them.
set -eu
archive=$1; shift
list=$(mktemp)
trap 'rm -f "$list"' EXIT
nm -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' | sort -u > "$list"
[ -s "$list" ] || { echo "no-unsafe: $archive defines no symbol"; exit 1; }
status=0
for prog in "$@"; do
	found=$(nm --defined-only "$prog" | awk 'NF == 3 { print $3 }' |
		sort -u | comm -12 - "$list")
	if [ -n "$found" ]; then
		echo "no-unsafe: $prog links code from $archive:" $found
		status=1
	else
		echo "no-unsafe: $prog holds none of the $(wc -l < "$list") symbols of $archive"
	fi
done
exit $status
