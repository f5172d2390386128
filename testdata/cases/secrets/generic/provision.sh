#!/usr/bin/env bash
# Provision a fresh build agent. Old script, kept for reference.
set -euo pipefail

export PGPASSWORD='PgcT1UgOleuH=' # expect: generic-password-env-variable
psql -h pg-analytics.internal -U etl -c 'select 1'

mysqldump -h db-prod.internal -u backup -pU3aPTMZwMs --single-transaction shop > /backup/shop.sql # expect: mysql-cli-password
mysql -u root -p shop < /backup/shop.sql
mysql -u root -p"$MYSQL_ROOT_PASSWORD" -e "SELECT 1"

sshpass -p dsKj9SaSxZM ssh -o StrictHostKeyChecking=no deploy@10.0.4.21 "systemctl restart api" # expect: cli-password-argument
echo "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.corp.acme.io
docker login -u ci-pusher -p wtwskJ9vWMIsP5K34uIEo10YLkohhieMJbEo213An8bTWw75 registry.corp.acme.io # expect: cli-password-argument
docker run -d -p 8080:80 nginx

curl -fsS -u admin:bM!oSfS28Jp+ https://nexus.corp.local/service/rest/v1/repositories # expect: cli-password-argument
curl -fsS -u "$NEXUS_USER:$NEXUS_PASS" https://nexus.corp.local/service/rest/v1/status
curl -s -H "Authorization: Basic c3ZjLWRlcGxveTpHc3h3N0ktUi1a" https://jenkins.corp.local/job/deploy/build # expect: http-basic-auth-header

openssl pkcs12 -export -in server.crt -inkey server.key -out server.p12 -passout pass:kPCH_1!A++_vu # expect: openssl-passphrase-argument
openssl pkcs12 -in bundle.pfx -nodes -passin env:PFX_PASSWORD -out bundle.pem

ldapsearch -x -H ldaps://dc01.corp.local -D "cn=svc-audit,ou=svc,dc=corp,dc=local" -w FHw=DdL1f2Oe7Pb -b "dc=corp,dc=local" "(objectClass=user)" # expect: ldap-bind-password
ldapsearch -x -D "cn=admin,dc=corp,dc=local" -W -b "dc=corp,dc=local"

sqlplus -s batch_loader/zuRz5d260cMZA+@//ora-scan.corp.local:1521/DWH @load.sql # expect: oracle-connect-string-password
git remote add deploy https://release-bot:Gsxw7I-R-Z@git.corp.acme.io/platform/infra.git # expect: url-embedded-credentials
git clone "https://oauth2:${CI_JOB_TOKEN}@gitlab.com/group/project.git"
