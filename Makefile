# thriftchat's front door. `make help` lists the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin
SERVICES := channel presence chatlog web
GOTEST_FLAGS ?= -race -count=1 -timeout 20m
export CGO_ENABLED ?= 0

.PHONY: help gen check-gen build test test-go deps consul lint run up down compose-test images bench bench-channel bench-presence bench-chatlog clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

gen: ## regenerate gen-go/ and the PHP/Python clients from thrift/
	bash scripts/gen.sh

check-gen: ## fail if gen-go/ or the clients differ from what thrift/ generates
	bash scripts/check-gen.sh

build: ## build the four static binaries into bin/ (chatlog with cgo when a C toolchain is here)
	bash scripts/build.sh $(BIN)

deps: ## install system packages the tests need (Debian) and build Consul
	bash scripts/install-deps.sh
	bash scripts/build-consul.sh >/dev/null

consul: ## build (or find cached) the Consul agent used by tests and compose
	@bash scripts/build-consul.sh

test: deps ## install what the tests need, then run every test with the race detector
	CONSUL_BIN=$$(bash scripts/build-consul.sh) CGO_ENABLED=1 $(GO) test $(GOTEST_FLAGS) ./...

test-go: ## run the Go tests only (assumes `make deps` ran)
	CONSUL_BIN=$$(bash scripts/build-consul.sh) CGO_ENABLED=1 $(GO) test $(GOTEST_FLAGS) ./...

lint: ## gofmt, go vet and staticcheck
	bash scripts/lint.sh

run: build ## run the whole system on this machine: no Docker, no Consul, no database
	bash scripts/run.sh

images: build ## build the FROM-scratch images (and the Consul image) for compose
	bash scripts/images.sh

up: images ## docker compose up: Consul plus every service
	bash scripts/compose.sh up -d --wait
	@echo "chat: http://localhost:$${THRIFTCHAT_WEB_PORT:-8080}/"

down: ## docker compose down
	bash scripts/compose.sh down -v --remove-orphans

compose-test: build ## bring the compose stack up, smoke-test it, kill a channel, tear down
	bash scripts/compose-test.sh

bench: bench-presence bench-chatlog bench-channel ## every benchmark

bench-channel: ## channel vs Nchan: 10k parked polls, 10k msg/s (set N, RATE, MSGS to change)
	bash scripts/bench-channel.sh

bench-presence: ## presence: memory per user, ingest rate, multi-get latency
	bash scripts/bench-presence.sh

bench-chatlog: ## chatlog: durable appends/s and latency, against one fsync per append
	bash scripts/bench-chatlog.sh

clean: ## remove build output and local data
	rm -rf $(BIN) data
