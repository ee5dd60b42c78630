#!/bin/sh
# .git/hooks/pre-commit: refuse a commit whose staged Postman files hold
# secrets. It checks what is staged, not the working copy (a secret staged
# and then deleted from the working copy is still refused), then strips the
# working copies: review them, stage them and commit again. Silent when no
# Postman file is staged; file names may contain spaces.
git diff --cached --name-only -z --diff-filter=ACMR -- \
	'*.postman_collection.json' '*.postman_environment.json' '*.postman_globals.json' '*.postman.json' |
	xargs -0 sh -c '
		[ $# -gt 0 ] || exit 0
		staged=$(mktemp -d) || exit 2
		trap "rm -rf \"\$staged\"" EXIT
		for f in "$@" pmprep.yaml pmprep.yml pmprep.json; do
			git cat-file -e ":$f" 2>/dev/null || continue
			mkdir -p "$staged/$(dirname "$f")" && git cat-file blob ":$f" >"$staged/$f" || exit 2
		done
		(cd "$staged" && pmprep strip --check "$@") && exit 0
		pmprep strip "$@" >/dev/null 2>&1
		echo "pre-commit: secrets in the staged files above; the working copies were stripped: review, git add, commit again" >&2
		exit 1' sh
