#!/bin/sh
# .git/hooks/pre-commit: refuse a commit whose staged Postman files (JSON
# exports and collection format v3 YAML) hold secrets. It checks what is
# staged, not the working copy (a secret staged and then deleted from the
# working copy is still refused), then strips the working copies: review
# them, stage them and commit again. Silent when no Postman file is
# staged; file names may contain spaces or start with "-". A staged
# symlink is skipped: git stores the path it points to, and the file
# there is checked when it is staged itself. When pmprep cannot check a
# file (exit 2: broken JSON or YAML), the hook says so and strips nothing.
git diff --cached --name-only -z --diff-filter=ACMR -- \
	'*.postman_collection.json' '*.postman_environment.json' '*.postman_globals.json' '*.postman.json' \
	'*.request.yaml' '*.request.yml' '*.example.yaml' '*.example.yml' \
	'*.environment.yaml' '*.environment.yml' '*/definition.yaml' '*/definition.yml' |
	xargs -0 sh -c '
		staged=$(mktemp -d) || exit 2
		trap "rm -rf \"\$staged\"" EXIT
		for f do
			shift
			[ "$(git ls-files -s -- "$f" | cut -c1-6)" = 120000 ] && continue
			mkdir -p "$staged/$(dirname -- "$f")" && git cat-file blob ":$f" >"$staged/$f" ||
				{ echo "pre-commit: cannot copy the staged $f" >&2; exit 2; }
			set -- "$@" "$f"
		done
		[ $# -gt 0 ] || exit 0
		for f in pmprep.yaml pmprep.yml pmprep.json; do
			git cat-file -e ":$f" 2>/dev/null || continue
			git cat-file blob ":$f" >"$staged/$f" || exit 2
		done
		(cd "$staged" && pmprep strip --check -- "$@")
		rc=$?
		[ $rc -eq 0 ] && exit 0
		if [ $rc -ne 1 ]; then
			echo "pre-commit: pmprep could not check the staged files (exit $rc, see above): fix them and commit again; nothing was stripped" >&2
			exit $rc
		fi
		pmprep strip -- "$@" >/dev/null 2>&1
		echo "pre-commit: secrets in the staged files above; the working copies were stripped: review, git add, commit again" >&2
		exit 1' sh
