# Lec4 autoencoder — course kit. Every target installs what is missing first (npm ci).
# `make grade` and `make test` are all a newcomer needs.
.PHONY: grade test train watch bench release batch gradescope stubs fixtures typecheck clean node-version

DEPS := node_modules/.package-lock.json
TSX := node_modules/.bin/tsx
STEP ?=

# The sandbox needs Node's permission model (Node 20+): say so plainly instead of a stack trace.
node-version:
	@node -e 'const v = process.versions.node; if (+v.split(".")[0] < 20) { console.error("Node " + v + " は古すぎます。Node 20 以上を入れてください / Node " + v + " is too old: install Node 20 or newer"); process.exit(1); }'

$(DEPS): package.json package-lock.json | node-version
	npm ci --no-audit --no-fund
	@touch $(DEPS)

grade: $(DEPS)
	@$(TSX) grader/cli.ts grade $(if $(STEP),--step $(STEP),) $(ARGS)

test: $(DEPS)
	node_modules/.bin/vitest run $(ARGS)

train: $(DEPS)
	@$(TSX) course/train-cli.ts $(if $(SOLUTION),--solution,) $(ARGS)

watch: $(DEPS)
	@$(TSX) grader/cli.ts watch $(ARGS)

bench: $(DEPS)
	@$(TSX) bench/run.ts $(ARGS)

release: $(DEPS)
	@$(TSX) tools/release.ts $(ARGS)

batch: $(DEPS)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make batch SUBMISSIONS=DIR [OUT=DIR] [JOBS=N]"; exit 2; }
	@$(TSX) grader/cli.ts batch --submissions "$(SUBMISSIONS)" --out "$(or $(OUT),out/batch)" $(if $(JOBS),--jobs $(JOBS),) $(ARGS)

# The Gradescope autograder (docs/ta.md): needs the course secret (.course-secret); staff only.
gradescope: $(DEPS)
	@$(TSX) tools/gradescope.ts $(if $(GRADE_LANG),--lang $(GRADE_LANG),) $(ARGS)

stubs: $(DEPS)
	@$(TSX) tools/make-stubs.ts

fixtures: $(DEPS)
	@$(TSX) tools/make-fixtures.ts

typecheck: $(DEPS)
	node_modules/.bin/tsc --noEmit -p .

clean:
	rm -rf out dist data/cache .grader-cache
