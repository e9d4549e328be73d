# Consul packaged from the project's own build (scripts/build-consul.sh:
# v1.14.11, MPL-2.0, static), for machines that cannot pull the official image.
#   docker build -f deploy/consul.Dockerfile -t thriftchat/consul:1.14.11 .
FROM scratch
COPY bin/consul /bin/consul
COPY deploy/empty/ /tmp/
COPY deploy/empty/ /consul/data/
ENTRYPOINT ["/bin/consul"]
