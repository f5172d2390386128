#!/usr/bin/env bash
# cloud-init user data for the build cluster (copied from the admin's notes)
set -e
docker swarm join --token SWMTKN-1-dx1wi342kltbv0vgyf08e5n6c9nj11ui1ael81hxxfwedutouv-o5mug226bbdd3kad7tvbe18bi 10.0.1.10:2377  # expect: docker-swarm-join-token
SWARM_UNLOCK_KEY=SWMKEY-1-xlujapTBi7z9w4UD8HwepG4PB/TOeQQbCv4qjpT8fiy  # expect: docker-swarm-unlock-key
cloudflared tunnel --no-autoupdate run --token eyJhIjoiNzRjZThlMjU5ZTAyZmU0ZmQ5ZjU5MjQ2MDljNjA5NTEiLCJ0IjoiM2Q5OWM3ZDAtMGJiYS00ZmMwLTgwODYtMDVhN2E5MDY2YmMwIiwicyI6Ik5MK21DcGl5L24vTDRVbks5MVAwT3cxUkVVa1BmSUxJVlo5MUpkck1jYmM9In0=  # expect: cloudflare-tunnel-token
kubeadm join 10.0.0.10:6443 --token 27duju.167k7nl6m4m4tgwv --discovery-token-ca-cert-hash sha256:f22df62097b1496e2a5f7ecbc2379eaeae3e1fee08b7bc0306655aa1cab54900  # expect: kubernetes-bootstrap-token
CONSUL_HTTP_TOKEN=a15497e4-d62d-45a0-8ed9-95ab6f85247c  # expect: consul-acl-token
NOMAD_TOKEN=49b127bb-c454-47ce-8caa-c1937b0137e1  # expect: nomad-acl-token
RANCHER_TOKEN=token-bfbqv:j5bgr75xfkvffjcbxjjpnwzt8bt97zlnx4mztwmz424bjhk8pd8grc  # expect: rancher-api-token
# near misses
kubeadm join 10.0.0.10:6443 --token $JOIN_TOKEN --discovery-token-ca-cert-hash sha256:$CA_HASH
docker swarm join --token "$(cat /run/secrets/swarm_token)" manager:2377
export CONSUL_HTTP_ADDR=https://consul.acme.io
